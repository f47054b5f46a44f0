// SPDX-License-Identifier: MIT
// Exact solvers over any FusionDag whose edges go forward (from < to).
//
// Everything rests on one dynamic programme over the nodes in order: the
// min-MAC path using only edges with ram_bytes <= a threshold. Its key (MACs,
// then peak RAM) is monotone under path extension, so the DP is exact; a
// second pass at the found peak with key (MACs, steps) picks the path with
// the fewest steps among the equally good ones. Both passes are O(E).
#pragma once
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

#include "search/dag.h"

namespace msf::search {

inline constexpr int64_t kNoRamLimit = std::numeric_limits<int64_t>::max();

// Lowest-MAC setting whose every edge has ram_bytes <= max_edge_ram; ties go
// to lower peak RAM, then fewer steps. nullopt if no such path exists.
std::optional<Setting> MinMacSetting(const FusionDag& dag, int64_t max_edge_ram = kNoRamLimit);

// Every non-dominated (peak RAM, MACs) setting, by decreasing peak RAM (and
// so increasing MACs). The first point is the min-MAC setting, the last the
// min-RAM one. One MinMacSetting per point.
std::vector<Setting> ParetoFront(const FusionDag& dag);

// P1: lowest peak RAM with MACs <= max_overhead * vanilla MACs (max_overhead
// may be +inf). Ties: lower MACs, then fewer steps. Throws msf::Error naming
// the smallest reachable overhead if no setting meets the bound.
Setting SolveP1(const FusionDag& dag, double max_overhead);

// P2: lowest MACs with peak RAM <= ram_budget (bytes, network input/output
// not counted). Ties: lower peak, then fewer steps. Throws msf::Error naming
// the smallest feasible peak RAM if nothing fits. (The authors' sweep only
// accepts thresholds strictly below P_max; no edge of the paper DAGs costs
// exactly a published budget, so <= gives every published number.)
Setting SolveP2(const FusionDag& dag, int64_t ram_budget);

// Lowest peak RAM at all; ties: lower MACs, then fewer steps.
Setting SolveMinRam(const FusionDag& dag);

// The setting made of `edges` (a path of `dag`), with its totals counted on
// `dag`: e.g. a path solved on a copy of the DAG with other edge costs.
Setting SettingOf(const FusionDag& dag, std::vector<int32_t> edges);

// Smallest peak RAM any setting reaches (min-bottleneck path); throws if the
// DAG has no path from the first to the last node.
int64_t MinPeakRam(const FusionDag& dag);

}  // namespace msf::search
