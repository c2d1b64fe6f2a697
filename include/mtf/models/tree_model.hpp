#pragma once
/// \file What the two xgboost models (gradient boosting, random forest) share once fitted: a
/// booster, its feature count, prediction, gain importance and the JSON save/load round trip.

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <numeric>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "mtf/core/xtensor.hpp"
#include "mtf/models/xgboost_api.hpp"

namespace mtf::model {

/// A fitted multi:softprob booster tagged with the kind of mtf model it is ("gradient_boosting",
/// "random_forest"); the tag travels in the model JSON as attribute `mtf_model` so that loading
/// a file as the wrong kind of model fails.
class tree_model {
 public:
  tree_model(xgb::booster booster, std::string kind, std::size_t features)
      : booster_(std::move(booster)), kind_(std::move(kind)), features_(features) {
    booster_.set_attr("mtf_model", kind_);
    booster_.set_attr("mtf_features", std::to_string(features_));
  }

  /// Class probabilities (rows x 3, rows sum to 1 up to float rounding: xgboost computes the
  /// softmax in float). Throws `model_error` when `x` has a different number of columns.
  [[nodiscard]] matrix predict_proba(const matrix& x) const {
    if (x.shape()[1] != features_)
      throw model_error(kind_ + ": model has " + std::to_string(features_) +
                        " features, matrix has " + std::to_string(x.shape()[1]));
    return booster_.predict_proba(x);
  }

  /// Total split gain per feature normalised to sum 1 (all zeros when the model never split).
  [[nodiscard]] std::vector<double> feature_importance() const {
    auto gain = booster_.total_gain(features_);
    const double total = std::accumulate(gain.begin(), gain.end(), 0.0);
    if (total > 0.0)
      for (double& g : gain)
        g /= total;
    return gain;
  }

  /// Saves the xgboost JSON model (with the mtf attributes) to `path`.
  void save(const std::filesystem::path& path) const { booster_.save_json(path); }

  /// Loads a model saved by `save`; throws `model_error` unless it is a `kind` model.
  [[nodiscard]] static tree_model load(const std::filesystem::path& path, const std::string& kind) {
    auto booster = xgb::booster::load_json(path);
    const std::string stored = booster.attr("mtf_model");
    if (stored != kind)
      throw model_error("model file " + path.string() + " holds a '" + stored +
                        "' model, expected '" + kind + "'");
    const std::string features = booster.attr("mtf_features");
    std::size_t count = 0;
    const auto [end, ec] =
        std::from_chars(features.data(), features.data() + features.size(), count);
    if (features.empty() || ec != std::errc{} || end != features.data() + features.size() ||
        count == 0)
      throw model_error("model file " + path.string() + " lacks a feature count (mtf_features '" +
                        features + "')");
    return tree_model(std::move(booster), kind, count);
  }

  /// The underlying booster (for attributes and diagnostics).
  [[nodiscard]] const xgb::booster& booster() const noexcept { return booster_; }
  [[nodiscard]] xgb::booster& booster() noexcept { return booster_; }
  /// Number of feature columns the model expects.
  [[nodiscard]] std::size_t features() const noexcept { return features_; }

 private:
  xgb::booster booster_;
  std::string kind_;
  std::size_t features_;
};

namespace tree_detail {
/// Parameters every mtf tree model sets: 3-class softprob, hist trees with `max_bin` histogram
/// bins per feature, strict parameter names, seed (xgboost takes a signed int: reduced modulo
/// 2^31) and threads. The split search enumerates every bin of every feature at every node, so
/// on a few thousand rows the bin count, not the row count, sets the cost of a tree.
inline void set_common_params(xgb::booster& booster, std::uint64_t seed, int threads, int max_bin) {
  if (max_bin < 2)
    throw model_error("tree model: max_bin must be at least 2 (got " + std::to_string(max_bin) +
                      ")");
  booster.set_param("validate_parameters", "1");
  booster.set_param("booster", "gbtree");
  booster.set_param("objective", "multi:softprob");
  booster.set_param("num_class", "3");
  booster.set_param("tree_method", "hist");
  booster.set_param("max_bin", std::to_string(max_bin));
  booster.set_param("seed", std::to_string(seed % 2147483648ULL));
  booster.set_param("nthread", std::to_string(threads < 0 ? 0 : threads));
}
}  // namespace tree_detail

}  // namespace mtf::model
