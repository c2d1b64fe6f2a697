// fit_calibrator: the safety rules of SPEC §4.9 (floor, small-split and K-fold fallbacks), the
// report, and JSON round trips.
#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "mtf/calibration/calibrator.hpp"
#include "mtf/core/errors.hpp"
#include "mtf/core/scoring_rules.hpp"

using namespace mtf::calibration;

namespace {

struct labelled_probs {
  mtf::matrix probs;
  std::vector<int> labels;
};

/// Rows of a 3-class problem: true class probabilities softmax(g + truth_bias) with
/// g ~ N(0, spread^2) per class; labels drawn from them; the model reports
/// softmax(sharpness * g + noise), blind to truth_bias (a regime the model did not see).
/// sharpness > 1 is over-confident, < 1 under-confident.
labelled_probs draw_rows(std::mt19937_64& rng, std::size_t rows, double spread, double sharpness,
                         double noise, std::array<double, 3> truth_bias = {0.0, 0.0, 0.0}) {
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  labelled_probs out{mtf::matrix::from_shape({rows, 3}), {}};
  for (std::size_t i = 0; i < rows; ++i) {
    double g[3], truth[3], model[3], truth_sum = 0.0, model_sum = 0.0;
    for (std::size_t c = 0; c < 3; ++c) {
      g[c] = spread * normal(rng);
      truth[c] = std::exp(g[c] + truth_bias[c]);
      model[c] = std::exp(sharpness * g[c] + noise * normal(rng));
      truth_sum += truth[c];
      model_sum += model[c];
    }
    const double u = unit(rng) * truth_sum;
    out.labels.push_back(u < truth[0] ? 0 : (u < truth[0] + truth[1] ? 1 : 2));
    for (std::size_t c = 0; c < 3; ++c)
      out.probs(i, c) = model[c] / model_sum;
  }
  return out;
}

/// The true class's smallest probability over the rows.
double smallest_true_class_probability(const mtf::matrix& probs, const std::vector<int>& labels) {
  double smallest = 1.0;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    smallest = std::min(smallest, probs(i, static_cast<std::size_t>(labels[i])));
  }
  return smallest;
}

void require_strictly_inside_unit_and_normalised(const mtf::matrix& probs) {
  for (std::size_t i = 0; i < probs.shape()[0]; ++i) {
    double sum = 0.0;
    for (std::size_t c = 0; c < probs.shape()[1]; ++c) {
      INFO("row " << i << " class " << c << " value " << probs(i, c));
      REQUIRE(probs(i, c) > 0.0);
      REQUIRE(probs(i, c) < 1.0);
      sum += probs(i, c);
    }
    INFO("row " << i);
    REQUIRE(std::abs(sum - 1.0) <= 1e-12);
  }
}

}  // namespace

TEST_CASE("the probability floor lifts zeros and keeps rows summing to one", "[calibrator]") {
  mtf::matrix probs = {{1.0, 0.0, 0.0}, {0.5, 0.5, 0.0}, {0.2, 0.3, 0.5}, {0.0, 0.0, 0.0}};
  apply_probability_floor(probs, 1e-6);
  // (1, 1e-6, 1e-6) / (1 + 2e-6).
  CHECK(probs(0, 0) == Approx(1.0 / (1.0 + 2e-6)).epsilon(1e-15));
  CHECK(probs(0, 1) == Approx(1e-6 / (1.0 + 2e-6)).epsilon(1e-15));
  CHECK(probs(1, 2) == Approx(1e-6 / (1.0 + 1e-6)).epsilon(1e-15));
  // A row already above the floor is unchanged.
  CHECK(probs(2, 1) == Approx(0.3).epsilon(1e-15));
  // An all-zero row becomes uniform.
  CHECK(probs(3, 0) == Approx(1.0 / 3.0).epsilon(1e-15));
  require_strictly_inside_unit_and_normalised(probs);
  CHECK_THROWS_AS(apply_probability_floor(probs, 0.0), mtf::training_error);
  CHECK_THROWS_AS(apply_probability_floor(probs, 0.5), mtf::training_error);
}

