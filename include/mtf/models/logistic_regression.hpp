#pragma once
/// \file `model::logistic_regression`: multinomial logistic regression with scikit-learn's L2
/// semantics, solved by Newton's method on Eigen.

#include <Eigen/Dense>
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "mtf/core/errors.hpp"
#include "mtf/core/file_write.hpp"
#include "mtf/core/xtensor.hpp"
#include "mtf/models/fit_context.hpp"
#include "mtf/models/model_specs.hpp"
#include "mtf/models/pooled_rows.hpp"

namespace mtf::model {

/// A fitted multinomial logistic regression on standardised features.
///
/// Fit: features are standardised with the training rows' mean and population standard
/// deviation (a constant column gets scale 1); then, over coefficients W (3 x d) and intercepts
/// b (3), it minimises  Σ_i s_i · (−log p_i[y_i]) + ‖W‖² / (2C),  p_i = softmax(W z_i + b),
/// with s_i = w_i, the sample weights exactly as given: class balancing is the caller's, applied
/// once through those weights (SPEC §4.7: the target-mix weights, never re-balanced here; pass
/// `balanced_sample_weights` for scikit-learn's class_weight="balanced"). Intercepts
/// are not penalised and are reported with zero sum (softmax is invariant to a common shift;
/// scikit-learn's lbfgs, started at zero, ends there too). This is scikit-learn's
/// `LogisticRegression(multi_class='multinomial', C=C)` fitted on the standardised matrix.
/// Solver: Newton's method with the full (3(d+1))² Hessian and Armijo backtracking, to a
/// gradient max-norm of 1e-10 · max(1, Σ s_i).
///
/// Distributed (`fit_context::shard` with `local_rows`, SPEC §10d): every worker passes its own
/// rows and the fit is that of their union: class counts, the standardisation's sums, the
/// weight sum, and in every Newton iteration the loss, gradient and Hessian sums are added over
/// the workers with xgboost's allreduce, so every worker takes the same steps and ends with the
/// same model -- one process's model up to the order of the floating-point sums.
class logistic_regression_model {
 public:
  static constexpr std::size_t classes = 3;
  static constexpr const char* kind = "logistic_regression";

