#pragma once
// Every single-setting change of a policy: copies of its settings (mtf::policy_values) in each of
// which exactly one leaf value differs from the policy's. Walks the settings generically (policy
// members, then struct members by their descriptions, tuple and array elements, optionals), so a
// setting added to a spec or a policy is changed here without editing this file; a value of a
// kind this walk does not know is a compile error, never a silent skip.
#include <boost/hana/at.hpp>
#include <boost/hana/length.hpp>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <deque>
#include <functional>
#include <limits>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "mtf/core/described.hpp"
#include "mtf/policy/policy_description.hpp"

namespace mtf::test {

/// One changed copy: `path` names the changed setting as the description's paths do
/// ("gates.alpha_share.threshold", "features[3].window"), `how` says what was done.
template <class P>
struct policy_mutation {
  std::string path;
  std::string how;
  policy_values<P> values;
};

namespace mutation_detail {
using emit_fn = std::function<void(const std::string& path, const std::string& how)>;

// string_view settings point into storage that must outlive every copy.
inline std::string_view stored(std::string text) {
  static std::deque<std::string> storage;
  return storage.emplace_back(std::move(text));
}

// Changes `slot` in place to each different value in turn, calls emit after each change, and
// restores it before returning.
template <class T>
void mutate(T& slot, const std::string& path, const emit_fn& emit) {
  using namespace mtf::describe_detail;
  const T original = slot;
  if constexpr (std::is_same_v<T, bool>) {
    slot = !slot;
    emit(path, "flipped");
  } else if constexpr (std::is_integral_v<T>) {
    slot = static_cast<T>(slot + 1);
    emit(path, "+1");
  } else if constexpr (std::is_floating_point_v<T>) {
    // The smallest change there is, and a large one.
    slot = std::nextafter(slot, std::numeric_limits<T>::infinity());
    emit(path, "+1 ulp");
    slot = original == T(-1) ? T(0) : original * 2 + 1;
    emit(path, "*2+1");
  } else if constexpr (std::is_enum_v<T>) {
    using U = std::underlying_type_t<T>;
    // The next enumerator after this one that has a name (wrapping around).
    for (U step = 1; step < 64; ++step) {
      const T candidate = static_cast<T>((static_cast<U>(original) + step) % 64);
      if (!enum_name(candidate).empty()) {
        slot = candidate;
        emit(path, "next enumerator");
        break;
      }
    }
  } else if constexpr (std::is_same_v<T, std::string_view>) {
    slot = stored(std::string(original) + "~");
    emit(path, "appended ~");
  } else if constexpr (is_duration<T>) {
    slot = original + T(1);
    emit(path, "+1 tick");
  } else if constexpr (is_optional<T>) {
    if (original) {
      slot.reset();
      emit(path, "unset");
      slot = original;
      mutate(*slot, path, emit);
    } else {
      // Set (to the value-initialised value), then change each part of the set value too.
      slot.emplace();
      emit(path, "set");
      mutate(*slot, path, emit);
    }
  } else if constexpr (is_std_array<T>) {
    for (std::size_t i = 0; i < slot.size(); ++i)
      mutate(slot[i], path + "[" + std::to_string(i) + "]", emit);
  } else if constexpr (is_hana_tuple<T>) {
    constexpr std::size_t n = decltype(boost::hana::length(slot))::value;
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (mutate(boost::hana::at_c<I>(slot), path + "[" + std::to_string(I) + "]", emit), ...);
    }
    (std::make_index_sequence<n>{});
  } else if constexpr (described_struct<T>) {
    for_each_member(slot, [&](std::string_view name, auto& member) {
      mutate(member, path + "." + std::string(name), emit);
    });
  } else {
    static_assert(always_false<T>, "policy_mutations: a kind of setting the walk does not know");
  }
  slot = original;
}
}  // namespace mutation_detail

/// Every single-setting change of `base`, in policy member order.
template <class P>
std::vector<policy_mutation<P>> every_mutation(const policy_values<P>& base) {
  std::vector<policy_mutation<P>> out;
  policy_values<P> work = base;
  policy_values<P>::for_each_field(work, [&](std::string_view name, auto& value) {
    mutation_detail::mutate(value, std::string(name),
                            [&](const std::string& path, const std::string& how) {
                              out.push_back({path, how, work});
                            });
  });
  return out;
}

/// The paths of the leaf values of a description (numbers, strings, booleans, nulls), in the
/// syntax of policy_mutation::path; the "@type" names are not settings and are left out.
inline void leaf_paths(const nlohmann::json& j, const std::string& path,
                       std::set<std::string>& out) {
  if (j.is_object()) {
    for (const auto& [key, value] : j.items()) {
      if (key == mtf::canonical_type_key) continue;
      leaf_paths(value, path.empty() ? key : path + "." + key, out);
    }
  } else if (j.is_array()) {
    for (std::size_t i = 0; i < j.size(); ++i)
      leaf_paths(j[i], path + "[" + std::to_string(i) + "]", out);
  } else {
    out.insert(path);
  }
}

}  // namespace mtf::test
