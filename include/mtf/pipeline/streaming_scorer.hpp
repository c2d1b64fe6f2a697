#pragma once
/// \file Streaming single-bar scoring (issue 6): a library entry point for a live process that
/// receives one new candle at a time. Indicator state is kept between bars
/// (`streaming_features`), so a new bar costs O(1) per feature; the bar's feature row then goes
/// through the policy's stacked model and calibrator and the trade gate, giving the numbers
/// `retrain_<tf> predict` prints for that bar.
///
/// The xgboost models (random forest, gradient boosting) are by default evaluated by a native
/// walker of their JSON trees (`native_softprob_forest`) instead of XGBoosterPredictFromDense,
/// whose per-call overhead dominates a one-row prediction. The walker performs xgboost 1.7's
/// CPU-predictor arithmetic (features and leaf values in float, leaf values summed per class in
/// tree order from base_score, float softmax with a double sum), so its probabilities are
/// bit-identical to the library's; the tests check that on every bar.

#include <unistd.h>
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "mtf/calibration/calibrator.hpp"
#include "mtf/core/xtensor.hpp"
#include "mtf/features/streaming_features.hpp"
#include "mtf/models/gradient_boosting.hpp"
#include "mtf/models/logistic_regression.hpp"
#include "mtf/models/random_forest.hpp"
#include "mtf/models/xgboost_api.hpp"
#include "mtf/pipeline/inference.hpp"
#include "mtf/pipeline/retrain.hpp"
#include "mtf/policy/timeframe_policy.hpp"
#include "mtf/validation/signal_stats.hpp"

namespace mtf::pipeline {

/// One scored bar: what `retrain_<tf> predict` prints for it.
struct scored_bar {
  std::int64_t timestamp = 0;  ///< the bar's open time, UTC epoch seconds
  double p_down = 0.0;         ///< calibrated probabilities, summing to 1
  double p_neutral = 0.0;
  double p_up = 0.0;
  double confidence = 0.0;  ///< max(p_up, p_down)
  double alpha = 0.0;       ///< |p_up - p_down|
  int direction = 0;        ///< argmax class: 0 down, 1 neutral, 2 up (first maximum wins)
  bool eligible = false;    ///< passes the policy's trade gate (confidence and alpha minimums)
  std::string_view tier;    ///< "high", "medium", "low" or "none" (policy confidence tiers)
  /// "down", "neutral" or "up".
  [[nodiscard]] std::string_view direction_name() const noexcept {
    constexpr std::string_view names[] = {"down", "neutral", "up"};
    return names[direction];
  }
};

/// A fitted xgboost multi:softprob gbtree model (3 classes, numerical splits) evaluated
/// natively, one row at a time, with xgboost 1.7's CPU-predictor arithmetic:
/// * the row is converted to float; at a split, `x < split_condition` goes left, a NaN feature
///   follows the node's default direction;
/// * per class, the margin starts at base_score (float) and the leaf values (float) of that
///   class's trees are added in tree order;
/// * softmax: m = max margin, e_c = expf(margin_c - m), summed in double, each e_c divided by
///   the float of the sum.
/// Hence bit-identical probabilities. Construction refuses (model_error) any model outside that
/// scope (another objective or booster, categorical splits, a vector leaf).
class native_softprob_forest {
 public:
  static constexpr std::size_t classes = 3;

  /// From xgboost's JSON model (as written by XGBoosterSaveModelToBuffer / booster::save_json).
  static native_softprob_forest from_json(const nlohmann::json& model) {
    native_softprob_forest out;
    try {
      const auto& learner = model.at("learner");
      const std::string objective = learner.at("objective").at("name").get<std::string>();
      if (objective != "multi:softprob")
        throw model_error("native forest: objective is " + objective + ", not multi:softprob");
      const auto& param = learner.at("learner_model_param");
      if (std::stoul(param.at("num_class").get<std::string>()) != classes)
        throw model_error("native forest: the model does not have 3 classes");
      out.base_score_ = std::stof(param.at("base_score").get<std::string>());
      out.features_ = std::stoul(param.at("num_feature").get<std::string>());
      const auto& booster = learner.at("gradient_booster");
      if (booster.at("name").get<std::string>() != "gbtree")
        throw model_error("native forest: booster is not gbtree");
      const auto& trees = booster.at("model").at("trees");
      const auto& tree_info = booster.at("model").at("tree_info");
      if (trees.size() != tree_info.size())
        throw model_error("native forest: tree_info does not list every tree");
      for (std::size_t t = 0; t < trees.size(); ++t)
        out.add_tree(trees[t], tree_info[t].get<int>());
    } catch (const nlohmann::json::exception& e) {
      throw model_error(std::string("native forest: malformed xgboost JSON model: ") + e.what());
    } catch (const std::logic_error& e) {  // std::stoul / std::stof
      throw model_error(std::string("native forest: malformed number in the model: ") + e.what());
    }
    return out;
  }