  /// Fits on rows `x` (finite), labels `y` in {0,1,2}, sample weights `w` (empty = 1). Throws
  /// `training_error` when a class has no rows (its intercept would diverge) and `model_error`
  /// for bad shapes, non-finite features or non-positive C. `ctx` only says whether the rows
  /// are one worker's share of a distributed fit (deterministic either way).
  static logistic_regression_model fit(const logistic_regression& spec, const matrix& x,
                                       std::span<const int> y, std::span<const double> w,
                                       const fit_context& ctx = {}) {
    const std::size_t n = x.shape()[0], d = x.shape()[1];
    const row_shard pool = ctx.shard.local_rows ? ctx.shard : row_shard{};
    if (!(spec.C > 0.0) || !std::isfinite(spec.C))
      throw model_error("logistic_regression: C must be positive and finite");
    if (d == 0 || (n == 0 && !pool.distributed()))
      throw model_error("logistic_regression: empty feature matrix");
    if (y.size() != n || (!w.empty() && w.size() != n))
      throw model_error("logistic_regression: rows, labels and weights differ in length");
    std::array<double, classes> counts{};
    for (std::size_t i = 0; i < n; ++i) {
      if (y[i] < 0 || y[i] >= static_cast<int>(classes))
        throw model_error("logistic_regression: label " + std::to_string(y[i]) + " at row " +
                          std::to_string(i) + " is not 0, 1 or 2");
      counts[static_cast<std::size_t>(y[i])] += 1.0;
      if (!w.empty() && (!(w[i] >= 0.0) || !std::isfinite(w[i])))
        throw model_error("logistic_regression: weight at row " + std::to_string(i) +
                          " is negative or not finite");
    }
    sum_over_workers(counts, pool);
    for (std::size_t c = 0; c < classes; ++c)
      if (counts[c] == 0.0)
        throw training_error("logistic_regression: class " + std::to_string(c) +
                             " has no training rows");

    logistic_regression_model model;
    model.c_ = spec.C;
    const auto input = map(x);
    if (!input.allFinite())
      throw model_error("logistic_regression: feature matrix has a non-finite value");
    if (!pool.distributed()) {
      model.mean_ = input.colwise().mean().transpose();
      model.scale_ = ((input.rowwise() - model.mean_.transpose()).array().square().colwise().sum() /
                      static_cast<double>(n))
                         .sqrt()
                         .transpose();
    } else {
      // The pooled mean and population deviation: sums over every worker's rows.
      const double pooled_rows = counts[0] + counts[1] + counts[2];
      Eigen::VectorXd sums = input.colwise().sum().transpose();
      sum_over_workers(std::span<double>(sums.data(), static_cast<std::size_t>(sums.size())), pool);
      model.mean_ = sums / pooled_rows;
      Eigen::VectorXd squares =
          (input.rowwise() - model.mean_.transpose()).array().square().colwise().sum().transpose();
      sum_over_workers(std::span<double>(squares.data(), static_cast<std::size_t>(squares.size())),
                       pool);
      model.scale_ = (squares / pooled_rows).array().sqrt().matrix();
    }
    for (Eigen::Index j = 0; j < model.scale_.size(); ++j)
      if (!(model.scale_(j) > 0.0)) model.scale_(j) = 1.0;  // constant column: leave centred

    // Standardised design with a trailing intercept column: the one copy of the data we make.
    const auto columns = static_cast<Eigen::Index>(d + 1);
    Eigen::MatrixXd design(static_cast<Eigen::Index>(n), columns);
    design.leftCols(static_cast<Eigen::Index>(d)) =
        ((input.rowwise() - model.mean_.transpose()).array().rowwise() /
         model.scale_.transpose().array())
            .matrix();
    design.col(columns - 1).setOnes();

    Eigen::VectorXd s(static_cast<Eigen::Index>(n));
    Eigen::MatrixXd onehot = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(n), classes);
    for (std::size_t i = 0; i < n; ++i) {
      const auto c = static_cast<std::size_t>(y[i]);
      s(static_cast<Eigen::Index>(i)) = w.empty() ? 1.0 : w[i];
      onehot(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(c)) = 1.0;
    }
    double weight_sum = s.sum();
    sum_over_workers(std::span<double>(&weight_sum, 1), pool);
    if (!(weight_sum > 0.0)) throw model_error("logistic_regression: all weights are zero");

    model.theta_ =
        solve(design, onehot, s, 1.0 / spec.C, std::max(1.0, weight_sum), model.iterations_, pool);
    return model;
  }

  /// Class probabilities (rows x 3) for raw (unstandardised) features `x`.
  [[nodiscard]] matrix predict_proba(const matrix& x) const {
    const std::size_t d = static_cast<std::size_t>(mean_.size());
    if (x.shape()[1] != d)
      throw model_error("logistic_regression: model has " + std::to_string(d) +
                        " features, matrix has " + std::to_string(x.shape()[1]));
    const auto input = map(x);
    if (!input.allFinite())
      throw model_error("logistic_regression: feature matrix has a non-finite value");
    const Eigen::MatrixXd z =
        ((input.rowwise() - mean_.transpose()).array().rowwise() / scale_.transpose().array())
            .matrix();
    const auto di = static_cast<Eigen::Index>(d);
    Eigen::MatrixXd scores = z * theta_.leftCols(di).transpose();
    scores.rowwise() += theta_.col(di).transpose();
    softmax_rows(scores);
    matrix out(std::array<std::size_t, 2>{x.shape()[0], classes});
    for (std::size_t i = 0; i < x.shape()[0]; ++i)
      for (std::size_t k = 0; k < classes; ++k)
        out(i, k) = scores(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(k));
    return out;
  }

