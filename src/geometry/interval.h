// SPDX-License-Identifier: MIT
// Half-open integer intervals [lo, hi) along one spatial axis.
#pragma once
#include <algorithm>
#include <cstdint>

namespace msf::geometry {

struct Interval {
  int32_t lo = 0, hi = 0;
  bool empty() const { return hi <= lo; }
  int32_t size() const { return hi > lo ? hi - lo : 0; }
  bool operator==(const Interval&) const = default;
};

inline Interval Hull(Interval a, Interval b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  return {std::min(a.lo, b.lo), std::max(a.hi, b.hi)};
}

inline Interval Clip(Interval a, int32_t n) {
  Interval c{std::max(a.lo, 0), std::min(a.hi, n)};
  return c.empty() ? Interval{} : c;
}

}  // namespace msf::geometry
