// SPDX-License-Identifier: MIT
// Per-op sliding-window geometry along one axis: which input interval an
// output interval reads. The single source of truth for receptive fields.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "geometry/interval.h"
#include "ir/graph.h"

namespace msf::geometry {

enum class Axis : uint8_t { kH, kW };

struct AxisWindow {
  int32_t kernel = 1, stride = 1, dilation = 1;
  int32_t pad_before = 0;  // output o reads input from o*stride - pad_before
  int32_t in_size = 0;
  // RESIZE_NEAREST_NEIGHBOR: output o reads exactly input source[o] (a
  // non-decreasing table); kernel, stride and padding do not apply.
  std::shared_ptr<const std::vector<int32_t>> source;
};

// True for ops computed pixel-wise over a window (conv, depthwise, pools,
// PAD, and the elementwise ADD / QUANTIZE with a 1x1 identity window).
bool IsSpatialOp(const ir::Graph& g, const ir::Op& op);
// AVERAGE_POOL_2D over the whole map, or MEAN: closes a block iteratively.
bool IsGlobalPool(const ir::Graph& g, const ir::Op& op);

AxisWindow OpAxisWindow(const ir::Graph& g, const ir::Op& op, Axis axis);

// Input interval (clipped to the tensor) read to produce output interval `out`.
inline Interval InputInterval(const AxisWindow& w, Interval out) {
  if (out.empty()) return {};
  if (w.source) {
    const std::vector<int32_t>& s = *w.source;
    return Clip({s[static_cast<size_t>(out.lo)], s[static_cast<size_t>(out.hi - 1)] + 1}, w.in_size);
  }
  const int32_t lo = out.lo * w.stride - w.pad_before;
  const int32_t hi = (out.hi - 1) * w.stride - w.pad_before + (w.kernel - 1) * w.dilation + 1;
  return Clip({lo, hi}, w.in_size);
}


}  // namespace msf::geometry
