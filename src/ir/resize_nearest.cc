// SPDX-License-Identifier: MIT
#include "ir/resize_nearest.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "base/error.h"

namespace msf::ir {

std::vector<int32_t> ResizeNearestIndices(int32_t in_size, int32_t out_size, bool align_corners,
                                          bool half_pixel_centers) {
  if (in_size < 1 || out_size < 1)
    throw Error("ResizeNearestIndices: sizes must be positive (" + std::to_string(in_size) +
                " -> " + std::to_string(out_size) + ")");
  // Every operation below is on float, as in TFLite (x86-64 and Arm both
  // evaluate float expressions in float).
  const float scale = (align_corners && out_size > 1)
                          ? static_cast<float>(in_size - 1) / static_cast<float>(out_size - 1)
                          : static_cast<float>(in_size) / static_cast<float>(out_size);
  const float offset = half_pixel_centers ? 0.5f : 0.0f;
  std::vector<int32_t> src(static_cast<size_t>(out_size));
  for (int32_t o = 0; o < out_size; ++o) {
    const float v = (static_cast<float>(o) + offset) * scale;
    int32_t s = align_corners ? static_cast<int32_t>(std::round(v))
                              : static_cast<int32_t>(std::floor(v));
    s = std::min(s, in_size - 1);
    if (half_pixel_centers) s = std::max<int32_t>(0, s);
    src[static_cast<size_t>(o)] = s;
  }
  return src;
}

}  // namespace msf::ir
