#pragma once
/// \file The one place mtf includes xtensor. xtensor moved every header between 0.24 (Debian 12,
/// flat `xtensor/xarray.hpp`) and 0.26 (`xtensor/containers/...`); only this file knows.
/// Known trap under -std=c++20 with g++ 12: `xt::pad` returns zeros at -O2 (upstream issue
/// 2701) -- mtf does not use it. Containers, `xt::adapt`, views and reductions are tested.

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC system_header
#endif

#include <xtensor/xadapt.hpp>
#include <xtensor/xtensor.hpp>
#include <xtensor/xview.hpp>

namespace mtf {
/// Row-major contiguous matrix of doubles: rows are bars, columns are features. Its storage is
/// handed to xgboost and Eigen without copying.
using matrix = xt::xtensor<double, 2, xt::layout_type::row_major>;
/// Contiguous vector of doubles.
using vector = xt::xtensor<double, 1>;
}  // namespace mtf