  /// |standardised coefficient| summed over the 3 classes per feature, normalised to sum 1
  /// (all zeros when every coefficient is 0). Standardised units make features comparable.
  [[nodiscard]] std::vector<double> feature_importance() const {
    const auto d = mean_.size();
    std::vector<double> out(static_cast<std::size_t>(d));
    double total = 0.0;
    for (Eigen::Index j = 0; j < d; ++j) {
      out[static_cast<std::size_t>(j)] = theta_.col(j).cwiseAbs().sum();
      total += out[static_cast<std::size_t>(j)];
    }
    if (total > 0.0)
      for (double& v : out)
        v /= total;
    return out;
  }

  /// Coefficients in standardised units, classes x features.
  [[nodiscard]] Eigen::MatrixXd coefficients() const { return theta_.leftCols(mean_.size()); }
  /// Intercepts per class (zero sum).
  [[nodiscard]] Eigen::VectorXd intercepts() const { return theta_.col(mean_.size()); }
  /// Training mean per feature.
  [[nodiscard]] const Eigen::VectorXd& feature_mean() const noexcept { return mean_; }
  /// Training population standard deviation per feature (1 for constant columns).
  [[nodiscard]] const Eigen::VectorXd& feature_scale() const noexcept { return scale_; }
  /// Newton iterations the fit took.
  [[nodiscard]] int iterations() const noexcept { return iterations_; }

  /// Writes coefficients, intercepts and standardisation as JSON (doubles round-trip exactly).
  void save(const std::filesystem::path& path) const {
    nlohmann::json j;
    j["mtf_model"] = kind;
    j["format_version"] = 1;
    j["C"] = c_;
    j["mean"] = std::vector<double>(mean_.data(), mean_.data() + mean_.size());
    j["scale"] = std::vector<double>(scale_.data(), scale_.data() + scale_.size());
    nlohmann::json coef = nlohmann::json::array();
    for (Eigen::Index k = 0; k < theta_.rows(); ++k) {
      std::vector<double> row(static_cast<std::size_t>(mean_.size()));
      for (Eigen::Index jx = 0; jx < mean_.size(); ++jx)
        row[static_cast<std::size_t>(jx)] = theta_(k, jx);
      coef.push_back(row);
    }
    j["coef"] = coef;
    const Eigen::VectorXd b = intercepts();
    j["intercept"] = std::vector<double>(b.data(), b.data() + b.size());
    if (const int err = write_whole_file(path, j.dump(1) + '\n'))
      throw model_error("cannot write model file " + path.string() + os_reason(err));
  }

  /// Reads a model written by `save`; throws `model_error` on a missing, malformed or
  /// inconsistent file.
  static logistic_regression_model load(const std::filesystem::path& path) {
    errno = 0;
    std::ifstream in(path);
    if (!in) throw model_error("cannot open model file " + path.string() + os_reason(errno));
    try {
      const nlohmann::json j = nlohmann::json::parse(in);
      if (j.at("mtf_model").get<std::string>() != kind)
        throw model_error("model file " + path.string() + " holds a '" +
                          j.at("mtf_model").get<std::string>() + "' model, expected '" + kind +
                          "'");
      logistic_regression_model model;
      model.c_ = j.at("C").get<double>();
      const auto mean = j.at("mean").get<std::vector<double>>();
      const auto scale = j.at("scale").get<std::vector<double>>();
      const auto coef = j.at("coef").get<std::vector<std::vector<double>>>();
      const auto intercept = j.at("intercept").get<std::vector<double>>();
      const std::size_t d = mean.size();
      if (d == 0 || scale.size() != d || coef.size() != classes || intercept.size() != classes)
        throw model_error("model file " + path.string() + ": inconsistent array sizes");
      model.mean_ = Eigen::Map<const Eigen::VectorXd>(mean.data(), static_cast<Eigen::Index>(d));
      model.scale_ = Eigen::Map<const Eigen::VectorXd>(scale.data(), static_cast<Eigen::Index>(d));
      model.theta_.resize(classes, static_cast<Eigen::Index>(d + 1));
      for (std::size_t k = 0; k < classes; ++k) {
        if (coef[k].size() != d)
          throw model_error("model file " + path.string() + ": inconsistent array sizes");
        for (std::size_t jx = 0; jx < d; ++jx)
          model.theta_(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(jx)) = coef[k][jx];
        model.theta_(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(d)) = intercept[k];
      }
      if (!model.theta_.allFinite() || !model.mean_.allFinite() ||
          !(model.scale_.array() > 0).all())
        throw model_error("model file " + path.string() + ": non-finite values");
      return model;
    } catch (const nlohmann::json::exception& e) {
      throw model_error("model file " + path.string() + " is malformed: " + e.what());
    }
  }

