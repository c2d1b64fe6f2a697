#pragma once
/// \file Library version (kept equal to project(VERSION) in CMakeLists.txt; a test checks it).

namespace mtf {
/// Semantic version of the mtf headers.
inline constexpr const char* version = "0.1.0";
}  // namespace mtf