  /// From a fitted booster (its JSON model, passed through a temporary file: the xgboost wrapper
  /// offers the JSON only as a file).
  static native_softprob_forest from_booster(const xgb::booster& booster) {
    static std::atomic<unsigned> counter{0};
    const auto file = std::filesystem::temp_directory_path() /
                      ("mtf_native_forest_" + std::to_string(::getpid()) + "_" +
                       std::to_string(counter++) + ".json");
    booster.save_json(file);
    nlohmann::json model;
    {
      std::ifstream in(file, std::ios::binary);
      try {
        model = nlohmann::json::parse(in);
      } catch (const nlohmann::json::exception& e) {
        std::filesystem::remove(file);
        throw model_error(std::string("native forest: cannot parse the model: ") + e.what());
      }
    }
    std::filesystem::remove(file);
    return from_json(model);
  }

  /// Class probabilities of one row of `features()` values (down, neutral, up), as xgboost's
  /// predict_proba gives them (float values widened to double).
  [[nodiscard]] std::array<double, classes> predict(std::span<const double> row) const {
    if (row.size() != features_)
      throw model_error("native forest: model has " + std::to_string(features_) +
                        " features, row has " + std::to_string(row.size()));
    float x[max_stack_features] = {};
    std::vector<float> heap;
    float* values = x;
    if (row.size() > max_stack_features) {
      heap.resize(row.size());
      values = heap.data();
    }
    for (std::size_t j = 0; j < row.size(); ++j)
      values[j] = static_cast<float>(row[j]);
    float margin[classes] = {base_score_, base_score_, base_score_};
    const node* const nodes = nodes_.data();
    // Trees are walked `lanes` at a time in lockstep, for as many steps as the deepest tree of
    // the group, without branches: a split's direction is data-dependent (a branch would be
    // mispredicted about half the time) and the walks are chains of dependent loads that
    // independent walks overlap. A leaf stays put. The leaf values are then added in tree order
    // (xgboost's order), so the sums are unchanged.
    const std::size_t tree_count = roots_.size();
    std::size_t first = 0;
    for (std::size_t group = 0; first + lanes <= tree_count; first += lanes, ++group) {
      std::uint32_t at[lanes];
      for (std::size_t k = 0; k < lanes; ++k)
        at[k] = roots_[first + k];
      for (std::uint32_t step = 0; step < lane_depth_[group]; ++step) {
        for (std::size_t k = 0; k < lanes; ++k)
          at[k] = step_from(nodes[at[k]], at[k], values);
      }
      for (std::size_t k = 0; k < lanes; ++k)
        margin[groups_[first + k]] += nodes[at[k]].value;
    }
    for (; first < tree_count; ++first) {
      std::uint32_t at = roots_[first];
      while ((nodes[at].feature & leaf_flag) == 0)
        at = step_from(nodes[at], at, values);
      margin[groups_[first]] += nodes[at].value;
    }
    // xgboost 1.7 common::Softmax.
    float wmax = margin[0];
    for (std::size_t c = 1; c < classes; ++c)
      wmax = std::fmax(margin[c], wmax);
    double wsum = 0.0;
    for (std::size_t c = 0; c < classes; ++c) {
      margin[c] = std::exp(margin[c] - wmax);  // float overload: expf
      wsum += margin[c];
    }
    std::array<double, classes> out{};
    for (std::size_t c = 0; c < classes; ++c)
      out[c] = static_cast<double>(margin[c] / static_cast<float>(wsum));
    return out;
  }