 private:
  using row_major = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

  /// Eigen view of the row-major xtensor storage (no copy).
  static Eigen::Map<const row_major> map(const matrix& x) {
    return {x.data(), static_cast<Eigen::Index>(x.shape()[0]),
            static_cast<Eigen::Index>(x.shape()[1])};
  }

  /// Row-wise softmax in place, shifted by the row maximum against overflow.
  static void softmax_rows(Eigen::MatrixXd& scores) {
    for (Eigen::Index i = 0; i < scores.rows(); ++i) {
      const double m = scores.row(i).maxCoeff();
      scores.row(i) = (scores.row(i).array() - m).exp().matrix();
      scores.row(i) /= scores.row(i).sum();
    }
  }

  /// Objective at `theta` (classes x (d+1)) over every worker's rows of `pool`; fills `probs`
  /// (n x classes, this worker's rows).
  static double objective(const Eigen::MatrixXd& design, const Eigen::MatrixXd& onehot,
                          const Eigen::VectorXd& s, double l2, const Eigen::MatrixXd& theta,
                          Eigen::MatrixXd& probs, row_shard pool) {
    const Eigen::Index d = theta.cols() - 1;
    Eigen::MatrixXd scores = design * theta.transpose();
    double loss = 0.0;
    for (Eigen::Index i = 0; i < scores.rows(); ++i) {
      const double m = scores.row(i).maxCoeff();
      const double log_sum = m + std::log((scores.row(i).array() - m).exp().sum());
      // −log p_y = log Σ exp(score) − score_y
      loss += s(i) * (log_sum - scores.row(i).dot(onehot.row(i)));
      probs.row(i) = (scores.row(i).array() - log_sum).exp().matrix();
    }
    sum_over_workers(std::span<double>(&loss, 1), pool);
    return loss + 0.5 * l2 * theta.leftCols(d).squaredNorm();
  }

