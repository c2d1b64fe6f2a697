#pragma once
// What the generic mains of apps/ share (retrain_main.cpp, system_main.cpp): the OpenMP wait
// policy set before libgomp starts, and one mapping of every exception to its documented exit
// code and message, so the binaries cannot drift apart in how they fail.

#include <unistd.h>

#include <cstdlib>
#include <exception>
#include <iostream>
#include <string_view>

#include "mtf/core/errors.hpp"
#include "mtf/core/printable.hpp"

namespace mtf::apps {

/// xgboost's OpenMP workers spin-wait by default, which starves the other thread on 2 shared
/// cores. libgomp reads OMP_WAIT_POLICY once, before main, so the binary sets it to PASSIVE and
/// re-executes itself -- unless the operator set it.
inline void prefer_passive_openmp(char** argv) {
  if (std::getenv("OMP_WAIT_POLICY") != nullptr) return;
  if (::setenv("OMP_WAIT_POLICY", "PASSIVE", 1) != 0) return;
  ::execv("/proc/self/exe", argv);  // returns only on failure: then run as we are
}

/// Runs `command` and returns its exit code; an mtf::error becomes its documented code with
/// "<binary>: error: <message>" on stderr, a programming_error exit 70 with a request to report
/// it, any other exception exit 4 ("internal error"). Messages are made printable (input bytes
/// may reach them).
template <class Command>
int run_reporting_errors(std::string_view binary, Command&& command) {
  try {
    return command();
  } catch (const programming_error& e) {
    std::cerr << binary
              << ": internal error (a bug in mtf, please report it): " << printable(e.what())
              << "\n";
    return static_cast<int>(e.code());
  } catch (const error& e) {
    std::cerr << binary << ": error: " << printable(e.what()) << "\n";
    return static_cast<int>(e.code());
  } catch (const std::exception& e) {
    std::cerr << binary << ": internal error: " << printable(e.what()) << "\n";
    return static_cast<int>(exit_code::artifact);
  }
}

}  // namespace mtf::apps
