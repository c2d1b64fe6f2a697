#pragma once
// Rendering a self-contained HTML page in headless Chromium, for the tests of report.html,
// walkforward.html and the mtf_system page: one command line, so the three cannot drift apart.
#include <cstdlib>
#include <filesystem>
#include <string>

namespace mtf::test {

/// The command that ran and its exit status.
struct screenshot_result {
  int status = -1;
  std::string command;
};

/// Screenshots the local file `page` into `png` (1280 x 2000) with a throw-away profile and log
/// in `work`, bounded by a 60 s timeout; nothing is fetched from the network.
inline screenshot_result chromium_screenshot(const std::filesystem::path& page,
                                             const std::filesystem::path& png,
                                             const std::filesystem::path& work) {
  screenshot_result r;
  r.command =
      "timeout 60 /usr/bin/chromium --headless --no-sandbox --disable-gpu "
      "--disable-background-networking --disable-component-update --disable-sync --no-first-run "
      "--user-data-dir='" +
      (work / "profile").string() + "' --screenshot='" + png.string() +
      "' --window-size=1280,2000 'file://" + page.string() + "' > '" +
      (work / "chromium.log").string() + "' 2>&1";
  r.status = std::system(r.command.c_str());
  return r;
}

}  // namespace mtf::test
