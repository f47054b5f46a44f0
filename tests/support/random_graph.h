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

}  // namespace msf::test
