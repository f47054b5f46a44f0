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

// The output stage the benches' convolutions take in the kernels.
// kNarrow: every shift a right shift, every accumulator provably below 2^30,
// ReLU6 at TFLite's scale 6/255 (all of int8: no clamp), as in every layer
// of the shared models. kWide: the same, but output channel 0's weight scale
// makes its multiplier 1 (a left shift, as some real layers have), so the
// whole layer takes the wide path. kClamped: ReLU6 at scale 12/255, whose
// range [0, 6] is [-128, 0]: a two-sided clamp (always the wide stage).
enum class BenchStage { kNarrow, kWide, kClamped };

// A builder whose input is `input_shape` (scale 1/128, zero point -1).
// Convolutions default to k/2 padding on every side (like the shared models'
// folded PADs).
ir::GraphBuilder BenchGraphBuilder(std::string name, std::vector<int32_t> input_shape, uint64_t seed,
                                   BenchStage stage = BenchStage::kNarrow);

// The builder's graph, canonicalised and verified.
ir::Graph TakeBenchGraph(ir::GraphBuilder& b);

}  // namespace msf::calib