  /// Number of feature columns the model reads.
  [[nodiscard]] std::size_t features() const noexcept { return features_; }
  /// Number of trees (all classes).
  [[nodiscard]] std::size_t tree_count() const noexcept { return roots_.size(); }

 private:
  static constexpr std::size_t max_stack_features = 64;
  static constexpr std::size_t lanes = 8;
  static constexpr std::uint32_t leaf_flag = 1u << 31;
  static constexpr std::uint32_t default_left_flag = 1u << 30;
  static constexpr std::uint32_t feature_mask = default_left_flag - 1;
  /// 12 bytes; nodes are stored depth first, so a split's left child is the next node.
  struct node {
    float value;            // split condition, or the leaf value at a leaf
    std::uint32_t feature;  // split feature | default_left_flag | leaf_flag
    std::uint32_t right;    // index of the right child in nodes_
  };

  /// The node after node `at` (itself at a leaf), by xgboost's rule: x < condition goes left,
  /// a missing (NaN) value goes the default way. Branch-free selects.
  static std::uint32_t step_from(const node& n, std::uint32_t at, const float* values) noexcept {
    const float v = values[n.feature & feature_mask];
    const auto left = static_cast<std::uint32_t>(v < n.value) |
                      (static_cast<std::uint32_t>(v != v) & ((n.feature >> 30) & 1u));
    const std::uint32_t next = n.right + left * (at + 1 - n.right);  // unsigned wrap is exact
    const std::uint32_t split = ((n.feature & leaf_flag) >> 31) ^ 1u;
    return at + split * (next - at);
  }

  void add_tree(const nlohmann::json& t, int group) {
    if (group < 0 || group >= static_cast<int>(classes))
      throw model_error("native forest: tree for class " + std::to_string(group));
    const auto left = t.at("left_children").get<std::vector<std::int32_t>>();
    const auto right = t.at("right_children").get<std::vector<std::int32_t>>();
    const auto feature = t.at("split_indices").get<std::vector<std::int64_t>>();
    const auto condition = t.at("split_conditions").get<std::vector<float>>();
    const auto default_left = t.at("default_left").get<std::vector<int>>();
    const std::size_t n = left.size();
    if (n == 0 || right.size() != n || feature.size() != n || condition.size() != n ||
        default_left.size() != n)
      throw model_error("native forest: tree arrays differ in length");
    if (t.contains("split_type")) {
      for (const int type : t.at("split_type").get<std::vector<int>>())
        if (type != 0) throw model_error("native forest: categorical splits are not supported");
    }
    if (t.contains("tree_param") &&
        std::stoul(t.at("tree_param").value("size_leaf_vector", std::string("0"))) != 0)
      throw model_error("native forest: vector leaves are not supported");
    const auto size = static_cast<std::int32_t>(n);
    for (std::size_t i = 0; i < n; ++i) {
      if (left[i] < 0) continue;
      if (left[i] >= size || right[i] < 0 || right[i] >= size || feature[i] < 0 ||
          static_cast<std::size_t>(feature[i]) >= features_)
        throw model_error("native forest: a split points outside its tree or feature range");
      // Children always have larger indices in xgboost trees; checked so that a malformed file
      // cannot make a walk loop forever.
      if (left[i] <= static_cast<std::int32_t>(i) || right[i] <= static_cast<std::int32_t>(i))
        throw model_error("native forest: a child precedes its parent");
    }
    if (nodes_.size() + n >= leaf_flag) throw model_error("native forest: too many nodes");
    roots_.push_back(static_cast<std::uint32_t>(nodes_.size()));
    groups_.push_back(static_cast<std::uint8_t>(group));
    // Depth-first copy (explicit stack: xgboost's node ids are not depth first). Each entry is
    // an xgboost node id and, for a right child, the slot of its parent's `right` to fill.
    struct pending {
      std::int32_t id;
      std::size_t parent_slot;  // nodes_ index whose `right` points here, or npos
      std::uint32_t depth;      // splits above this node
    };
    constexpr std::size_t npos = static_cast<std::size_t>(-1);
    std::vector<pending> stack{{0, npos, 0}};
    std::uint32_t depth = 0;
    std::size_t visited = 0;
    while (!stack.empty()) {
      const pending p = stack.back();
      stack.pop_back();
      if (++visited > n) throw model_error("native forest: a node is reachable twice");
      const auto i = static_cast<std::size_t>(p.id);
      const std::size_t slot = nodes_.size();
      if (p.parent_slot != npos) nodes_[p.parent_slot].right = static_cast<std::uint32_t>(slot);
      depth = std::max(depth, p.depth);
      if (left[i] < 0) {
        nodes_.push_back({condition[i], leaf_flag, 0});
      } else {
        nodes_.push_back({condition[i],
                          static_cast<std::uint32_t>(feature[i]) |
                              (default_left[i] != 0 ? default_left_flag : 0u),
                          0});
        stack.push_back({right[i], slot, p.depth + 1});  // popped after the left subtree
        stack.push_back({left[i], npos, p.depth + 1});   // next: lands at slot + 1
      }
    }
    // Lockstep groups of `lanes` trees walk as many steps as their deepest tree.
    if ((roots_.size() - 1) % lanes == 0) lane_depth_.push_back(0);
    lane_depth_.back() = std::max(lane_depth_.back(), depth);
  }

