// SPDX-License-Identifier: MIT
// Solving with the real arena in mind. The DAG's peak is a lower bound of the
// static arena (buffers of different lifetimes can fragment it); when the
// arena of the solver's choice is larger, pick the Pareto point whose arena
// best serves the objective, so a RAM budget is never exceeded for real.
#pragma once
#include "search/dag.h"
#include "plan/plan_json.h"
#include "ir/graph.h"

namespace msf::plan {

struct ArenaChoice {
  search::Setting setting;
  int64_t arena_bytes = 0;
};

// Throws msf::Error when the objective cannot be met.
ArenaChoice SolveForArena(const ir::Graph& g, const search::FusionDag& dag, const search::Objective& objective);

// Arena bytes of a setting of `dag` on `g`.
int64_t ArenaBytes(const ir::Graph& g, const search::FusionDag& dag, const search::Setting& setting);

}  // namespace msf::plan
