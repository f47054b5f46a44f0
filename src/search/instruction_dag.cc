// SPDX-License-Identifier: MIT
#include "search/instruction_dag.h"

#include <algorithm>
#include <cstdint>

namespace msf::search {

FusionDag InstructionDag(const FusionDag& dag, const cost::LatencyModel& m) {
  FusionDag out = dag;
  out.vanilla_macs = 0;
  // A path has at most num_nodes - 1 edges, the layer edges sum to vanilla.
  const int64_t cap = INT64_MAX / 2 / (std::max<int64_t>(out.num_nodes, 1) + 1);
  for (Edge& e : out.edges) {
    e.macs = cost::RoundPrediction(m.PredictStep(e.work, e.kind), cap);
    if (e.kind == step::StepKind::kLayer) out.vanilla_macs += e.macs;
  }
  return out;
}

}  // namespace msf::search