TEST_CASE("no calibrator output is ever 0 or 1, whatever the method and input", "[calibrator]") {
  const std::uint64_t seed = 3;
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  auto fit_rows = draw_rows(rng, 400, 2.0, 3.0, 0.0);
  // Extreme inputs: one-hot rows, zero columns, exact ties.
  mtf::matrix extreme = {{1.0, 0.0, 0.0}, {0.0, 1.0, 0.0}, {0.0, 0.0, 1.0},
                         {0.0, 0.0, 0.0}, {0.5, 0.5, 0.0}, {1e-300, 1.0, 1e-300}};
  for (const method m : {method::isotonic, method::sigmoid, method::temperature}) {
    INFO("method " << method_name(m));
    spec s;
    s.preferred = m;
    s.min_isotonic_rows = 100;  // let isotonic through so its zeros must be floored
    const auto result = fit_calibrator(s, fit_rows.probs, fit_rows.labels);
    require_strictly_inside_unit_and_normalised(result.model.predict(fit_rows.probs));
    require_strictly_inside_unit_and_normalised(result.model.predict(extreme));
  }
  // Temperature at its sharpest limit on one-hot-like input would round to 0 without it.
  const calibrator sharp(temperature_scaling::with_temperature(0.01), 1e-6);
  require_strictly_inside_unit_and_normalised(sharp.predict(extreme));
}

TEST_CASE("a 300-row calibration split does not let isotonic zeros blow up the test log loss",
          "[calibrator]") {
  // The failure of SPEC §4.9: a scikit-learn pipeline calibrated 290 rows isotonically and its
  // test log loss went from 1.10 to 2.56. Here the 300 calibration rows come from a regime in
  // which "up" is rare (a falling market): its few high-score rows were never up, so plain
  // isotonic maps most "up" scores to exactly 0. In the test period "up" is common again and
  // every up row priced at 0 costs 34.5 nats.
  const std::uint64_t seed = 20261123;
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  const auto calibration_rows = draw_rows(rng, 300, 1.5, 1.3, 0.5, {0.0, 0.0, -3.0});
  const auto test_rows = draw_rows(rng, 3000, 1.5, 1.3, 0.5);
  const double uncalibrated = mtf::log_loss(test_rows.probs, test_rows.labels);

  const auto plain = isotonic_calibrator::fit(calibration_rows.probs, calibration_rows.labels);
  const auto plain_test = plain.predict(test_rows.probs);
  CHECK(smallest_true_class_probability(plain_test, test_rows.labels) == 0.0);
  const double plain_loss = mtf::log_loss(plain_test, test_rows.labels);

  const spec policy_spec{};  // isotonic preferred, 1,000-row minimum
  const auto result = fit_calibrator(policy_spec, calibration_rows.probs, calibration_rows.labels);
  const auto safe_test = result.model.predict(test_rows.probs);
  const double safe_loss = mtf::log_loss(safe_test, test_rows.labels);
  INFO("uncalibrated " << uncalibrated << ", plain isotonic " << plain_loss << ", fit_calibrator "
                       << safe_loss);
  CHECK(plain_loss > 2.0 * uncalibrated);
  CHECK(result.report.requested == method::isotonic);
  CHECK(result.report.used == method::temperature);
  CHECK(result.report.reason ==
        "calibration split has 300 rows < min_isotonic_rows 1000: bias-corrected temperature "
        "scaling used");
  CHECK_FALSE(result.report.check_isotonic_log_loss.has_value());
  CHECK(smallest_true_class_probability(safe_test, test_rows.labels) > 0.0);
  // Bias-corrected temperature scaling follows the calibration window's class mix (SPEC §4.9):
  // it learns that "up" was rare. Under a prior shift as extreme as this one that costs log loss
  // on the test window (the calibration_held gate is there to catch it), but it never prices a
  // class at 0 and stays far below plain isotonic.
  CHECK(safe_loss < 0.5 * plain_loss);
  const auto on_calibration = result.model.predict(calibration_rows.probs);
  double mean_up = 0.0, share_up = 0.0;
  for (std::size_t i = 0; i < 300; ++i) {
    mean_up += on_calibration(i, 2) / 300.0;
    share_up += (calibration_rows.labels[i] == 2 ? 1.0 : 0.0) / 300.0;
  }
  CHECK(mean_up == Approx(share_up).margin(1e-6));
}

