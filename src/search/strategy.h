// SPDX-License-Identifier: MIT
// Baseline strategies as restrictions of the fusion DAG, so they are solved
// with the same solvers under the same cost model as msf-CNN itself.
#pragma once
#include <string_view>

#include "search/dag.h"

namespace msf::search {

enum class Strategy {
  kMsf,        // every edge: any number of fused blocks anywhere
  kLayer,      // layer by layer, no fusion (vanilla)
  kMcunetV2,   // one patch-based first stage (recompute), then layer by layer
  kStreamNet,  // one line-buffered first stage, then layer by layer
};

const char* StrategyName(Strategy s);  // "msf", "layer", "mcunetv2", "streamnet"
// Throws msf::Error for anything but the four names above.
Strategy ParseStrategy(std::string_view name);

// The sub-DAG a strategy may use. mcunetv2 keeps the kRecompute fused edges
// from node 0, or, if the DAG has no kRecompute edge at all (paper cost
// model), every fused edge from node 0: the authors' `heuristic` emulation.
// streamnet keeps the kLineBuffer fused edges from node 0 and throws
// msf::Error if the DAG has none (only the exact cost model has them).
FusionDag Restrict(const FusionDag& dag, Strategy s);

}  // namespace msf::search
