#pragma once
/// \file Native evaluation of a fitted xgboost softprob tree ensemble, bit-identical to xgboost
/// 1.7's CPU predictor and much faster for one row (single-bar scoring, SPEC §9 inference).

#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mtf/models/xgboost_api.hpp"

namespace mtf::model {

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
        out.add_tree(trees[t],
                     integers<int>(nlohmann::json::array({tree_info[t]}), "tree_info")[0]);
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

  /// The integers of a JSON array as Int; model_error for a non-integer or out-of-range entry
  /// (a plain get<> of 1e30 into an integer, or of 1e300 into a float, is undefined behaviour).
  template <class Int>
  static std::vector<Int> integers(const nlohmann::json& array, const char* what) {
    std::vector<Int> out;
    out.reserve(array.size());
    for (const auto& v : array.get_ref<const nlohmann::json::array_t&>()) {
      const bool in_range =
          (v.is_number_unsigned() &&
           v.get<std::uint64_t>() <= static_cast<std::uint64_t>(std::numeric_limits<Int>::max())) ||
          (v.is_number_integer() && !v.is_number_unsigned() &&
           v.get<std::int64_t>() >= static_cast<std::int64_t>(std::numeric_limits<Int>::min()) &&
           v.get<std::int64_t>() <= static_cast<std::int64_t>(std::numeric_limits<Int>::max()));
      if (!in_range)
        throw model_error(std::string("native forest: ") + what + " holds " + v.dump());
      out.push_back(v.is_number_unsigned() ? static_cast<Int>(v.get<std::uint64_t>())
                                           : static_cast<Int>(v.get<std::int64_t>()));
    }
    return out;
  }

  /// The numbers of a JSON array as float; model_error for one outside float's finite range.
  static std::vector<float> floats(const nlohmann::json& array, const char* what) {
    std::vector<float> out;
    out.reserve(array.size());
    for (const auto& v : array.get_ref<const nlohmann::json::array_t&>()) {
      const double d = v.get<double>();
      if (!(std::abs(d) <= static_cast<double>(std::numeric_limits<float>::max())))
        throw model_error(std::string("native forest: ") + what + " holds " + v.dump());
      out.push_back(static_cast<float>(d));
    }
    return out;
  }

  void add_tree(const nlohmann::json& t, int group) {
    if (group < 0 || group >= static_cast<int>(classes))
      throw model_error("native forest: tree for class " + std::to_string(group));
    const auto left = integers<std::int32_t>(t.at("left_children"), "left_children");
    const auto right = integers<std::int32_t>(t.at("right_children"), "right_children");
    const auto feature = integers<std::int64_t>(t.at("split_indices"), "split_indices");
    const auto condition = floats(t.at("split_conditions"), "split_conditions");
    const auto default_left = integers<int>(t.at("default_left"), "default_left");
    const std::size_t n = left.size();
    if (n == 0 || right.size() != n || feature.size() != n || condition.size() != n ||
        default_left.size() != n)
      throw model_error("native forest: tree arrays differ in length");
    if (t.contains("split_type")) {
      for (const int type : integers<int>(t.at("split_type"), "split_type"))
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

}  // namespace mtf::model
