// A model file that cannot be written or read is reported with the operating system's reason:
// an operator whose disk is full must read "No space left on device", not only "cannot write".
// /dev/full fails every write with ENOSPC, exactly like a full disk.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include <unistd.h>

#include "mtf/models/logistic_regression.hpp"
#include "mtf/models/stacking.hpp"
#include "mtf/models/tree_model.hpp"

namespace fs = std::filesystem;

namespace {

const fs::path data_dir = fs::path(MTF_TEST_DATA_DIR) / "models";
const fs::path full_disk = "/dev/full";

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const mtf::error& e) {
    CHECK(e.code() == mtf::exit_code::artifact);
    return e.what();
  }
  return "";
}

struct temp_dir {
  fs::path path = fs::temp_directory_path() / ("mtf-io-" + std::to_string(::getpid()));
  temp_dir() { fs::create_directories(path); }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

}  // namespace

/// The combiner record of a one-model stack (stack.json format 2).
constexpr const char* single_combiner =
    R"("combiner":{"used":"single","reason":"one base model","best_base":0,)"
    R"("best_base_log_loss":1.0,"meta_log_loss":1.0,"ensemble_log_loss":1.0,)"
    R"("ensemble_weights":[1.0]},)";

TEST_CASE("a full disk is named in the model savers' errors", "[models][io]") {
  if (!fs::exists(full_disk)) {
    WARN("skipped: no /dev/full on this system");
    return;
  }
  const auto logistic = mtf::model::logistic_regression_model::load(data_dir / "logistic_3.json");
  const std::string l = message_of([&] { logistic.save(full_disk); });
  CHECK(l.find("cannot write model file /dev/full") != std::string::npos);
  CHECK(l.find("No space left on device") != std::string::npos);

  const auto forest = mtf::model::tree_model::load(data_dir / "tiny_forest.json", "random_forest");
  const std::string t = message_of([&] { forest.save(full_disk); });
  CHECK(t.find("cannot write model file /dev/full") != std::string::npos);
  CHECK(t.find("No space left on device") != std::string::npos);

  // A stack writes its base models, then stack.json: here stack.json lands on the full disk.
  using stack_type = mtf::model::stacked_model<boost::hana::tuple<mtf::model::logistic_regression>,
                                               mtf::model::no_meta_model>;
  temp_dir dir;
  fs::copy_file(data_dir / "logistic_3.json", dir.path / "base_0_logistic_regression.json");
  std::ofstream(dir.path / "stack.json")
      << R"({"format_version":2,"base_models":[{"kind":"logistic_regression",)"
      << R"("file":"base_0_logistic_regression.json","scores":{"per_fold":[1.0],"pooled":1.0}}],)"
      << R"("meta_model":null,)" << single_combiner
      << R"("stack_scores":{"per_fold":[1.0],"pooled":1.0}})";
  const auto stack = stack_type::load(dir.path);
  const fs::path target = dir.path / "saved";
  fs::create_directories(target);
  fs::create_symlink(full_disk, target / "stack.json");
  const std::string s = message_of([&] { stack.save(target); });
  CHECK(s.find("stack.json") != std::string::npos);
  CHECK(s.find("No space left on device") != std::string::npos);
}

TEST_CASE("a model file that cannot be opened names the reason", "[models][io]") {
  const std::string missing = message_of(
      [] { (void)mtf::model::logistic_regression_model::load("/nonexistent/dir/model.json"); });
  CHECK(missing.find("cannot open model file /nonexistent/dir/model.json: No such file or "
                     "directory") != std::string::npos);
  const std::string unwritable = message_of([] {
    mtf::model::tree_model::load(data_dir / "tiny_forest.json", "random_forest")
        .save("/nonexistent/dir/model.json");
  });
  CHECK(unwritable.find("No such file or directory") != std::string::npos);
}

