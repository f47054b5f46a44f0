// SPDX-License-Identifier: MIT
// A solved fusion setting as a self-contained plan, and its JSON form, so
// that `msf plan` and the executor can run as separate steps:
//   {"model", "strategy", "cost_model",
//    "objective": {"kind", "value", "minimise": "macs"|"instructions", "target"},
//    "peak_ram_bytes", "peak_ram_bytes_with_io", "macs", "vanilla_macs",
//    "mac_overhead", "num_ops",
//    "predicted_instructions": {"target", "total"}        (optional)
//    "steps": [{"ops": [first, last], "kind": "layer"|"fused",
//               "variant": "recompute"|"hcache"|"linebuf"|null,
//               "patch": [h, w]|null, "ram_bytes", "ram_bytes_with_io", "macs",
//               "predicted_instructions" (optional)}]}
// "minimise" and "target" are written only for "instructions" (absent: MACs).
// Op indices are those of the canonical graph (after load::LoadModel).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fusion/dag.h"

namespace msf::fusion {

struct Objective {
  enum class Kind { kRamBudget, kMaxOverhead, kMinRam };
  Kind kind = Kind::kMinRam;
  int64_t ram_budget = 0;     // bytes, for kRamBudget
  double max_overhead = 0.0;  // F, for kMaxOverhead; may be +inf ("inf" in JSON)
};

// What the solver minimised (and what F bounded): MACs, or the instructions
// a target's latency model predicts (then F = instructions / vanilla instructions).
enum class Metric { kMacs, kInstructions };
const char* ObjectiveKindName(Objective::Kind kind);  // "ram_budget", "max_overhead", "min_ram"

struct PlanStep {
  int32_t first_op = 0, last_op = 0;  // inclusive
  StepKind kind = StepKind::kLayer;
  Variant variant = Variant::kNone;   // kNone for layer steps
  int32_t patch_h = 0, patch_w = 0;   // 0 for layer steps
  int64_t ram_bytes = 0, ram_bytes_with_io = 0, macs = 0;
  int64_t predicted_instructions = -1;  // on Plan::predicted_target; -1: not predicted
};

struct Plan {
  std::string model, strategy, cost_model;
  Objective objective;
  Metric metric = Metric::kMacs;
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
};

// Steps and totals of `setting` (edge indices into `dag`); the caller fills
// model, strategy, cost_model and objective.
Plan MakePlan(const FusionDag& dag, const Setting& setting);

// SolveP2 / SolveP1 / SolveMinRam, as the objective asks.
Setting SolveObjective(const FusionDag& dag, const Objective& objective);

std::string PlanToJsonText(const Plan& plan);  // pretty-printed, ends with a newline
// Parses and validates: steps contiguous from op 0 to num_ops-1, known kinds
// and variants, non-negative numbers, totals matching the steps. Throws
// msf::Error with one line naming the first problem.
Plan PlanFromJsonText(std::string_view text);

void WritePlanFile(const std::string& path, const Plan& plan);
Plan ReadPlanFile(const std::string& path);  // errors are prefixed with the path

}  // namespace msf::fusion
