// SPDX-License-Identifier: MIT
// Small synthetic int8 graphs for calibration micro-benchmarks: the shared
// ir::GraphBuilder with the benches' weight policy (deterministic
// pseudo-random weights per seed; scales keep the accumulations in range, so
// the kernels take their usual paths).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "ir/graph_builder.h"

namespace msf::calib {

// A builder whose input is `input_shape` (scale 1/128, zero point -1).
// Convolutions default to k/2 padding on every side (like the shared models'
// folded PADs).
ir::GraphBuilder BenchGraphBuilder(std::string name, std::vector<int32_t> input_shape, uint64_t seed);

// The builder's graph, canonicalised and verified.
ir::Graph TakeBenchGraph(ir::GraphBuilder& b);

}  // namespace msf::calib