  float base_score_ = 0.5f;
  std::size_t features_ = 0;
  std::vector<node> nodes_;
  std::vector<std::uint32_t> roots_;       // first node of each tree, xgboost's tree order
  std::vector<std::uint8_t> groups_;       // class of each tree
  std::vector<std::uint32_t> lane_depth_;  // deepest tree of each group of `lanes` trees
};

/// How the scorer evaluates the stack's xgboost models.
enum class tree_evaluation {
  native,  ///< native_softprob_forest (bit-identical, much faster for one row)
  library  ///< xgboost's XGBoosterPredictFromDense, through the models' predict_proba
};

/// Confidence tier of policy P for a confidence value: "high", "medium", "low" or "none"
/// (the same thresholds as `retrain_<tf> predict`).
template <TimeframePolicy P>
constexpr std::string_view confidence_tier(double confidence) noexcept {
  if (confidence >= P::tiers.high) return "high";
  if (confidence >= P::tiers.medium) return "medium";
  if (confidence >= P::tiers.low) return "low";
  return "none";
}

/// Scores a stream of bars with a fitted stack and calibrator of policy P, one bar at a time.
/// `score(bar)` returns nullopt during the feature warm-up, then for every bar the calibrated
/// probabilities and trade signal of `calibrator.predict(stack.predict_proba(row))` for the
/// bar's feature row -- the row of `compute_feature_matrix(P::features, bars)` bit for bit, and
/// (with either tree evaluation) bit-identical probabilities, so the numbers are those of the
/// batch `predict` path. The stack and calibrator are referenced, not copied: they must outlive
/// the scorer. Bad bars throw data_error (see streaming_features) and leave the state unchanged.
template <TimeframePolicy P>
class streaming_scorer {
  using stack_type = policy_stack<P>;
  static constexpr std::size_t base_count = stack_type::base_count;

 public:
  using features_type = streaming::streaming_features<std::remove_cvref_t<decltype(P::features)>>;
  static constexpr std::size_t feature_count = features_type::size;

  /// Scorer over `stack` and `calibrator` (both must outlive it). With tree_evaluation::native
  /// the xgboost models are converted once here (model_error if one is outside the native
  /// walker's scope; use tree_evaluation::library then).
  streaming_scorer(const stack_type& stack, const calibration::calibrator& calibrator,
                   tree_evaluation evaluation = tree_evaluation::native)
      : stack_(&stack),
        calibrator_(&calibrator),
        features_(P::features),
        row_(std::array<std::size_t, 2>{1, feature_count}),
        base_probabilities_(std::array<std::size_t, 2>{1, 3 * base_count}) {
    if (evaluation == tree_evaluation::native) {
      [&]<std::size_t... I>(std::index_sequence<I...>) {
        (convert_base<I>(), ...);
      }
      (std::make_index_sequence<base_count>{});
    }
  }
  /// Scorer over a promoted model (which must outlive it).
  explicit streaming_scorer(const loaded_model<P>& model,
                            tree_evaluation evaluation = tree_evaluation::native)
      : streaming_scorer(model.stack, model.calibrator, evaluation) {}
  explicit streaming_scorer(loaded_model<P>&&,
                            tree_evaluation = tree_evaluation::native) = delete;  // would dangle

