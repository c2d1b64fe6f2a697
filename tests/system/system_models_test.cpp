// Loading the four models of a system (system/system_run.hpp load_system_models): each role
// through its own timeframe/fingerprint/schema guard, the same as `retrain_<tf> predict`, so a
// model trained under another policy is refused naming the role's timeframe, whichever it is.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "system_test_support.hpp"

using namespace mtf::test_system;
namespace fs = std::filesystem;

namespace {

/// The same timeframes with another regularisation: another policy fingerprint, same schema.
template <class P>
struct other : P {
  static constexpr auto base_models =
      boost::hana::make_tuple(mtf::model::logistic_regression{.C = 1.0});
};

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("mtf_system_models_" + name);
  fs::remove_all(dir);
  return dir;
}

void publish_all(const fs::path& dir) {
  publish(dir, models().execution, "run-5m");
  publish(dir, models().overlay, "run-1h");
  publish(dir, models().regime, "run-12h");
  publish(dir, models().bias, "run-24h");
}

std::string refusal(const fs::path& dir) {
  try {
    (void)mtf::system::load_system_models<lin_system>(dir);
  } catch (const mtf::artifact_error& e) {
    CHECK(e.code() == mtf::exit_code::artifact);
    return e.what();
  }
  return "";
}

/// Replaces the promoted model of P's timeframe in `dir` by one of policy other<P>.
template <class P>
void replace_with_other_policy(const fs::path& dir) {
  fs::remove_all(dir / std::string(P::name));
  publish(dir, fit<other<P>>(9), "run-other");
}

}  // namespace

TEST_CASE("the four published models load and score like the in-memory ones", "[system][models]") {
  const fs::path dir = fresh_dir("ok");
  publish_all(dir);
  const auto loaded = mtf::system::load_system_models<lin_system>(dir);
  CHECK(loaded.overlay.latest.at("timeframe") == "1h");
  CHECK(loaded.bias.trained_through == models().bias.trained_through);
  auto bars = mtf::test::random_walk_bars(130 * 288, 21, 0.0, 0.002);
  for (std::size_t i = 0; i < bars.size(); ++i)
    bars.timestamp[i] = 1767225600 + static_cast<std::int64_t>(i) * 300;
  const auto from_disk = mtf::system::run_system<lin_system>(loaded, bars);
  const auto in_memory = mtf::system::run_system<lin_system>(models(), bars);
  REQUIRE(from_disk.bars.size() == in_memory.bars.size());
  std::size_t differences = 0;
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const auto& a = from_disk.bars[i];
    const auto& b = in_memory.bars[i];
    differences += a.decision.rule != b.decision.rule || a.decision.size != b.decision.size ||
                   a.views.bias.p != b.views.bias.p || a.views.execution.p != b.views.execution.p;
  }
  CHECK(differences == 0);
  fs::remove_all(dir);
}

TEST_CASE("a model of another policy is refused for every role, naming its timeframe",
          "[system][models]") {
  const auto check_refused = [](const fs::path& dir, const std::string& tf) {
    const std::string m = refusal(dir);
    INFO(m);
    CHECK(m.find("trained under a different " + tf + " policy") != std::string::npos);
    CHECK(m.find((dir / tf / "runs").string()) != std::string::npos);
  };
  {
    const fs::path dir = fresh_dir("5m");
    publish_all(dir);
    replace_with_other_policy<lin_5m>(dir);
    check_refused(dir, "5m");
    fs::remove_all(dir);
  }
  {
    const fs::path dir = fresh_dir("1h");
    publish_all(dir);
    replace_with_other_policy<lin_1h>(dir);
    check_refused(dir, "1h");
    fs::remove_all(dir);
  }
  {
    const fs::path dir = fresh_dir("12h");
    publish_all(dir);
    replace_with_other_policy<lin_12h>(dir);
    check_refused(dir, "12h");
    fs::remove_all(dir);
  }
  {
    const fs::path dir = fresh_dir("24h");
    publish_all(dir);
    replace_with_other_policy<lin_24h>(dir);
    check_refused(dir, "24h");
    fs::remove_all(dir);
  }
}

TEST_CASE("a model of another timeframe in a role's place is refused", "[system][models]") {
  const fs::path dir = fresh_dir("swapped");
  publish_all(dir);
  // The 24h run copied into the 12h place: the "12h bot loaded a daily model" failure.
  fs::remove_all(dir / "12h");
  fs::copy(dir / "24h", dir / "12h", fs::copy_options::recursive);
  const std::string m = refusal(dir);
  INFO(m);
  CHECK(m.find("is for timeframe \"24h\", not 12h") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("a missing role is refused naming it", "[system][models]") {
  const fs::path dir = fresh_dir("missing");
  publish_all(dir);
  fs::remove_all(dir / "1h");
  CHECK(refusal(dir).find("no promoted 1h model in " + (dir / "1h").string()) != std::string::npos);
  fs::remove_all(dir);
}
