// Sigmoid (Platt) and temperature scaling against analytic optima and the scikit-learn /
// scipy Platt reference in fixtures/isotonic_sklearn.json.
#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "mtf/calibration/sigmoid_calibrator.hpp"
#include "mtf/calibration/temperature_scaling.hpp"
#include "mtf/core/errors.hpp"
#include "mtf/core/scoring_rules.hpp"

using mtf::calibration::fit_platt;
using mtf::calibration::sigmoid_calibrator;
using mtf::calibration::temperature_scaling;

namespace {

/// Rows p = (e^z, 1, 1) / (e^z + 2) with the large entry rotated through the classes; the
/// label is the large entry's class in `correct` of every `rows` rows, else another class.
struct symmetric_case {
  mtf::matrix probs;
  std::vector<int> labels;
};

symmetric_case symmetric_rows(double z, int rows, int correct) {
  symmetric_case out{mtf::matrix::from_shape({static_cast<std::size_t>(rows), 3}), {}};
  const double top = std::exp(z) / (std::exp(z) + 2.0), rest = 1.0 / (std::exp(z) + 2.0);
  for (int i = 0; i < rows; ++i) {
    const int big = i % 3;
    for (int c = 0; c < 3; ++c)
      out.probs(static_cast<std::size_t>(i), static_cast<std::size_t>(c)) = c == big ? top : rest;
    // Wrong rows alternate between the two other classes so both get the same share.
    out.labels.push_back(i < correct ? big : (big + 1 + i % 2) % 3);
  }
  return out;
}

}  // namespace

TEST_CASE("temperature scaling finds the analytic optimum of a symmetric case", "[temperature]") {
  // Every row has logits (z, 0, 0) up to a shift; with a share r of rows right, the best
  // scaled top probability is r, i.e. z / T = log(2 r / (1 - r)).
  const double z = 2.0;
  const int rows = 300, correct = 180;  // r = 0.6 -> T = 2 / log 3
  const auto data = symmetric_rows(z, rows, correct);
  const auto fitted = temperature_scaling::fit(data.probs, data.labels);
  CHECK(fitted.temperature() == Approx(z / std::log(3.0)).margin(1e-8).epsilon(0));
  const auto calibrated = fitted.predict(data.probs);
  CHECK(calibrated(0, 0) == Approx(0.6).margin(1e-9));

  // Over-confident the other way: r = 0.9 -> z / T = log 18, T < 1 sharpens.
  const auto sharp = symmetric_rows(z, 300, 270);
  CHECK(temperature_scaling::fit(sharp.probs, sharp.labels).temperature() ==
        Approx(z / std::log(18.0)).margin(1e-8).epsilon(0));
}

TEST_CASE("temperature scaling minimises log loss on asymmetric data (checked by a grid)",
          "[temperature]") {
  mtf::matrix probs = {{0.7, 0.2, 0.1}, {0.5, 0.3, 0.2},   {0.1, 0.6, 0.3}, {0.2, 0.2, 0.6},
                       {0.3, 0.4, 0.3}, {0.05, 0.15, 0.8}, {0.6, 0.1, 0.3}, {0.25, 0.5, 0.25}};
  const std::vector<int> labels{0, 1, 1, 2, 0, 2, 2, 1};
  const auto fitted = temperature_scaling::fit(probs, labels);
  const double best = mtf::log_loss(fitted.predict(probs), labels);
  // No temperature on a fine grid around the optimum does better.
  for (double t = fitted.temperature() * 0.9; t <= fitted.temperature() * 1.1;
       t += fitted.temperature() * 1e-3) {
    INFO("T " << t);
    CHECK(mtf::log_loss(temperature_scaling::with_temperature(t).predict(probs), labels) >=
          best - 1e-15);
  }
}

TEST_CASE("temperature one leaves normalised probabilities unchanged", "[temperature]") {
  const mtf::matrix probs = {{0.7, 0.2, 0.1}, {0.25, 0.5, 0.25}};
  const auto same = temperature_scaling::with_temperature(1.0).predict(probs);
  for (std::size_t i = 0; i < 2; ++i) {
    for (std::size_t c = 0; c < 3; ++c)
      CHECK(same(i, c) == Approx(probs(i, c)).epsilon(1e-14));
  }
}

