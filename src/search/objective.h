// SPDX-License-Identifier: MIT
// What a plan is solved for: the three problems of the method (P1, P2, min
// RAM) and the metric the solver minimises.
#pragma once
#include <cstdint>

#include "search/dag.h"

namespace msf::search {

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

// SolveP2 / SolveP1 / SolveMinRam, as the objective asks.
Setting SolveObjective(const FusionDag& dag, const Objective& objective);

}  // namespace msf::search
