// The environment a distributed worker reads (pipeline/distributed.hpp): the tracker address,
// its task and the job's worker count, each missing or malformed variable named in a usage
// error (exit 1) before anything joins the collective.
#include <stdlib.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mtf/pipeline/distributed.hpp"

namespace {

/// Sets the four variables for the scope of the object and restores what was there before.
class worker_variables {
 public:
  worker_variables(const char* uri, const char* port, const char* task, const char* workers) {
    set("DMLC_TRACKER_URI", uri);
    set("DMLC_TRACKER_PORT", port);
    set("DMLC_TASK_ID", task);
    set("DMLC_NUM_WORKER", workers);
  }
  worker_variables(const worker_variables&) = delete;
  worker_variables& operator=(const worker_variables&) = delete;
  ~worker_variables() {
    for (const auto& [name, value] : saved_) {
      if (value)
        ::setenv(name.c_str(), value->c_str(), 1);
      else
        ::unsetenv(name.c_str());
    }
  }

 private:
  void set(const char* name, const char* value) {
    const char* old = std::getenv(name);
    saved_.push_back({name, old ? std::optional<std::string>(old) : std::nullopt});
    if (value)
      ::setenv(name, value, 1);
    else
      ::unsetenv(name);
  }
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

}  // namespace

TEST_CASE("a worker reads the tracker, its task and the worker count from the environment",
          "[pipeline][distributed]") {
  const worker_variables vars("127.0.0.1", "9091", "2", "4");
  const auto env = mtf::pipeline::read_worker_environment();
  CHECK(env.tracker_uri == "127.0.0.1");
  CHECK(env.tracker_port == 9091);
  CHECK(env.task_id == 2);
  CHECK(env.workers == 4);
}

TEST_CASE("a missing or malformed worker variable is a usage error naming it",
          "[pipeline][distributed]") {
  using Catch::Contains;
  const auto read = [] { return mtf::pipeline::read_worker_environment(); };
  {
    const worker_variables vars(nullptr, "9091", "0", "2");
    CHECK_THROWS_WITH(read(), Contains("DMLC_TRACKER_URI is not set"));
  }
  {
    const worker_variables vars("127.0.0.1", "9091", nullptr, "2");
    CHECK_THROWS_WITH(read(), Contains("DMLC_TASK_ID is not set"));
  }
  {
    const worker_variables vars("127.0.0.1", "port", "0", "2");
    CHECK_THROWS_WITH(read(), Contains("DMLC_TRACKER_PORT='port' is not an integer"));
  }
  {
    const worker_variables vars("127.0.0.1", "9091", "-1", "2");
    CHECK_THROWS_WITH(read(), Contains("DMLC_TASK_ID='-1' is not an integer >= 0"));
  }
  {
    const worker_variables vars("127.0.0.1", "9091", "0", "0");
    CHECK_THROWS_WITH(read(), Contains("DMLC_NUM_WORKER='0' is not an integer >= 1"));
  }
  {
    const worker_variables vars("127.0.0.1", "9091", "2", "2");
    CHECK_THROWS_WITH(read(), Contains("DMLC_TASK_ID 2 is not below DMLC_NUM_WORKER 2"));
  }
  {
    const worker_variables vars("127.0.0.1", "9091", "0", "2");
    CHECK_NOTHROW(read());
  }
}

TEST_CASE("the digest prefix of a SHA-256 hex digest is its first 16 hex digits as a number",
          "[pipeline][distributed]") {
  CHECK(mtf::pipeline::digest_prefix("00000000000000ffabcdef") == 255u);
  CHECK(mtf::pipeline::digest_prefix("ffffffffffffffff0000") == 0xffffffffffffffffULL);
}