TEST_CASE("without a prior shift the small-split fallback improves an over-confident model",
          "[calibrator]") {
  // The same over-confident model (sharpness 1.3, noise 0.5) with calibration and test rows from
  // one regime: the fallback must help on the test rows, not only in-sample.
  const std::uint64_t seed = 20261201;
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  const auto calibration_rows = draw_rows(rng, 300, 1.5, 1.3, 0.5, {0.0, 0.6, -0.3});
  const auto test_rows = draw_rows(rng, 3000, 1.5, 1.3, 0.5, {0.0, 0.6, -0.3});
  const auto result = fit_calibrator(spec{}, calibration_rows.probs, calibration_rows.labels);
  REQUIRE(result.report.used == method::temperature);
  const double uncalibrated = mtf::log_loss(test_rows.probs, test_rows.labels);
  const double calibrated = mtf::log_loss(result.model.predict(test_rows.probs), test_rows.labels);
  INFO("uncalibrated " << uncalibrated << ", calibrated " << calibrated);
  CHECK(calibrated < uncalibrated - 0.01);
}

TEST_CASE("isotonic that overfits loses the K-fold check and temperature scaling is used",
          "[calibrator]") {
  // Well-calibrated inputs (the model reports the true probabilities): temperature scaling
  // can only stay near T = 1, isotonic adds variance and end effects out of fold.
  const std::uint64_t seed = 5;
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  const auto rows = draw_rows(rng, 1200, 1.5, 1.0, 0.0);
  const auto result = fit_calibrator(spec{}, rows.probs, rows.labels);
  REQUIRE(result.report.check_isotonic_log_loss.has_value());
  REQUIRE(result.report.check_temperature_log_loss.has_value());
  INFO(result.report.reason);
  CHECK(*result.report.check_isotonic_log_loss > *result.report.check_temperature_log_loss);
  CHECK(result.report.used == method::temperature);
  CHECK_THAT(result.report.reason,
             Catch::StartsWith("isotonic lost the 5-fold check on the calibration split "
                               "(out-of-fold log loss ") &&
                 Catch::EndsWith("): bias-corrected temperature scaling used"));
  CHECK(result.model.kind() == method::temperature);
}

TEST_CASE("isotonic is kept when it wins the K-fold check", "[calibrator]") {
  // The model's scores relate to the truth through a step no temperature can express: the
  // reported probability of each class is uninformative except for being above 1/2 or not.
  const std::uint64_t seed = 9;
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const std::size_t n = 3000;
  mtf::matrix probs = mtf::matrix::from_shape({n, 3});
  std::vector<int> labels;
  for (std::size_t i = 0; i < n; ++i) {
    const int top = static_cast<int>(i % 3);
    const double top_p = 0.4 + 0.5 * unit(rng);  // in [0.4, 0.9)
    for (std::size_t c = 0; c < 3; ++c) {
      probs(i, c) = static_cast<int>(c) == top ? top_p : (1.0 - top_p) / 2.0;
    }
    // Right 85% of the time when top_p > 0.5, a third of the time otherwise.
    const double right = top_p > 0.5 ? 0.85 : 1.0 / 3.0;
    const double u = unit(rng);
    labels.push_back(u < right ? top : (top + 1 + (u < (1.0 + right) / 2.0 ? 0 : 1)) % 3);
  }
  const auto result = fit_calibrator(spec{}, probs, labels);
  INFO(result.report.reason);
  CHECK(result.report.used == method::isotonic);
  CHECK(*result.report.check_isotonic_log_loss < *result.report.check_temperature_log_loss);
  CHECK_THAT(result.report.reason, Catch::StartsWith("isotonic as the policy prefers"));
  CHECK(result.report.after.log_loss < result.report.before.log_loss);
  const auto json = to_json(result.report);
  CHECK(json.at("used") == "isotonic");
  CHECK(json.at("check_isotonic_log_loss").get<double>() == *result.report.check_isotonic_log_loss);
}

