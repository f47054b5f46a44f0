// SPDX-License-Identifier: MIT
// A solved fusion setting as a self-contained plan: its steps (the same
// step::StepSpec the DAG's edges carry) with their RAM and MACs, and the
// totals. plan_json.h gives it a file form so `msf plan` and the executor
// can run as separate steps.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "cost/latency_model.h"
#include "ir/graph.h"
#include "search/dag.h"
#include "search/objective.h"
#include "step/step.h"

namespace msf::plan {

struct PlanStep : step::StepSpec {
  int64_t ram_bytes = 0, ram_bytes_with_io = 0, macs = 0;
  int64_t predicted_instructions = -1;  // on Plan::predicted_target; -1: not predicted
};

struct Plan {
  std::string model, strategy, cost_model;
  search::Objective objective;
  search::Metric metric = search::Metric::kMacs;
  std::string metric_target;  // the latency model's target, for kInstructions
  int64_t peak_ram_bytes = 0, peak_ram_bytes_with_io = 0;
  int64_t arena_bytes = 0;  // static arena the executor allocates (0: not laid out)
  int64_t macs = 0, vanilla_macs = 0;
  double mac_overhead = 0.0;
  int32_t num_ops = 0;
  std::vector<PlanStep> steps;
  // Latency model prediction for one target (steps + the per-invocation
  // constant); -1 and "" when not predicted.
  int64_t predicted_instructions = -1;
  std::string predicted_target;
  // Where the input comes from (the graph's ir::InputMode), and the device
  // buffers outside the arena: the resident input tensors and the outputs.
  ir::InputMode input_mode = ir::InputMode::kResident;
  int64_t io_bytes = 0;
  // What the device holds for the model: the arena (a streamed input's rows
  // included) and the input / output buffers.
  int64_t DeviceRamBytes() const { return arena_bytes + io_bytes; }
};

// The graph's buffers outside the arena: resident inputs (none when they are
// streamed) and outputs, in bytes.
int64_t IoBufferBytes(const ir::Graph& g);

// Steps and totals of `setting` (edge indices into `dag`); the caller fills
// model, strategy, cost_model and objective.
Plan MakePlan(const search::FusionDag& dag, const search::Setting& setting);

// Fills the plan's predicted instructions (per step and in total, per_invoke
// included) from each step's work (`work[i]` for plan.steps[i]).
void PredictPlan(Plan* plan, const std::vector<step::StepWork>& work, const cost::LatencyModel& m);

}  // namespace msf::plan
