#pragma once
/// \file What an xgboost 1.7 JSON model must satisfy before xgboost reads it. xgboost's own
/// loader trusts the file: a tree whose `id` or `categories_nodes` point past its arrays, or
/// whose arrays disagree with `tree_param.num_nodes`, writes out of bounds or frees twice (found
/// by tests/fuzz/fuzz_xgboost_model). mtf only writes gbtree models through `save_json`, so a
/// file that fails these checks is damaged or foreign and is refused before xgboost sees it.

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>

#include "mtf/core/errors.hpp"

namespace mtf::xgb {

namespace model_check_detail {
[[noreturn]] inline void refuse(const std::string& where, const std::string& why) {
  throw model_error("model file " + where + " is not a consistent xgboost JSON model: " + why);
}
/// An xgboost integer parameter, stored as a decimal string ("6").
inline std::int64_t string_integer(const nlohmann::json& v, const std::string& where,
                                   std::string_view what) {
  if (!v.is_string()) refuse(where, std::string(what) + " is not a string");
  const auto& s = v.get_ref<const std::string&>();
  if (s.empty() || s.size() > 12 || s.find_first_not_of("0123456789") != std::string::npos)
    refuse(where, std::string(what) + " is not a non-negative integer: " + s);
  return std::stoll(s);
}
/// The array `key` of `tree`: present, numbers only, `size` entries when size >= 0.
inline const nlohmann::json::array_t& numbers(const nlohmann::json& tree, const char* key,
                                              std::int64_t size, const std::string& where) {
  const auto it = tree.find(key);
  if (it == tree.end() || !it->is_array()) refuse(where, std::string("a tree lacks array ") + key);
  const auto& a = it->get_ref<const nlohmann::json::array_t&>();
  for (const auto& v : a)
    if (!v.is_number()) refuse(where, std::string(key) + " holds " + v.dump());
  if (size >= 0 && static_cast<std::int64_t>(a.size()) != size)
    refuse(where, std::string(key) + " has " + std::to_string(a.size()) +
                      " entries, tree_param.num_nodes says " + std::to_string(size));
  return a;
}
/// Every entry an integer in [low, high) or equal to `also`.
inline void integers_in(const nlohmann::json::array_t& a, std::int64_t low, std::int64_t high,
                        std::int64_t also, const std::string& where, const char* key) {
  for (const auto& v : a)
    if (!v.is_number_integer() || ((v.get<std::int64_t>() < low || v.get<std::int64_t>() >= high) &&
                                   v.get<std::int64_t>() != also))
      refuse(where, std::string(key) + " holds " + v.dump() + " outside its range");
}
}  // namespace model_check_detail

/// Refuses (model_error naming `where`) a parsed model that is not a gbtree model whose trees
/// are internally consistent: `num_trees` trees with distinct ids in [0, num_trees), one
/// tree_info entry each, every per-node array `tree_param.num_nodes` long, children, parents and
/// split features in range, categorical segments inside the categories array.
inline void check_model_json(const nlohmann::json& model, const std::string& where) {
  using namespace model_check_detail;
  const auto* learner =
      model.is_object() && model.contains("learner") ? &model["learner"] : nullptr;
  if (learner == nullptr || !learner->is_object()) refuse(where, "no learner object");
  const auto& param = learner->value("learner_model_param", nlohmann::json());
  if (!param.is_object() || !param.contains("num_feature"))
    refuse(where, "no learner_model_param.num_feature");
  const std::int64_t features = string_integer(param["num_feature"], where, "num_feature");
  const auto& booster = learner->value("gradient_booster", nlohmann::json());
  if (!booster.is_object() || booster.value("name", std::string()) != "gbtree")
    refuse(where, "the booster is not gbtree");
  const auto& m = booster.value("model", nlohmann::json());
  if (!m.is_object() || !m.contains("trees") || !m["trees"].is_array() ||
      !m.contains("gbtree_model_param") || !m["gbtree_model_param"].is_object() ||
      !m.contains("tree_info") || !m["tree_info"].is_array())
    refuse(where, "the gbtree model lacks trees, tree_info or gbtree_model_param");
  const auto& trees = m["trees"];
  const std::int64_t n_trees = string_integer(
      m["gbtree_model_param"].value("num_trees", nlohmann::json()), where, "num_trees");
  if (static_cast<std::int64_t>(trees.size()) != n_trees || m["tree_info"].size() != trees.size())
    refuse(where, "num_trees, trees and tree_info disagree");
  std::set<std::int64_t> ids;
  for (const auto& tree : trees) {
    if (!tree.is_object()) refuse(where, "a tree is not an object");
    const auto id = tree.find("id");
    if (id == tree.end() || !id->is_number_integer() || id->get<std::int64_t>() < 0 ||
        id->get<std::int64_t>() >= n_trees || !ids.insert(id->get<std::int64_t>()).second)
      refuse(where, "tree ids must be distinct and in [0, num_trees)");
    const auto tp = tree.find("tree_param");
    if (tp == tree.end() || !tp->is_object() || !tp->contains("num_nodes"))
      refuse(where, "a tree lacks tree_param.num_nodes");
    const std::int64_t n = string_integer((*tp)["num_nodes"], where, "num_nodes");
    if (n < 1) refuse(where, "a tree has no nodes");
    if (string_integer(tp->value("size_leaf_vector", nlohmann::json("0")), where,
                       "size_leaf_vector") != 0)
      refuse(where, "vector leaves are not written by mtf");
    for (const char* key : {"loss_changes", "sum_hessian", "base_weights", "split_conditions",
                            "default_left", "split_type"})
      (void)numbers(tree, key, n, where);
    integers_in(numbers(tree, "left_children", n, where), 1, n, -1, where, "left_children");
    integers_in(numbers(tree, "right_children", n, where), 1, n, -1, where, "right_children");
    integers_in(numbers(tree, "parents", n, where), 0, n, 2147483647, where, "parents");
    integers_in(numbers(tree, "split_indices", n, where), 0, features, 0, where, "split_indices");
    const auto& categories = numbers(tree, "categories", -1, where);
    const auto& nodes = numbers(tree, "categories_nodes", -1, where);
    const auto& segments = numbers(tree, "categories_segments", -1, where);
    const auto& sizes = numbers(tree, "categories_sizes", -1, where);
    integers_in(nodes, 0, n, 0, where, "categories_nodes");
    if (segments.size() != nodes.size() || sizes.size() != nodes.size())
      refuse(where, "categories_nodes, _segments and _sizes differ in length");
    const auto total = static_cast<std::int64_t>(categories.size());
    integers_in(segments, 0, total + 1, 0, where, "categories_segments");
    integers_in(sizes, 0, total + 1, 0, where, "categories_sizes");
    for (std::size_t i = 0; i < segments.size(); ++i)
      if (segments[i].get<std::int64_t>() + sizes[i].get<std::int64_t>() > total)
        refuse(where, "a categorical segment reaches past the categories array");
  }
}

}  // namespace mtf::xgb
