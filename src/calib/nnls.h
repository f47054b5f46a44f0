// SPDX-License-Identifier: MIT
// Non-negative least squares (Lawson & Hanson, "Solving Least Squares
// Problems", 1974, ch. 23): minimise |A x - b| subject to x >= 0. Plain
// double arithmetic in a fixed order, so the result is deterministic.
#pragma once
#include <cstddef>
#include <vector>

namespace msf::calib {

// `a` is row-major with `rows` rows of `cols` entries. Columns are scaled to
// unit norm internally; all-zero columns get 0.
std::vector<double> SolveNnls(const std::vector<double>& a, size_t rows, size_t cols, const std::vector<double>& b);

}  // namespace msf::calib
