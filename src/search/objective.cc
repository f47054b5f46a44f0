// SPDX-License-Identifier: MIT
#include "search/objective.h"

#include "search/solvers.h"

namespace msf::search {

const char* ObjectiveKindName(Objective::Kind kind) {
  switch (kind) {
    case Objective::Kind::kRamBudget: return "ram_budget";
    case Objective::Kind::kMaxOverhead: return "max_overhead";
    case Objective::Kind::kMinRam: return "min_ram";
  }
  return "?";
}

Setting SolveObjective(const FusionDag& dag, const Objective& o) {
  switch (o.kind) {
    case Objective::Kind::kRamBudget: return SolveP2(dag, o.ram_budget);
    case Objective::Kind::kMaxOverhead: return SolveP1(dag, o.max_overhead);
    case Objective::Kind::kMinRam: break;
  }
  return SolveMinRam(dag);
}

}  // namespace msf::search