TEST_CASE("temperature scaling stops at its limits for useless or perfect inputs",
          "[temperature]") {
  // Labels always on the smallest probability: the best is as flat as allowed.
  const mtf::matrix probs = {{0.7, 0.2, 0.1}, {0.1, 0.7, 0.2}, {0.2, 0.1, 0.7}};
  CHECK(temperature_scaling::fit(probs, std::vector<int>{2, 0, 1}).temperature() ==
        temperature_scaling::max_temperature);
  // Labels always on the largest: sharpened until the loss is flat in double precision (the
  // labelled class then gets 1 to within rounding; the bound 0.01 need not be reached).
  const auto perfect = temperature_scaling::fit(probs, std::vector<int>{0, 1, 2});
  CHECK(perfect.temperature() < 0.05);
  const auto sharp = perfect.predict(probs);
  for (std::size_t i = 0; i < 3; ++i)
    CHECK(sharp(i, i) > 1.0 - 1e-12);
  CHECK_THROWS_AS(temperature_scaling::with_temperature(0.0), mtf::artifact_error);
  CHECK_THROWS_AS(temperature_scaling::fit(probs, std::vector<int>{0, 1}), mtf::training_error);
}

TEST_CASE("bias-corrected temperature scaling restores the class prior of uninformative inputs",
          "[temperature]") {
  // Every row says 1/3 each: the logits are equal, so T does nothing and p = softmax(b). The
  // maximum-likelihood b gives the label shares: b_c = log(share_c) - mean log share.
  const std::size_t rows = 200;
  const mtf::matrix probs = xt::ones<double>({rows, std::size_t{3}}) / 3.0;
  std::vector<int> labels;
  for (std::size_t i = 0; i < rows; ++i)
    labels.push_back(i < 84 ? 0 : (i < 104 ? 1 : 2));  // shares 0.42 / 0.10 / 0.48
  const auto fitted = temperature_scaling::fit(probs, labels);
  const double shares[] = {0.42, 0.10, 0.48};
  const double mean_log = (std::log(0.42) + std::log(0.10) + std::log(0.48)) / 3.0;
  REQUIRE(fitted.bias().size() == 3);
  const auto out = fitted.predict(probs);
  for (std::size_t c = 0; c < 3; ++c) {
    CHECK(fitted.bias()[c] == Approx(std::log(shares[c]) - mean_log).margin(1e-9));
    CHECK(out(0, c) == Approx(shares[c]).margin(1e-9));
  }
}

TEST_CASE(
    "bias-corrected temperature scaling matches the label mix on average and beats plain "
    "temperature scaling",
    "[temperature]") {
  // Rows whose model was trained on equal thirds while neutral is rare: the maximum-likelihood
  // biases make the mean calibrated probability of every class equal its share of the labels
  // (the bias gradient is zero), which one temperature alone cannot do.
  mtf::matrix probs = {{0.5, 0.3, 0.2}, {0.3, 0.4, 0.3},   {0.2, 0.3, 0.5},   {0.6, 0.3, 0.1},
                       {0.1, 0.3, 0.6}, {0.4, 0.35, 0.25}, {0.25, 0.35, 0.4}, {0.45, 0.3, 0.25}};
  const std::vector<int> labels{0, 0, 2, 0, 2, 2, 2, 1};
  const auto fitted = temperature_scaling::fit(probs, labels);
  const auto out = fitted.predict(probs);
  for (std::size_t c = 0; c < 3; ++c) {
    double mean = 0.0, share = 0.0;
    for (std::size_t i = 0; i < labels.size(); ++i) {
      mean += out(i, c) / static_cast<double>(labels.size());
      share += (labels[i] == static_cast<int>(c) ? 1.0 : 0.0) / static_cast<double>(labels.size());
    }
    CHECK(mean == Approx(share).margin(1e-9));
  }
  double bias_sum = 0.0;
  for (const double b : fitted.bias())
    bias_sum += b;
  CHECK(bias_sum == Approx(0.0).margin(1e-12));
  const double with_bias = mtf::log_loss(out, labels);
  const double plain = mtf::log_loss(
      temperature_scaling::with_temperature(fitted.temperature()).predict(probs), labels);
  CHECK(with_bias < plain);
  // No perturbation of T or of one bias (re-centred) does better: a local optimum of a convex
  // loss is the global one.
  for (const double dt : {-1e-3, 1e-3}) {
    const auto moved =
        temperature_scaling::with_temperature(fitted.temperature() * (1 + dt), fitted.bias());
    CHECK(mtf::log_loss(moved.predict(probs), labels) >= with_bias - 1e-15);
  }
  for (std::size_t c = 0; c < 3; ++c) {
    for (const double db : {-1e-3, 1e-3}) {
      auto bias = fitted.bias();
      bias[c] += db;
      const auto moved = temperature_scaling::with_temperature(fitted.temperature(), bias);
      CHECK(mtf::log_loss(moved.predict(probs), labels) >= with_bias - 1e-15);
    }
  }
}