  /// Consumes the next bar; its scored signal once the features are past their warm-up.
  std::optional<scored_bar> score(const streaming::bar& b) {
    if (!features_.push(b, row_span())) return std::nullopt;
    const matrix p = calibrator_->predict(stack_probabilities());
    const auto sig = validation::compute_signals(p, P::trade_gate);
    scored_bar out;
    out.timestamp = b.timestamp;
    out.p_down = p(0, 0);
    out.p_neutral = p(0, 1);
    out.p_up = p(0, 2);
    out.confidence = sig.confidence[0];
    out.alpha = sig.alpha[0];
    out.direction = sig.direction[0];
    out.eligible = sig.eligible[0] != 0;
    out.tier = confidence_tier<P>(out.confidence);
    return out;
  }

  /// Feeds a history through the feature state without scoring it (a live process seeds the
  /// indicators with the recent past, then scores each new bar). Returns bars consumed.
  std::size_t seed(const bar_series& history) {
    feature_detail::check_columns(history);
    for (std::size_t i = 0; i < history.size(); ++i)
      features_.push(streaming::bar_at(history, i), row_span());
    return features_.bars_seen();
  }

  /// The feature row of the last bar consumed (NaN entries during the warm-up).
  [[nodiscard]] std::span<const double, feature_count> last_row() const noexcept {
    return std::span<const double, feature_count>(row_.data(), feature_count);
  }
  /// The streaming feature state.
  [[nodiscard]] const features_type& features() const noexcept { return features_; }
  /// True when base model `i` is an xgboost model evaluated natively.
  [[nodiscard]] bool native_base(std::size_t i) const { return forests_.at(i).has_value(); }

 private:
  std::span<double, feature_count> row_span() noexcept {
    return std::span<double, feature_count>(row_.data(), feature_count);
  }

  template <std::size_t I>
  void convert_base() {
    using model_type = std::tuple_element_t<I, typename stack_type::base_tuple>;
    if constexpr (std::is_same_v<model_type, model::random_forest_model> ||
                  std::is_same_v<model_type, model::gradient_boosting_model>) {
      forests_[I].emplace(
          native_softprob_forest::from_booster(stack_->template base<I>().trees().booster()));
      if (forests_[I]->features() != feature_count)
        throw model_error("streaming_scorer: base model " + std::to_string(I) + " reads " +
                          std::to_string(forests_[I]->features()) + " features, the policy has " +
                          std::to_string(feature_count));
    }
  }

  /// Base model I's probabilities for the current row into columns 3I..3I+2.
  template <std::size_t I>
  void base_into_columns() {
    if (forests_[I]) {
      const auto p = forests_[I]->predict(std::span<const double>(row_.data(), feature_count));
      for (std::size_t k = 0; k < 3; ++k)
        base_probabilities_(0, 3 * I + k) = p[k];
    } else {
      const matrix p = stack_->template base<I>().predict_proba(row_);
      for (std::size_t k = 0; k < 3; ++k)
        base_probabilities_(0, 3 * I + k) = p(0, k);
    }
  }

  /// stack.predict_proba(row_), with the native forests where converted.
  matrix stack_probabilities() {
    bool any_native = false;
    for (const auto& f : forests_)
      any_native = any_native || f.has_value();
    if (!any_native) return stack_->predict_proba(row_);
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (base_into_columns<I>(), ...);
    }
    (std::make_index_sequence<base_count>{});
    if constexpr (stack_type::has_meta) {
      return stack_->meta().predict_proba(base_probabilities_);
    } else {
      return base_probabilities_;
    }
  }

  const stack_type* stack_;
  const calibration::calibrator* calibrator_;
  features_type features_;
  matrix row_;                 // 1 x feature_count, reused for every bar
  matrix base_probabilities_;  // 1 x 3·base_count, the meta-model's input
  std::array<std::optional<native_softprob_forest>, base_count> forests_;
};

}  // namespace mtf::pipeline
