// SPDX-License-Identifier: MIT
#include "plan/plan.h"

#include "base/error.h"

namespace msf::plan {

Plan MakePlan(const search::FusionDag& dag, const search::Setting& setting) {
  Plan p;
  p.num_ops = dag.num_nodes - 1;
  p.vanilla_macs = dag.vanilla_macs;
  p.peak_ram_bytes = setting.peak_ram_bytes;
  p.peak_ram_bytes_with_io = setting.peak_ram_bytes_with_io;
  p.macs = setting.macs;
  p.mac_overhead = setting.MacOverhead(dag);
  for (int32_t i : setting.edges) {
    const search::Edge& e = dag.edges[static_cast<size_t>(i)];
    p.steps.push_back({e, e.ram_bytes, e.ram_bytes_with_io, e.macs});
  }
  return p;
}

int64_t IoBufferBytes(const ir::Graph& g) {
  int64_t bytes = 0;
  if (g.input_mode == ir::InputMode::kResident) {
    for (ir::TensorId t : g.inputs) bytes += g.tensor(t).Bytes();
  }
  for (ir::TensorId t : g.outputs) bytes += g.tensor(t).Bytes();
  return bytes;
}

void PredictPlan(Plan* plan, const std::vector<step::StepWork>& work, const cost::LatencyModel& m) {
  if (work.size() != plan->steps.size()) throw Error("internal: one work record per plan step expected");
  double total = m.per_invoke;
  for (size_t i = 0; i < work.size(); ++i) {
    const double step = m.PredictStep(work[i], plan->steps[i].kind);
    plan->steps[i].predicted_instructions = cost::RoundPrediction(step);
    total += step;
  }
  plan->predicted_instructions = cost::RoundPrediction(total);
  plan->predicted_target = m.target;
}

}  // namespace msf::plan
