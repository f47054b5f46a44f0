// SPDX-License-Identifier: MIT
// Random small int8 CNNs built directly in the IR, for property tests:
// convolutions (k 1/3/5/7, stride 1/2, various pads and dilation-free),
// depthwise with multipliers, explicit PADs before pools, pools, residual
// units with ADD, and optional heads (global pool / MEAN, dense, softmax).
#pragma once
#include <cstdint>

#include "ir/graph.h"

namespace msf::test {

ir::Graph RandomGraph(uint64_t seed);

// Random small branching int8 graphs (a second family; RandomGraph's chains
// are unchanged): an int8 or float32 input (QUANTIZE first), branches that
// fork from a tensor and merge later by ADD, CONCATENATION (channels, equal
// quantisation) or same-shape MUL (a LOGISTIC gate or two branches), FPN
// merges (a stride-2 branch upsampled 2x by RESIZE_NEAREST_NEIGHBOR with
// random align_corners / half_pixel_centers, added to or concatenated with
// the finer map), MAX_POOL, LOGISTIC and HARD_SWISH, and 2 or 3 outputs
// (int8, or float32 through a final DEQUANTIZE), one of which may also be
// read by later ops. Not canonicalised: callers run ir::Canonicalize as
// LoadModel does.
ir::Graph RandomBranchingGraph(uint64_t seed);

}  // namespace msf::test