TEST_CASE("the report scores the calibration split before and after", "[calibrator]") {
  const std::uint64_t seed = 17;
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  const auto rows = draw_rows(rng, 500, 1.5, 2.0, 0.3);
  spec s;
  s.preferred = method::sigmoid;
  const auto result = fit_calibrator(s, rows.probs, rows.labels);
  CHECK(result.report.used == method::sigmoid);
  CHECK(result.report.rows == 500);
  CHECK(result.report.before.log_loss == mtf::log_loss(rows.probs, rows.labels));
  CHECK(result.report.before.brier == mtf::brier_score(rows.probs, rows.labels));
  CHECK(result.report.before.ece == mtf::expected_calibration_error(rows.probs, rows.labels));
  const auto after = result.model.predict(rows.probs);
  CHECK(result.report.after.log_loss == mtf::log_loss(after, rows.labels));
  CHECK(result.report.after.ece == mtf::expected_calibration_error(after, rows.labels));
  // Over-confident inputs: the in-sample fit must help.
  CHECK(result.report.after.log_loss < result.report.before.log_loss);
  const auto json = to_json(result.report);
  CHECK(json.at("used") == "sigmoid");
  CHECK(json.at("check_isotonic_log_loss").is_null());
}

TEST_CASE("a calibrator saved to JSON and loaded back predicts bit-identically", "[calibrator]") {
  const std::uint64_t seed = 23;
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  const auto fit_rows = draw_rows(rng, 600, 1.5, 1.7, 0.4);
  const auto new_rows = draw_rows(rng, 200, 1.5, 1.7, 0.4);
  for (const method m : {method::isotonic, method::sigmoid, method::temperature}) {
    INFO("method " << method_name(m));
    spec s;
    s.preferred = m;
    s.min_isotonic_rows = 100;
    s.check_folds = 3;
    const auto fitted = fit_calibrator(s, fit_rows.probs, fit_rows.labels).model;
    const std::string text = fitted.to_json().dump();
    const auto loaded = calibrator::from_json(nlohmann::json::parse(text));
    CHECK(loaded.kind() == fitted.kind());
    const auto a = fitted.predict(new_rows.probs), b = loaded.predict(new_rows.probs);
    REQUIRE(a.size() == b.size());
    CHECK(std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
  }
}

TEST_CASE("malformed calibrator JSON is an artifact error", "[calibrator]") {
  CHECK_THROWS_AS(calibrator::from_json(nlohmann::json::object()), mtf::artifact_error);
  const nlohmann::json wrong_method = {{"format", "mtf.calibrator"},
                                       {"version", 1},
                                       {"method", "magic"},
                                       {"probability_floor", 1e-6},
                                       {"parameters", nlohmann::json::object()}};
  CHECK_THROWS_WITH(calibrator::from_json(wrong_method), Catch::Contains("magic"));
  const nlohmann::json bad_temperature = {{"format", "mtf.calibrator"},
                                          {"version", 1},
                                          {"method", "temperature"},
                                          {"probability_floor", 1e-6},
                                          {"parameters", {{"temperature", -1.0}}}};
  CHECK_THROWS_AS(calibrator::from_json(bad_temperature), mtf::artifact_error);
}

TEST_CASE("fit_calibrator rejects bad input and bad specs", "[calibrator]") {
  const mtf::matrix probs = {{0.2, 0.3, 0.5}, {0.6, 0.3, 0.1}};
  CHECK_THROWS_AS(fit_calibrator(spec{}, probs, std::vector<int>{0, 5}), mtf::training_error);
  CHECK_THROWS_AS(fit_calibrator(spec{}, probs, std::vector<int>{0}), mtf::training_error);
  mtf::matrix negative = probs;
  negative(0, 0) = -0.1;
  CHECK_THROWS_AS(fit_calibrator(spec{}, negative, std::vector<int>{0, 1}), mtf::training_error);
  spec one_fold;
  one_fold.check_folds = 1;
  CHECK_THROWS_AS(fit_calibrator(one_fold, probs, std::vector<int>{0, 1}), mtf::training_error);
  spec no_floor;
  no_floor.probability_floor = 0.0;
  CHECK_THROWS_AS(fit_calibrator(no_floor, probs, std::vector<int>{0, 1}), mtf::training_error);
}

TEST_CASE("method names round-trip", "[calibrator]") {
  for (const method m : {method::isotonic, method::sigmoid, method::temperature}) {
    CHECK(parse_method(method_name(m)) == m);
  }
  CHECK_THROWS_AS(parse_method("platt"), mtf::artifact_error);
}

TEST_CASE("the K-fold check predicts each contiguous block from the other blocks", "[calibrator]") {
  // Rebuild the 3-fold check on 31 rows by hand: blocks [0, 10), [10, 20), [20, 31) in time
  // order, each predicted by calibrators fitted on the rows outside it and outside `purge`
  // rows on either side, floored.
  const std::uint64_t seed = 31;
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  const auto rows = draw_rows(rng, 31, 1.5, 1.5, 0.3);
  const std::size_t edges[] = {0, 10, 20, 31};
  for (const std::size_t purge : {std::size_t{0}, std::size_t{2}}) {
    INFO("purge " << purge);
    mtf::matrix iso_oof = mtf::matrix::from_shape({31, 3}), temp_oof = iso_oof;
    for (std::size_t k = 0; k < 3; ++k) {
      const std::size_t skip_lo = edges[k] >= purge ? edges[k] - purge : 0;
      const std::size_t skip_hi = std::min<std::size_t>(31, edges[k + 1] + purge);
      mtf::matrix fit_probs = mtf::matrix::from_shape({31 - (skip_hi - skip_lo), 3});
      std::vector<int> fit_labels;
      for (std::size_t i = 0, r = 0; i < 31; ++i) {
        if (i >= skip_lo && i < skip_hi) continue;
        for (std::size_t c = 0; c < 3; ++c)
          fit_probs(r, c) = rows.probs(i, c);
        fit_labels.push_back(rows.labels[i]);
        ++r;
      }
      REQUIRE(fit_labels.size() == fit_probs.shape()[0]);
      auto iso = isotonic_calibrator::fit(fit_probs, fit_labels).predict(rows.probs);
      auto temp = temperature_scaling::fit(fit_probs, fit_labels).predict(rows.probs);
      apply_probability_floor(iso, 1e-6);
      apply_probability_floor(temp, 1e-6);
      for (std::size_t i = edges[k]; i < edges[k + 1]; ++i) {
        for (std::size_t c = 0; c < 3; ++c) {
          iso_oof(i, c) = iso(i, c);
          temp_oof(i, c) = temp(i, c);
        }
      }
    }
    // One bar per row, labels ending `purge` bars later: the purge on label ends is the purge
    // of `purge` rows on either side.
    std::vector<std::int64_t> time(31), label_end(31);
    for (std::size_t i = 0; i < 31; ++i) {
      time[i] = 60 * static_cast<std::int64_t>(i);
      label_end[i] = time[i] + 60 * static_cast<std::int64_t>(purge);
    }
    const auto [iso_loss, temp_loss] =
        isotonic_vs_temperature_check(rows.probs, rows.labels, 3, 1e-6, {time, label_end});
    CHECK(iso_loss == Approx(mtf::log_loss(iso_oof, rows.labels)).epsilon(1e-14));
    CHECK(temp_loss == Approx(mtf::log_loss(temp_oof, rows.labels)).epsilon(1e-14));
  }
  CHECK_THROWS_AS(isotonic_vs_temperature_check(rows.probs, rows.labels, 16, 1e-6),
                  mtf::training_error);
  // 3 blocks of ~10 rows with labels 15 bars long leave nothing to fit the middle block on.
  std::vector<std::int64_t> time(31), label_end(31);
  for (std::size_t i = 0; i < 31; ++i)
    time[i] = 60 * static_cast<std::int64_t>(i), label_end[i] = time[i] + 60 * 15;
  CHECK_THROWS_AS(
      isotonic_vs_temperature_check(rows.probs, rows.labels, 3, 1e-6, {time, label_end}),
      mtf::training_error);
}

TEST_CASE("the K-fold check purges on label ends, per symbol when symbols are pooled",
          "[calibrator]") {
  // Two symbols pooled: rows 2b and 2b+1 are both bar b; labels look 4 bars ahead. Purging 4
  // rows (the horizon in rows) would purge only 2 bars of each symbol; the check must drop every
  // row whose label window overlaps the held-out block, i.e. 4 bars = 8 rows on the early side.
  const std::uint64_t seed = 41;
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  const std::size_t n = 60;
  const auto rows = draw_rows(rng, n, 1.5, 1.5, 0.3);
  std::vector<std::int64_t> time(n), label_end(n);
  for (std::size_t i = 0; i < n; ++i) {
    time[i] = 3600 * static_cast<std::int64_t>(i / 2);
    label_end[i] = time[i] + 4 * 3600;
  }
  // By hand: blocks [0,20) [20,40) [40,60) = bars 0-9, 10-19, 20-29. The middle block fits on
  // bars whose label ends before bar 10 (bars 0..5: rows 0..11) and on bars after its last label
  // end (bar 19 + 4 = 23: bars 24..29, rows 48..59).
  mtf::matrix iso_oof = mtf::matrix::from_shape({n, 3}), temp_oof = iso_oof;
  const std::size_t edges[] = {0, 20, 40, 60};
  for (std::size_t k = 0; k < 3; ++k) {
    const std::int64_t first = time[edges[k]], last_end = label_end[edges[k + 1] - 1];
    std::vector<std::size_t> fit;
    for (std::size_t i = 0; i < n; ++i)
      if ((i < edges[k] && label_end[i] < first) || (i >= edges[k + 1] && time[i] > last_end))
        fit.push_back(i);
    if (k == 1) {
      CHECK(fit.size() == 12 + 12);
      CHECK(fit[11] == 11);
      CHECK(fit[12] == 48);
    }
    mtf::matrix fit_probs = mtf::matrix::from_shape({fit.size(), 3});
    std::vector<int> fit_labels;
    for (std::size_t r = 0; r < fit.size(); ++r) {
      for (std::size_t c = 0; c < 3; ++c)
        fit_probs(r, c) = rows.probs(fit[r], c);
      fit_labels.push_back(rows.labels[fit[r]]);
    }
    auto iso = isotonic_calibrator::fit(fit_probs, fit_labels).predict(rows.probs);
    auto temp = temperature_scaling::fit(fit_probs, fit_labels).predict(rows.probs);
    apply_probability_floor(iso, 1e-6);
    apply_probability_floor(temp, 1e-6);
    for (std::size_t i = edges[k]; i < edges[k + 1]; ++i)
      for (std::size_t c = 0; c < 3; ++c)
        iso_oof(i, c) = iso(i, c), temp_oof(i, c) = temp(i, c);
  }
  const auto [iso_loss, temp_loss] =
      isotonic_vs_temperature_check(rows.probs, rows.labels, 3, 1e-6, {time, label_end});
  CHECK(iso_loss == Approx(mtf::log_loss(iso_oof, rows.labels)).epsilon(1e-14));
  CHECK(temp_loss == Approx(mtf::log_loss(temp_oof, rows.labels)).epsilon(1e-14));
}

TEST_CASE("the 1,000-row minimum is inclusive", "[calibrator]") {
  const std::uint64_t seed = 37;
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  const auto rows = draw_rows(rng, 1000, 1.5, 1.0, 0.0);
  const auto all = fit_calibrator(spec{}, rows.probs, rows.labels);
  CHECK(all.report.check_isotonic_log_loss.has_value());
  mtf::matrix fewer = xt::view(rows.probs, xt::range(0, 999), xt::all());
  const std::vector<int> fewer_labels(rows.labels.begin(), rows.labels.begin() + 999);
  const auto short_split = fit_calibrator(spec{}, fewer, fewer_labels);
  CHECK_FALSE(short_split.report.check_isotonic_log_loss.has_value());
  CHECK(short_split.report.reason ==
        "calibration split has 999 rows < min_isotonic_rows 1000: bias-corrected temperature "
        "scaling used");
}
