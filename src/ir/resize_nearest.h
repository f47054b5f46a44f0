// SPDX-License-Identifier: MIT
// RESIZE_NEAREST_NEIGHBOR's index map: what the op is, shared by the
// geometry (its receptive field: output cell o reads exactly input cell
// src[o]) and by lowering (the tables the device kernel reads).
#pragma once
#include <cstdint>
#include <vector>

namespace msf::ir {

// RESIZE_NEAREST_NEIGHBOR source index for every output index along one
// axis: TFLite reference_ops::GetNearestNeighbor, in float as TFLite does it:
//   scale  = align_corners && out_size > 1 ? float(in_size - 1) / float(out_size - 1)
//                                          : float(in_size) / float(out_size)
//   offset = half_pixel_centers ? 0.5f : 0.0f
//   src[o] = min(align_corners ? roundf((o + offset) * scale)
//                              : floorf((o + offset) * scale), in_size - 1),
//            then max(0, .) when half_pixel_centers.
// Output index o reads exactly input index src[o]. The
// table is non-decreasing. Throws for sizes < 1.
std::vector<int32_t> ResizeNearestIndices(int32_t in_size, int32_t out_size, bool align_corners,
                                          bool half_pixel_centers);


}  // namespace msf::ir
