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

// How the benches' convolutions requantise: kNarrow, every shift a right
// shift and every accumulator provably below 2^30 (the runtime's narrow
// path); kWide, output channel 0's weight scale makes its multiplier 1 (a
// left shift, as some real layers have), so the whole layer takes the wide
// path. The other channels are the same in both.
enum class BenchRequant { kNarrow, kWide };

// A builder whose input is `input_shape` (scale 1/128, zero point -1).
// Convolutions default to k/2 padding on every side (like the shared models'
// folded PADs).
ir::GraphBuilder BenchGraphBuilder(std::string name, std::vector<int32_t> input_shape, uint64_t seed,
                                   BenchRequant requant = BenchRequant::kNarrow);

// The builder's graph, canonicalised and verified.
ir::Graph TakeBenchGraph(ir::GraphBuilder& b);

}  // namespace msf::calib