  /// Newton's method with Armijo backtracking. Parameters are flattened class by class:
  /// [W_0, b_0, W_1, b_1, W_2, b_2]. The loss is flat along "add the same constant to every
  /// intercept" (and the penalty ignores intercepts), so the Hessian is singular in exactly that
  /// direction v; the gradient is orthogonal to v, so solving with H + c·v vᵀ gives the same step
  /// as the pseudo-inverse and keeps the intercepts' sum at 0.
  static Eigen::MatrixXd solve(const Eigen::MatrixXd& design, const Eigen::MatrixXd& onehot,
                               const Eigen::VectorXd& s, double l2, double scale, int& iterations,
                               row_shard pool) {
    const Eigen::Index n = design.rows(), cols = design.cols(), d = cols - 1;
    const Eigen::Index k_classes = static_cast<Eigen::Index>(classes);
    const Eigen::Index dim = k_classes * cols;
    Eigen::MatrixXd theta = Eigen::MatrixXd::Zero(k_classes, cols);
    Eigen::MatrixXd probs(n, k_classes), trial_probs(n, k_classes);
    double loss = objective(design, onehot, s, l2, theta, probs, pool);
    const double tolerance = 1e-10 * scale;
    constexpr int max_iterations = 200;
    for (iterations = 0; iterations < max_iterations; ++iterations) {
      // Gradient (classes x cols): Σ_i s_i (p_i − y_i) z̃_i + l2 · W.
      const Eigen::MatrixXd residual = (probs - onehot).array().colwise() * s.array();
      Eigen::MatrixXd gradient = residual.transpose() * design;
      sum_over_workers(
          std::span<double>(gradient.data(), static_cast<std::size_t>(gradient.size())), pool);
      gradient.leftCols(d) += l2 * theta.leftCols(d);
      const double gradient_norm = gradient.cwiseAbs().maxCoeff();
      if (gradient_norm <= tolerance) return theta;

      Eigen::MatrixXd hessian(dim, dim);
      for (Eigen::Index k = 0; k < k_classes; ++k) {
        for (Eigen::Index l = k; l < k_classes; ++l) {
          // Block (k, l) = Σ_i s_i p_ik (δ_kl − p_il) z̃_i z̃_iᵀ.
          Eigen::VectorXd row_weight =
              s.array() * probs.col(k).array() * ((k == l ? 1.0 : 0.0) - probs.col(l).array());
          const Eigen::MatrixXd block =
              design.transpose() * (design.array().colwise() * row_weight.array()).matrix();
          hessian.block(k * cols, l * cols, cols, cols) = block;
          if (l != k) hessian.block(l * cols, k * cols, cols, cols) = block.transpose();
        }
      }
      sum_over_workers(std::span<double>(hessian.data(), static_cast<std::size_t>(hessian.size())),
                       pool);
      for (Eigen::Index k = 0; k < k_classes; ++k)
        hessian.block(k * cols, k * cols, d, d).diagonal().array() += l2;
      const double shift = std::max(1.0, hessian.diagonal().mean());
      for (Eigen::Index k = 0; k < k_classes; ++k)
        for (Eigen::Index l = 0; l < k_classes; ++l)
          hessian(k * cols + d, l * cols + d) += shift / static_cast<double>(k_classes);

      Eigen::VectorXd flat_gradient(dim);
      for (Eigen::Index k = 0; k < k_classes; ++k)
        flat_gradient.segment(k * cols, cols) = gradient.row(k).transpose();
      const Eigen::VectorXd step = hessian.ldlt().solve(-flat_gradient);
      const double slope = flat_gradient.dot(step);
      if (!step.allFinite() || !(slope < 0.0))
        throw model_error("logistic_regression: Newton step failed (singular Hessian)");

      // Once the predicted decrease is below the rounding noise of the summed loss, Armijo's test
      // compares noise; Newton's step is then taken in full (it converges quadratically here).
      const bool below_rounding = -slope <= 1e-12 * (1.0 + std::fabs(loss));
      double t = 1.0;
      bool accepted = false;
      Eigen::MatrixXd trial(k_classes, cols);
      for (int halving = 0; halving < 60; ++halving, t *= 0.5) {
        for (Eigen::Index k = 0; k < k_classes; ++k)
          trial.row(k) = theta.row(k) + t * step.segment(k * cols, cols).transpose();
        const double trial_loss = objective(design, onehot, s, l2, trial, trial_probs, pool);
        if (below_rounding || trial_loss <= loss + 1e-4 * t * slope) {
          theta = trial;
          loss = trial_loss;
          probs.swap(trial_probs);
          accepted = true;
          break;
        }
      }
      if (!accepted) {
        // No decrease representable in double: accept if we are at rounding level.
        if (gradient_norm <= 1e-6 * scale) return theta;
        throw model_error("logistic_regression: line search failed to decrease the loss");
      }
    }
    throw model_error("logistic_regression: Newton's method did not converge in 200 iterations");
  }

  logistic_regression_model() = default;

  double c_ = 1.0;
  Eigen::VectorXd mean_, scale_;
  Eigen::MatrixXd theta_;  ///< classes x (d + 1): coefficients then intercept
  int iterations_ = 0;
};

template <>
struct fitted_model<logistic_regression> {
  using type = logistic_regression_model;
};

}  // namespace mtf::model
