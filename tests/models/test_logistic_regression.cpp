#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <vector>

#include "mtf/labels/class_balance.hpp"
#include "mtf/models/logistic_regression.hpp"
#include "synthetic_data.hpp"

using mtf::matrix;
using mtf::model::logistic_regression;
using mtf::model::logistic_regression_model;

namespace {

struct fixture {
  nlohmann::json json;
  matrix x;
  std::vector<int> y;
  std::vector<double> w;
};

const fixture& load_fixture() {
  static const fixture f = [] {
    fixture out;
    std::ifstream in(MTF_SOURCE_DIR "/tests/models/fixtures/logistic_regression_cases.json");
    REQUIRE(in.good());
    out.json = nlohmann::json::parse(in);
    const auto rows = out.json.at("x").get<std::vector<std::vector<double>>>();
    out.x = matrix(std::array<std::size_t, 2>{rows.size(), rows.front().size()});
    for (std::size_t i = 0; i < rows.size(); ++i)
      for (std::size_t j = 0; j < rows[i].size(); ++j)
        out.x(i, j) = rows[i][j];
    out.y = out.json.at("y").get<std::vector<int>>();
    out.w = out.json.at("weights").get<std::vector<double>>();
    return out;
  }();
  return f;
}

std::filesystem::path temp_path(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / "mtf_test_models";
  std::filesystem::create_directories(dir);
  return dir / name;
}

}  // namespace

TEST_CASE("logistic regression matches scikit-learn's multinomial lbfgs fits",
          "[models][logistic]") {
  const auto& f = load_fixture();
  for (const auto& c : f.json.at("cases")) {
    const std::string name = c.at("name").get<std::string>();
    SECTION(name) {
      const logistic_regression spec{.C = c.at("C").get<double>()};
      // scikit-learn's class_weight="balanced" multiplies its count-based class weights into the
      // sample weights; mtf's fit takes the product as its (only) weights.
      std::vector<double> w(f.y.size(), 1.0);
      if (c.at("sample_weights").get<bool>()) w = f.w;
      if (c.at("class_balanced").get<bool>()) {
        const auto balanced = mtf::balanced_sample_weights(f.y);
        for (std::size_t i = 0; i < w.size(); ++i)
          w[i] *= balanced[i];
      }
      const auto model = logistic_regression_model::fit(spec, f.x, f.y, w, {});
      const auto coef = c.at("coef").get<std::vector<std::vector<double>>>();
      const auto intercept = c.at("intercept").get<std::vector<double>>();
      const auto expected_p = c.at("probabilities").get<std::vector<std::vector<double>>>();
      const Eigen::MatrixXd got_coef = model.coefficients();
      const Eigen::VectorXd got_intercept = model.intercepts();
      REQUIRE(got_coef.rows() == 3);
      REQUIRE(got_coef.cols() == 5);
      for (int k = 0; k < 3; ++k) {
        for (int j = 0; j < 5; ++j)
          CHECK(got_coef(k, j) == Approx(coef[k][j]).margin(1e-6));
        CHECK(got_intercept(k) == Approx(intercept[k]).margin(1e-6));
      }
      // The constant column (3) standardises to zeros: its coefficients are exactly 0.
      for (int k = 0; k < 3; ++k)
        CHECK(got_coef(k, 3) == 0.0);
      CHECK(model.feature_scale()(3) == 1.0);
      const matrix p = model.predict_proba(f.x);
      for (std::size_t i = 0; i < f.y.size(); ++i)
        for (std::size_t k = 0; k < 3; ++k)
          CHECK(p(i, k) == Approx(expected_p[i][k]).margin(1e-6));
    }
  }
}

TEST_CASE("logistic regression standardises with the training mean and population std",
          "[models][logistic]") {
  matrix x = {{1.0, 5.0}, {3.0, 5.0}, {5.0, 5.0}, {7.0, 5.0}};
  const std::vector<int> y = {0, 1, 2, 1};
  const auto model = logistic_regression_model::fit({.C = 1.0}, x, y, {}, {});
  CHECK(model.feature_mean()(0) == Approx(4.0));
  CHECK(model.feature_scale()(0) == Approx(std::sqrt(5.0)));  // sqrt((9+1+1+9)/4)
  CHECK(model.feature_mean()(1) == Approx(5.0));
  CHECK(model.feature_scale()(1) == 1.0);
  CHECK(model.intercepts().sum() == Approx(0.0).margin(1e-12));
}

