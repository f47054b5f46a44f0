// SPDX-License-Identifier: MIT
// What one step costs under msf's exact model: the bytes of the buffers the
// executor holds while it runs (StepMemory) and the work it performs.
#pragma once
#include <cstdint>

#include "ir/graph.h"
#include "step/step.h"
#include "step/step_memory.h"

namespace msf::cost {

struct StepCost {
  int64_t ram_bytes = 0;          // peak while the step runs (network input/output not counted)
  int64_t ram_bytes_with_io = 0;  // same, counting network input/output
  int64_t macs = 0;               // MACs actually performed, recomputation included
  step::StepWork work;            // the same work broken down for latency models
};

// The exact cost of a described step.
StepCost ExactStepCost(const ir::Graph& g, const step::GraphLiveness& live, const step::StepMemory& m,
                       const step::StepSpec& s);
// The same without the work breakdown (left empty): what pruning needs.
StepCost ExactStepRamAndMacs(const ir::Graph& g, const step::StepMemory& m, const step::StepSpec& s);

}  // namespace msf::cost
