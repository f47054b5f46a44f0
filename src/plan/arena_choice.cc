// SPDX-License-Identifier: MIT
#include "plan/arena_choice.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "base/error.h"
#include "search/solvers.h"
#include "plan/arena_plan.h"

namespace msf::plan {

int64_t ArenaBytes(const ir::Graph& g, const search::FusionDag& dag, const search::Setting& setting) {
  return PlanArena(g, plan::MakePlan(dag, setting)).arena_bytes;
}

ArenaChoice SolveForArena(const ir::Graph& g, const search::FusionDag& dag, const search::Objective& o) {
  ArenaChoice best{search::SolveObjective(dag, o), 0};
  best.arena_bytes = ArenaBytes(g, dag, best.setting);
  if (best.arena_bytes == best.setting.peak_ram_bytes) return best;  // the bound is met: optimal

  // The front, fewest MACs first (largest peak first).
  const std::vector<search::Setting> front = search::ParetoFront(dag);
  if (o.kind == search::Objective::Kind::kRamBudget) {
    if (best.arena_bytes <= o.ram_budget) return best;
    int64_t smallest = best.arena_bytes;
    for (const search::Setting& s : front) {
      if (s.peak_ram_bytes > o.ram_budget) continue;
      const int64_t arena = ArenaBytes(g, dag, s);
      smallest = std::min(smallest, arena);
      if (arena <= o.ram_budget) return {s, arena};
    }
    for (const search::Setting& s : front) smallest = std::min(smallest, ArenaBytes(g, dag, s));
    throw Error("no fusion setting fits a RAM budget of " + std::to_string(o.ram_budget) +
                " bytes once laid out in its arena; the smallest feasible peak RAM is " + std::to_string(smallest) +
                " bytes");
  }
  // Least arena within the MAC bound: scan peaks upwards while they can still win.
  const double bound = o.kind == search::Objective::Kind::kMaxOverhead ? o.max_overhead : INFINITY;
  for (auto it = front.rbegin(); it != front.rend(); ++it) {
    if (it->peak_ram_bytes >= best.arena_bytes) break;
    if (!std::isinf(bound) && static_cast<double>(it->macs) > bound * static_cast<double>(dag.vanilla_macs)) continue;
    const int64_t arena = ArenaBytes(g, dag, *it);
    if (arena < best.arena_bytes || (arena == best.arena_bytes && it->macs < best.setting.macs)) best = {*it, arena};
  }
  return best;
}

}  // namespace msf::plan