TEST_CASE("a fitted temperature and bias survive a JSON round trip", "[temperature]") {
  const mtf::matrix probs = {{0.7, 0.2, 0.1}, {0.2, 0.5, 0.3}, {0.1, 0.3, 0.6}, {0.3, 0.3, 0.4}};
  const std::vector<int> labels{0, 1, 2, 2};
  const auto fitted = temperature_scaling::fit(probs, labels);
  const auto loaded =
      temperature_scaling::from_json(nlohmann::json::parse(fitted.to_json().dump()));
  const auto a = fitted.predict(probs), b = loaded.predict(probs);
  for (std::size_t k = 0; k < a.size(); ++k)
    CHECK(a.data()[k] == b.data()[k]);
  // An older calibrator without biases still loads: a plain temperature.
  const auto plain = temperature_scaling::from_json(nlohmann::json{{"temperature", 2.0}});
  CHECK(plain.bias().empty());
}

TEST_CASE("platt scaling solves a two-score case exactly", "[sigmoid]") {
  // Scores 0.2 (10 rows, 2 positive) and 0.8 (10 rows, 7 positive). With Platt's smoothed
  // targets t+ = (9 + 1) / (9 + 2), t- = 1 / (11 + 2), two parameters fit the two groups'
  // mean targets exactly: a f + b = log((1 - m) / m) at each score.
  std::vector<double> scores;
  auto positive = std::make_unique<bool[]>(20);
  for (int i = 0; i < 20; ++i) {
    scores.push_back(i < 10 ? 0.2 : 0.8);
    positive[static_cast<std::size_t>(i)] = i < 10 ? i < 2 : i < 17;
  }
  const double t_pos = 10.0 / 11.0, t_neg = 1.0 / 13.0;
  const double m_low = (2 * t_pos + 8 * t_neg) / 10, m_high = (7 * t_pos + 3 * t_neg) / 10;
  const double l_low = std::log((1 - m_low) / m_low), l_high = std::log((1 - m_high) / m_high);
  const double a = (l_high - l_low) / 0.6, b = l_low - a * 0.2;
  const auto fitted = fit_platt(scores, std::span<const bool>(positive.get(), 20));
  CHECK(fitted.a == Approx(a).margin(1e-8).epsilon(0));
  CHECK(fitted.b == Approx(b).margin(1e-8).epsilon(0));
}

TEST_CASE("platt scaling agrees with scikit-learn and a tight scipy solve", "[sigmoid]") {
  const std::string path =
      std::string(MTF_SOURCE_DIR) + "/tests/calibration/fixtures/isotonic_sklearn.json";
  std::ifstream in(path);
  REQUIRE(in);
  const auto fixture = nlohmann::json::parse(in).at("platt");
  const auto scores = fixture.at("scores").get<std::vector<double>>();
  const auto flags = fixture.at("positive").get<std::vector<bool>>();
  auto positive = std::make_unique<bool[]>(flags.size());
  for (std::size_t i = 0; i < flags.size(); ++i)
    positive[i] = flags[i];
  const auto fitted = fit_platt(scores, std::span<const bool>(positive.get(), flags.size()));
  CHECK(fitted.a == Approx(fixture.at("tight_a").get<double>()).margin(1e-7).epsilon(0));
  CHECK(fitted.b == Approx(fixture.at("tight_b").get<double>()).margin(1e-7).epsilon(0));
  // scikit-learn stops BFGS at a gradient of 1e-5, so it is only close.
  CHECK(fitted.a == Approx(fixture.at("sklearn_a").get<double>()).margin(1e-5).epsilon(0));
  CHECK(fitted.b == Approx(fixture.at("sklearn_b").get<double>()).margin(1e-5).epsilon(0));
}

