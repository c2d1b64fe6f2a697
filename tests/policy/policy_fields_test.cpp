// MTF_POLICY_FIELDS is the list the TimeframePolicy concept is made of and the policy
// description walks. Generic code could still read a static member of a policy that the list
// lacks (it would compile for policies that have it); this test reads mtf's sources and requires
// every `P::member` of a template over a policy to be in the list, so that a setting the
// pipeline reads is a setting the fingerprint sees.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "mtf/policy/policy_description.hpp"
#include "timeframes/tf_5m.hpp"

namespace fs = std::filesystem;

TEST_CASE("every policy member the library and the binaries read is a described policy field",
          "[policy][description]") {
  std::set<std::string> fields;
  const mtf::policy_values<mtf::timeframes::tf_5m> values{};
  mtf::policy_values<mtf::timeframes::tf_5m>::for_each_field(
      values, [&](std::string_view name, const auto&) { fields.emplace(name); });
  REQUIRE(fields.count("horizon") == 1);

  // Generic code names its policy parameter P (`template <TimeframePolicy P>`); the binaries'
  // main names the policy type `policy`. Finds `P::member` and `policy::member` (not
  // `XP::member`) by hand rather than with <regex>, whose GCC 12 headers warn under ASan.
  const auto is_identifier = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  };
  std::size_t reads = 0;
  const fs::path root = MTF_SOURCE_DIR;
  for (const fs::path& dir : {root / "include", root / "apps"}) {
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
      const auto ext = entry.path().extension();
      if (!entry.is_regular_file() || (ext != ".hpp" && ext != ".cpp")) continue;
      std::ifstream in(entry.path());
      std::stringstream text;
      text << in.rdbuf();
      const std::string source = text.str();
      for (const std::string prefix : {"P::", "policy::"}) {
        for (std::size_t at = source.find(prefix); at != std::string::npos;
             at = source.find(prefix, at + 1)) {
          if (at > 0 && is_identifier(source[at - 1])) continue;
          std::size_t end = at + prefix.size();
          while (end < source.size() && is_identifier(source[end]))
            ++end;
          const std::string member = source.substr(at + prefix.size(), end - at - prefix.size());
          // `member` is the parameter of the MTF_POLICY_FIELDS expansions themselves.
          if (member.empty() || member == "member") continue;
          INFO(entry.path().string() << " reads " << prefix << member);
          CHECK(fields.count(member) == 1);
          ++reads;
        }
      }
    }
  }
  CHECK(reads > 100);  // the pattern matches: the pipeline reads its policy in many places
}
