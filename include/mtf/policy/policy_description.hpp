#pragma once
/// \file The canonical description of a timeframe policy: every member of MTF_POLICY_FIELDS (the
/// list the TimeframePolicy concept is made of) as canonical JSON (core/canonical_json.hpp),
/// derived from the policy's types rather than listed by hand. The policy fingerprint stored in
/// every artifact is its SHA-256 (pipeline/artifact_layout.hpp), `policy --json` and the run's
/// policy.json print it, and docs/policies.md is tested to show every setting it holds.

#include <string>
#include <string_view>
#include <type_traits>

#include <nlohmann/json.hpp>

#include "mtf/core/canonical_json.hpp"
#include "mtf/policy/timeframe_policy.hpp"

namespace mtf {

/// A policy's settings as one value: a copy of every member of MTF_POLICY_FIELDS, by the
/// policy's own name and type, initialised from P. Everything generic about a policy's
/// settings (its description, the policy table) reads this; tests change copies of it.
template <TimeframePolicyShape P>
struct policy_values {
#define MTF_POLICY_VALUE_MEMBER(member, ...) \
  std::remove_cvref_t<decltype(P::member)> member = P::member;
  MTF_POLICY_FIELDS(MTF_POLICY_VALUE_MEMBER)
#undef MTF_POLICY_VALUE_MEMBER

  /// Calls `f(name, member)` for every member, in MTF_POLICY_FIELDS order; `member` is a
  /// reference with the constness of `values`.
  template <class Values, class F>
  requires std::same_as<std::remove_const_t<Values>, policy_values>
  static constexpr void for_each_field(Values& values, F&& f) {
#define MTF_POLICY_VALUE_VISIT(member, ...) f(std::string_view(#member), values.member);
    MTF_POLICY_FIELDS(MTF_POLICY_VALUE_VISIT)
#undef MTF_POLICY_VALUE_VISIT
  }
};

/// The canonical description of the settings `values`: an object with one key per policy member.
/// A struct-valued member also names its type ("@type"), as a member like `labeler` or
/// `meta_model` may be one of several types with the same member values.
template <class P>
nlohmann::json describe_policy(const policy_values<P>& values) {
  nlohmann::json out = nlohmann::json::object();
  policy_values<P>::for_each_field(values, [&](std::string_view name, const auto& value) {
    out[std::string(name)] = canonical_json_typed(value);
  });
  return out;
}

/// The canonical description of the policy P (see describe_policy). Equal policies describe
/// equally whatever their C++ spelling (`days{7}` and `hours{168}`, `int` and `long`); a policy
/// differing in any setting describes differently.
template <TimeframePolicy P>
nlohmann::json policy_description() {
  return describe_policy(policy_values<P>{});
}

}  // namespace mtf