TEST_CASE("sigmoid calibration applies each class's sigmoid and renormalises", "[sigmoid]") {
  const auto model = sigmoid_calibrator::from_parameters({{-4.0, 2.0}, {-2.0, 1.0}, {-3.0, 1.5}});
  const mtf::matrix probs = {{0.5, 0.3, 0.2}};
  const auto out = model.predict(probs);
  const double s0 = 1.0 / (1.0 + std::exp(-4.0 * 0.5 + 2.0));
  const double s1 = 1.0 / (1.0 + std::exp(-2.0 * 0.3 + 1.0));
  const double s2 = 1.0 / (1.0 + std::exp(-3.0 * 0.2 + 1.5));
  const double total = s0 + s1 + s2;
  CHECK(out(0, 0) == Approx(s0 / total).epsilon(1e-14));
  CHECK(out(0, 1) == Approx(s1 / total).epsilon(1e-14));
  CHECK(out(0, 2) == Approx(s2 / total).epsilon(1e-14));
  CHECK_THROWS_AS(model.predict(mtf::matrix{{0.5, 0.5}}), mtf::training_error);
}

TEST_CASE("sigmoid calibration fits one-vs-rest and improves a distorted model", "[sigmoid]") {
  // The symmetric data with r = 0.6 but z = 4: over-confident inputs; Platt pulls them in.
  const auto data = symmetric_rows(4.0, 300, 180);
  const auto model = sigmoid_calibrator::fit(data.probs, data.labels);
  REQUIRE(model.classes() == 3);
  CHECK(mtf::log_loss(model.predict(data.probs), data.labels) <
        mtf::log_loss(data.probs, data.labels));
  for (const auto& p : model.per_class())
    CHECK(p.a < 0.0);  // higher score, more likely
}

TEST_CASE("a bias prior keeps a short calibration split from teaching its own class mix",
          "[temperature]") {
  // A model trained on re-weighted thirds of a 0.42 / 0.10 / 0.48 market: its uninformative
  // output is 1/3 each, and log(0.42 / (1/3)), ... undoes the re-weighting. A 120-row calibration
  // split drawn in an up-trend (labels 0.20 / 0.10 / 0.70) would teach plain bias correction that
  // mix; with the prior worth 1,000 rows the biases stay near the train prior.
  const std::size_t rows = 120;
  const mtf::matrix probs = xt::ones<double>({rows, std::size_t{3}}) / 3.0;
  std::vector<int> labels;
  for (std::size_t i = 0; i < rows; ++i)
    labels.push_back(i < 24 ? 0 : (i < 36 ? 1 : 2));
  const std::vector<double> center{std::log(0.42 * 3), std::log(0.10 * 3), std::log(0.48 * 3)};
  const mtf::calibration::bias_prior prior{center, 1000.0};
  const auto held = temperature_scaling::fit(probs, labels, &prior).predict(probs);
  const auto free = temperature_scaling::fit(probs, labels).predict(probs);
  INFO("with prior " << held(0, 0) << "/" << held(0, 1) << "/" << held(0, 2) << ", without "
                     << free(0, 0) << "/" << free(0, 1) << "/" << free(0, 2));
  CHECK(free(0, 2) == Approx(0.70).margin(1e-6));  // plain: the split's own mix
  CHECK(held(0, 2) < 0.56);                        // with the prior: near the train prior 0.48
  CHECK(held(0, 2) > 0.48);                        // the split's evidence still moves it a little
  // With a long split the same evidence wins over the prior.
  const std::size_t many = 20'000;
  const mtf::matrix long_probs = xt::ones<double>({many, std::size_t{3}}) / 3.0;
  std::vector<int> long_labels;
  for (std::size_t i = 0; i < many; ++i)
    long_labels.push_back(i % 10 < 2 ? 0 : (i % 10 < 3 ? 1 : 2));
  const auto learned =
      temperature_scaling::fit(long_probs, long_labels, &prior).predict(long_probs);
  CHECK(learned(0, 2) == Approx(0.70).margin(0.02));
  CHECK_THROWS_AS(temperature_scaling::fit(probs, labels,
                                           std::make_unique<mtf::calibration::bias_prior>(
                                               mtf::calibration::bias_prior{{0.0, 0.0}, 10.0})
                                               .get()),
                  mtf::training_error);
}
