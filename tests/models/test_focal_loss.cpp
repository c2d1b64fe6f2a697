#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <vector>

#include "mtf/models/focal_loss.hpp"
#include "mtf/models/gradient_boosting.hpp"
#include "synthetic_data.hpp"

using mtf::matrix;
using mtf::model::focal_gradient;
using mtf::model::focal_loss;

TEST_CASE("focal-loss gradient matches central finite differences", "[models][focal]") {
  const std::uint64_t seed = 4242;
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.5);
  for (double gamma : {0.0, 0.5, 1.0, 2.0, 3.5}) {
    for (int trial = 0; trial < 40; ++trial) {
      // Margins exactly representable in float, so both sides see the same point.
      std::vector<float> margins = {static_cast<float>(normal(rng)),
                                    static_cast<float>(normal(rng)),
                                    static_cast<float>(normal(rng))};
      const int label = trial % 3;
      const double weight = 0.5 + (trial % 4);
      std::vector<int> labels = {label};
      std::vector<double> weights = {weight};
      std::vector<float> gradient, hessian;
      focal_gradient(margins, labels, weights, gamma, gradient, hessian);
      for (std::size_t j = 0; j < 3; ++j) {
        const double h = 1e-5;
        std::array<double, 3> up = {margins[0], margins[1], margins[2]};
        std::array<double, 3> down = up;
        up[j] += h;
        down[j] -= h;
        const double numeric =
            weight * (focal_loss(up, label, gamma) - focal_loss(down, label, gamma)) / (2 * h);
        INFO("gamma " << gamma << " trial " << trial << " class " << j);
        CHECK(gradient[j] == Approx(numeric).margin(2e-6).epsilon(1e-5));
        CHECK(hessian[j] > 0.0f);
      }
    }
  }
}

TEST_CASE("focal loss with gamma 0 is cross-entropy with xgboost's softprob hessian",
          "[models][focal]") {
  // Margins (0, ln 2, ln 3): softmax = (1/6, 2/6, 3/6).
  const std::vector<float> margins = {0.0f, static_cast<float>(std::log(2.0)),
                                      static_cast<float>(std::log(3.0))};
  const std::vector<int> labels = {2};
  const std::vector<double> weights = {2.0};
  std::vector<float> g, h;
  focal_gradient(margins, labels, weights, 0.0, g, h);
  const double p[3] = {1.0 / 6, 2.0 / 6, 3.0 / 6};
  CHECK(g[0] == Approx(2.0 * p[0]).epsilon(1e-6));
  CHECK(g[1] == Approx(2.0 * p[1]).epsilon(1e-6));
  CHECK(g[2] == Approx(2.0 * (p[2] - 1.0)).epsilon(1e-6));
  for (int j = 0; j < 3; ++j)
    CHECK(h[j] == Approx(2.0 * 2.0 * p[j] * (1 - p[j])).epsilon(1e-6));
  const std::array<double, 3> z = {0.0, std::log(2.0), std::log(3.0)};
  CHECK(focal_loss(z, 2, 0.0) == Approx(std::log(2.0)));
  // gamma = 2: (1 - 1/2)^2 · ln 2.
  CHECK(focal_loss(z, 2, 2.0) == Approx(0.25 * std::log(2.0)));
}

TEST_CASE("focal loss down-weights well-classified rows relative to cross-entropy",
          "[models][focal]") {
  const std::vector<float> confident = {0.0f, 0.0f, 5.0f};  // p_up ≈ 0.987, label up
  const std::vector<int> labels = {2};
  std::vector<float> g0, h0, g2, h2;
  focal_gradient(confident, labels, {}, 0.0, g0, h0);
  focal_gradient(confident, labels, {}, 2.0, g2, h2);
  CHECK(std::fabs(g2[2]) < 0.01 * std::fabs(g0[2]));
}

TEST_CASE("gradient boosting with focal gamma 0 reproduces built-in softprob training",
          "[models][focal]") {
  const std::uint64_t seed = 77;
  INFO("seed " << seed);
  const auto data = mtf::test::make_rows(1500, 5, 1.5, seed);
  mtf::model::gradient_boosting spec{.rounds = 20, .max_depth = 4, .eta = 0.3};
  spec.early_stopping_rounds = 0;
  spec.subsample = 0.8;
  spec.colsample_bytree = 0.8;
  const mtf::model::fit_context ctx{.seed = seed, .threads = 1};
  const auto builtin = mtf::model::gradient_boosting_model::fit(spec, data.x, data.y, data.w, ctx);
  spec.objective = mtf::model::boosting_objective::focal;
  spec.focal_gamma = 0.0;
  const auto custom = mtf::model::gradient_boosting_model::fit(spec, data.x, data.y, data.w, ctx);
  const matrix a = builtin.predict_proba(data.x), b = custom.predict_proba(data.x);
  double max_difference = 0.0;
  for (std::size_t k = 0; k < a.size(); ++k)
    max_difference = std::max(max_difference, std::fabs(a.data()[k] - b.data()[k]));
  CHECK(max_difference < 1e-6);
  // And a real focusing parameter changes the model.
  spec.focal_gamma = 2.0;
  const auto focal = mtf::model::gradient_boosting_model::fit(spec, data.x, data.y, data.w, ctx);
  const matrix c = focal.predict_proba(data.x);
  double focal_difference = 0.0;
  for (std::size_t k = 0; k < a.size(); ++k)
    focal_difference = std::max(focal_difference, std::fabs(a.data()[k] - c.data()[k]));
  CHECK(focal_difference > 1e-3);
}