TEST_CASE("a tree model file that is not xgboost JSON is refused before xgboost reads it",
          "[models][io]") {
  // xgboost picks its reader from the first bytes; its binary and UBJSON readers allocate
  // lengths taken from the file (one inserted byte asked for 7.9e18 bytes under the fuzzer).
  std::ifstream in(data_dir / "tiny_forest.json", std::ios::binary);
  const std::string json((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  REQUIRE(json.starts_with("{\""));
  temp_dir dir;
  for (const std::string prefix : {"x", "binf", "{L", " "}) {
    const fs::path file = dir.path / "damaged.json";
    {
      std::ofstream out(file, std::ios::binary);
      out << prefix << (prefix == "{L" ? json.substr(1) : json);
    }
    const std::string m =
        message_of([&] { (void)mtf::model::tree_model::load(file, "random_forest"); });
    INFO("prefix " << prefix);
    CHECK(m.find("model file " + file.string() + " is not an xgboost JSON model") !=
          std::string::npos);
  }
  // The undamaged bytes still load.
  const fs::path intact = dir.path / "intact.json";
  {
    std::ofstream out(intact, std::ios::binary);
    out << json;
  }
  CHECK(mtf::model::tree_model::load(intact, "random_forest").features() > 0);
}

TEST_CASE("a tree model whose arrays xgboost would index out of bounds is refused first",
          "[models][io]") {
  // xgboost 1.7 trusts tree ids, categories_nodes and array lengths; the fuzzer found a double
  // free from one renamed key. Each damage below is refused naming the file, before xgboost.
  std::ifstream in(data_dir / "tiny_forest.json", std::ios::binary);
  const auto intact = nlohmann::json::parse(in);
  using damage = std::function<void(nlohmann::json&)>;
  const auto tree0 = [](nlohmann::json& m) -> nlohmann::json& {
    return m["learner"]["gradient_booster"]["model"]["trees"][0];
  };
  const std::vector<std::pair<std::string, damage>> damages{
      {"a tree lacks array categories_segments",
       [&](nlohmann::json& m) { tree0(m).erase("categories_segments"); }},
      {"tree ids must be distinct", [&](nlohmann::json& m) { tree0(m)["id"] = 999; }},
      {"entries, tree_param.num_nodes says",
       [&](nlohmann::json& m) { tree0(m)["loss_changes"].push_back(0.0); }},
      {"categories_nodes holds 77 outside its range",
       [&](nlohmann::json& m) {
         tree0(m)["categories_nodes"] = {77};
         tree0(m)["categories_segments"] = {0};
         tree0(m)["categories_sizes"] = {0};
       }},
      {"left_children holds", [&](nlohmann::json& m) { tree0(m)["left_children"][0] = 100000; }},
      {"num_trees, trees and tree_info disagree",
       [&](nlohmann::json& m) {
         m["learner"]["gradient_booster"]["model"]["tree_info"].push_back(0);
       }},
  };
  temp_dir dir;
  for (const auto& [expected, apply] : damages) {
    nlohmann::json m = intact;
    apply(m);
    const fs::path file = dir.path / "damaged.json";
    {
      std::ofstream out(file, std::ios::binary);
      out << m.dump();
    }
    const std::string message =
        message_of([&] { (void)mtf::model::tree_model::load(file, "random_forest"); });
    INFO(expected);
    CHECK(message.find("model file " + file.string() + " is not a consistent xgboost JSON model") !=
          std::string::npos);
    CHECK(message.find(expected) != std::string::npos);
  }
}

TEST_CASE("a stack.json naming a model file outside its directory is refused", "[models][io]") {
  using stack_type = mtf::model::stacked_model<boost::hana::tuple<mtf::model::logistic_regression>,
                                               mtf::model::no_meta_model>;
  temp_dir dir;
  fs::create_directories(dir.path / "models");
  // A valid model one level up: the loader must not follow the manifest there.
  fs::copy_file(data_dir / "logistic_3.json", dir.path / "outside.json");
  for (const std::string& file :
       {std::string("../outside.json"), (dir.path / "outside.json").string()}) {
    std::ofstream(dir.path / "models" / "stack.json", std::ios::trunc)
        << R"({"format_version":2,"base_models":[{"kind":"logistic_regression","file":")" << file
        << R"(","scores":{"per_fold":[1.0],"pooled":1.0}}],"meta_model":null,)" << single_combiner
        << R"("stack_scores":{"per_fold":[1],"pooled":1.0}})";
    INFO(file);
    const std::string m = message_of([&] { (void)stack_type::load(dir.path / "models"); });
    CHECK(m.find("is not a file name inside the model directory") != std::string::npos);
  }
}
