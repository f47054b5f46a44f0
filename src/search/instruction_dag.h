// SPDX-License-Identifier: MIT
// Solving for speed: the fusion DAG re-weighted by a target's latency model.
#pragma once
#include "cost/latency_model.h"
#include "search/dag.h"

namespace msf::search {

// A copy of `dag` whose `macs` hold predicted instructions (rounded, each
// saturating at INT64_MAX / 2 / (nodes + 1) so any path's sum fits), so the
// MAC solvers minimise instructions; vanilla_macs becomes the predicted
// instructions of layer-by-layer execution, so an overhead bound F means
// instructions <= F x vanilla instructions. `per_invoke` is left out (a
// constant of every plan).
FusionDag InstructionDag(const FusionDag& dag, const cost::LatencyModel& m);

}  // namespace msf::search