TEST_CASE("logistic regression importance is normalised |standardised coefficient|",
          "[models][logistic]") {
  const auto data = mtf::test::make_rows(2000, 4, 2.0, 99);
  const auto model = logistic_regression_model::fit({.C = 1.0}, data.x, data.y, {}, {});
  const auto importance = model.feature_importance();
  REQUIRE(importance.size() == 4);
  double total = 0.0;
  for (double v : importance)
    total += v;
  CHECK(total == Approx(1.0));
  const Eigen::MatrixXd coef = model.coefficients();
  const double denominator = coef.cwiseAbs().sum();
  for (int j = 0; j < 4; ++j)
    CHECK(importance[static_cast<std::size_t>(j)] ==
          Approx(coef.col(j).cwiseAbs().sum() / denominator));
  CHECK(importance[0] > 0.8);  // the planted feature dominates
}

TEST_CASE("a saved logistic regression loads and predicts bit-identically", "[models][logistic]") {
  const auto& f = load_fixture();
  const auto model = logistic_regression_model::fit({.C = 0.3}, f.x, f.y, f.w, {});
  const auto path = temp_path("logistic.json");
  model.save(path);
  const auto loaded = logistic_regression_model::load(path);
  const matrix p = model.predict_proba(f.x), q = loaded.predict_proba(f.x);
  for (std::size_t k = 0; k < p.size(); ++k)
    CHECK(p.data()[k] == q.data()[k]);
}

TEST_CASE("logistic regression rejects bad input with clear errors", "[models][logistic]") {
  const auto data = mtf::test::make_rows(30, 2, 1.0, 5);
  CHECK_THROWS_AS(logistic_regression_model::fit({.C = 0.0}, data.x, data.y, {}, {}),
                  mtf::model_error);
  std::vector<int> two_classes(data.y.size(), 0);
  two_classes[0] = 2;
  CHECK_THROWS_WITH(logistic_regression_model::fit({.C = 1.0}, data.x, two_classes, {}, {}),
                    Catch::Contains("class 1 has no training rows"));
  auto nan_x = data.x;
  nan_x(3, 0) = std::nan("");
  CHECK_THROWS_AS(logistic_regression_model::fit({.C = 1.0}, nan_x, data.y, {}, {}),
                  mtf::model_error);
  const auto model = logistic_regression_model::fit({.C = 1.0}, data.x, data.y, {}, {});
  matrix wrong_width(std::array<std::size_t, 2>{2, 3}, 0.0);
  CHECK_THROWS_WITH(model.predict_proba(wrong_width), Catch::Contains("3"));
  CHECK_THROWS_AS(logistic_regression_model::load(temp_path("missing_model.json")),
                  mtf::model_error);
  const auto bad = temp_path("bad_logistic.json");
  { std::ofstream(bad) << R"({"mtf_model": "logistic_regression", "C": 1})"; }
  CHECK_THROWS_WITH(logistic_regression_model::load(bad), Catch::Contains("malformed"));
}

TEST_CASE("logistic regression applies the sample weights exactly once", "[models][logistic]") {
  // SPEC §4.7: the target-mix weights are the only class balancing. With intercepts unpenalised,
  // the fit's optimality condition for each intercept is  Σ_i w_i (p_ic - [y_i = c]) = 0: the
  // weighted mean predicted probability equals the weighted class share, here the target mix
  // 0.45 / 0.10 / 0.45 (raw labels 0.42 / 0.10 / 0.48). A second, equal-thirds balancing on top
  // would move p_neutral towards 1/3.
  const std::size_t n = 1000;
  const auto data = mtf::test::make_rows(n, 3, 0.0, 4242);
  std::vector<int> y(n);
  for (std::size_t i = 0; i < n; ++i)
    y[i] = i % 50 < 21 ? 0 : (i % 50 < 26 ? 1 : 2);
  const std::array<double, 3> target{0.45, 0.10, 0.45};
  const auto w = mtf::target_mix_sample_weights(y, target);
  const auto model = logistic_regression_model::fit({.C = 0.1}, data.x, y, w, {});
  const matrix p = model.predict_proba(data.x);
  std::array<double, 3> weighted_mean{};
  double total = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    total += w[i];
    for (std::size_t c = 0; c < 3; ++c)
      weighted_mean[c] += w[i] * p(i, c);
  }
  for (std::size_t c = 0; c < 3; ++c)
    CHECK(weighted_mean[c] / total == Approx(target[c]).margin(1e-8));
}
