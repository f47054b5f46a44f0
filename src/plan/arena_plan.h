// SPDX-License-Identifier: MIT
// Static arena layout of a plan: every buffer the steps hold (whole tensors
// for their lifetime across steps, tiles / sums / scratch for one step) gets
// an offset. The network input and output are the caller's buffers, never in
// the arena. Offsets come from the best of a few greedy placements; the
// arena is never smaller than the plan's peak step, and usually equal.
#pragma once
#include <cstdint>
#include <map>
#include <vector>

#include "step/step_memory.h"
#include "plan/plan_json.h"
#include "ir/graph.h"

namespace msf::plan {

struct ArenaBuffer {
  int32_t first_step = 0, last_step = 0;  // inclusive lifetime in plan steps
  int64_t bytes = 0;
  int32_t align = 1;
  int64_t offset = -1;
  ir::TensorId storage = ir::kNoTensor;  // whole tensors
  int32_t step = -1, local = -1;         // step-local buffers: StepMemory::locals[local]
};

struct ArenaPlan {
  std::vector<step::StepMemory> steps;  // one per plan step
  std::vector<ArenaBuffer> buffers;
  int64_t arena_bytes = 0;
  int64_t peak_step_bytes = 0;  // max over steps of live bytes: the lower bound
  std::map<ir::TensorId, size_t> whole_index;             // storage -> buffer
  std::map<std::pair<int32_t, int32_t>, size_t> local_index;  // (step, local) -> buffer

  // Arena offset of a whole tensor's storage; MSF_SLOT_INPUT / OUTPUT for network I/O.
  int64_t WholeOffset(const step::GraphLiveness& live, const ir::Graph& g, ir::TensorId t) const;
  int64_t LocalOffset(int32_t step, int32_t local) const;
};

// Validates the plan against the graph (contiguous steps covering every op,
// fusable blocks) and lays out its arena. Throws msf::Error on a bad plan.
ArenaPlan PlanArena(const ir::Graph& g, const plan::Plan& plan);

// Checks that no two buffers with overlapping lifetimes overlap in memory.
bool VerifyNoOverlap(const ArenaPlan& arena);

}  // namespace msf::plan
