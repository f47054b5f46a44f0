// SPDX-License-Identifier: MIT
#include "calib/nnls.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace msf::calib {
namespace {

// Least squares on the columns in `active` (Householder QR); other entries 0.
std::vector<double> LeastSquares(const std::vector<double>& a, size_t rows, size_t cols,
                                 const std::vector<double>& b, const std::vector<size_t>& active) {
  const size_t n = active.size();
  std::vector<double> q(rows * n), y = b;  // column-major working copy
  for (size_t j = 0; j < n; ++j) {
    for (size_t i = 0; i < rows; ++i) q[j * rows + i] = a[i * cols + active[j]];
  }
  std::vector<double> diag(n, 0.0);
  for (size_t k = 0; k < n && k < rows; ++k) {
    double norm = 0;
    for (size_t i = k; i < rows; ++i) norm += q[k * rows + i] * q[k * rows + i];
    norm = std::sqrt(norm);
    if (norm == 0) continue;
    const double alpha = q[k * rows + k] > 0 ? -norm : norm;
    q[k * rows + k] -= alpha;  // v = x - alpha e1, stored in place
    double vv = 0;
    for (size_t i = k; i < rows; ++i) vv += q[k * rows + i] * q[k * rows + i];
    for (size_t j = k + 1; j < n; ++j) {
      double dot = 0;
      for (size_t i = k; i < rows; ++i) dot += q[k * rows + i] * q[j * rows + i];
      const double f = 2 * dot / vv;
      for (size_t i = k; i < rows; ++i) q[j * rows + i] -= f * q[k * rows + i];
    }
    double dot = 0;
    for (size_t i = k; i < rows; ++i) dot += q[k * rows + i] * y[i];
    const double f = 2 * dot / vv;
    for (size_t i = k; i < rows; ++i) y[i] -= f * q[k * rows + i];
    diag[k] = alpha;
  }
  std::vector<double> x(cols, 0.0), z(n, 0.0);
  for (size_t k = n; k-- > 0;) {
    if (k >= rows || std::abs(diag[k]) < 1e-12) continue;  // dependent column: leave at 0
    double s = y[k];
    for (size_t j = k + 1; j < n; ++j) s -= q[j * rows + k] * z[j];
    z[k] = s / diag[k];
  }
  for (size_t j = 0; j < n; ++j) x[active[j]] = z[j];
  return x;
}

}  // namespace

std::vector<double> SolveNnls(const std::vector<double>& a_in, size_t rows, size_t cols, const std::vector<double>& b) {
  std::vector<double> a = a_in, scale(cols, 0.0);
  for (size_t j = 0; j < cols; ++j) {
    double s = 0;
    for (size_t i = 0; i < rows; ++i) s += a[i * cols + j] * a[i * cols + j];
    scale[j] = std::sqrt(s);
    for (size_t i = 0; i < rows; ++i) a[i * cols + j] = scale[j] > 0 ? a[i * cols + j] / scale[j] : 0.0;
  }
  const auto gradient = [&](const std::vector<double>& x) {
    std::vector<double> r = b;
    for (size_t i = 0; i < rows; ++i) {
      for (size_t j = 0; j < cols; ++j) r[i] -= a[i * cols + j] * x[j];
    }
    std::vector<double> w(cols, 0.0);
    for (size_t j = 0; j < cols; ++j) {
      for (size_t i = 0; i < rows; ++i) w[j] += a[i * cols + j] * r[i];
    }
    return w;
  };
  double bnorm = 0;
  for (double v : b) bnorm = std::max(bnorm, std::abs(v));
  const double tol = 1e-10 * std::max(1.0, bnorm) * static_cast<double>(std::max(rows, cols));

  std::vector<double> x(cols, 0.0);
  std::vector<bool> in_p(cols, false);
  for (size_t outer = 0; outer < 3 * cols + 10; ++outer) {
    const std::vector<double> w = gradient(x);
    size_t best = cols;
    for (size_t j = 0; j < cols; ++j) {
      if (!in_p[j] && scale[j] > 0 && w[j] > tol && (best == cols || w[j] > w[best])) best = j;
    }
    if (best == cols) break;
    in_p[best] = true;
    for (size_t inner = 0; inner < 3 * cols + 10; ++inner) {
      std::vector<size_t> active;
      for (size_t j = 0; j < cols; ++j) {
        if (in_p[j]) active.push_back(j);
      }
      const std::vector<double> s = LeastSquares(a, rows, cols, b, active);
      bool feasible = true;
      for (size_t j : active) feasible = feasible && s[j] > 0;
      if (feasible) {
        x = s;
        break;
      }
      double alpha = std::numeric_limits<double>::infinity();
      for (size_t j : active) {
        if (s[j] <= 0) alpha = std::min(alpha, x[j] / (x[j] - s[j]));
      }
      for (size_t j = 0; j < cols; ++j) x[j] += alpha * (s[j] - x[j]);
      for (size_t j : active) {
        if (x[j] <= 1e-15) {
          in_p[j] = false;
          x[j] = 0;
        }
      }
    }
  }
  for (size_t j = 0; j < cols; ++j) x[j] = scale[j] > 0 ? std::max(0.0, x[j]) / scale[j] : 0.0;
  return x;
}

}  // namespace msf::calib
