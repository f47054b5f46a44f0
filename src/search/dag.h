// SPDX-License-Identifier: MIT
// The fusion DAG: nodes are cut points between ops (0 = network input,
// num_nodes-1 = network output); an edge from -> to runs ops [from, to) as
// one step, either op by op ("layer", to == from + 1) or as a fused block
// computed patch by patch in one of a few variants. Several parallel edges
// may join the same nodes (variants, patch sizes). A path from the first to
// the last node is a fusion setting: peak RAM = max edge RAM, MACs = sum.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "cost/step_cost.h"
#include "step/step.h"

namespace msf::search {

// An edge is a step and what it costs: the step spec (ops [from, to), kind,
// variant, patch) and its RAM, MACs and work from the cost model.
struct Edge : step::StepSpec, cost::StepCost {};

struct FusionDag {
  int32_t num_nodes = 0;  // = number of ops + 1
  std::vector<Edge> edges;
  int64_t vanilla_macs = 0;
};

// A fusion setting: edge indices along a path from node 0 to the last node.
struct Setting {
  std::vector<int32_t> edges;
  int64_t peak_ram_bytes = 0;
  int64_t peak_ram_bytes_with_io = 0;
  int64_t macs = 0;
  double MacOverhead(const FusionDag& dag) const {
    return dag.vanilla_macs > 0 ? static_cast<double>(macs) / static_cast<double>(dag.vanilla_macs) : 0.0;
  }
};

}  // namespace msf::search
