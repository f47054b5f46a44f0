// SPDX-License-Identifier: MIT
#include "cost/step_cost.h"


namespace msf::cost {

StepCost ExactStepRamAndMacs(const ir::Graph& g, const step::StepMemory& m, const step::StepSpec& s) {
  StepCost c;
  c.ram_bytes = m.Bytes(false);
  c.ram_bytes_with_io = m.Bytes(true);
  c.macs = step::StepMacs(g, m, s);
  return c;
}

StepCost ExactStepCost(const ir::Graph& g, const step::GraphLiveness& live, const step::StepMemory& m,
                       const step::StepSpec& s) {
  StepCost c = ExactStepRamAndMacs(g, m, s);
  c.work = step::StepWorkOf(g, live, m, s);
  return c;
}

}  // namespace msf::cost
