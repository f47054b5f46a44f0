// SPDX-License-Identifier: MIT
#include "cli/latency_options.h"

#include "base/error.h"
#include "search/instruction_dag.h"

namespace msf::cli {

LatencyChoice LatencyOption(const Args& args, const std::string& cost_model) {
  LatencyChoice c;
  const std::string objective = args.Get("objective").value_or("macs");
  if (objective == "instructions") {
    c.metric = search::Metric::kInstructions;
  } else if (objective != "macs") {
    throw Error("unknown objective '" + objective + "' (expected macs or instructions)");
  }
  const std::optional<std::string> target = args.Get("target");
  if (auto path = args.Get("calibration")) {
    c.model = cost::ReadLatencyModelFile(*path);
    if (target && *target != c.model->target) {
      throw Error(*path + " calibrates " + c.model->target + ", not --target " + *target);
    }
  } else if (target) {
    c.model = cost::BuiltinLatencyModel(*target);
  }
  if (c.metric == search::Metric::kInstructions) {
    if (!c.model) throw Error("--objective instructions needs --target cortex-m4|cortex-m7|rv32imac");
    if (cost_model != "exact") {
      throw Error("--objective instructions needs the exact cost model (the paper's edges carry no kernel work)");
    }
  }
  return c;
}

search::FusionDag SolverDag(const search::FusionDag& dag, const LatencyChoice& latency) {
  if (latency.metric == search::Metric::kMacs) return dag;
  return search::InstructionDag(dag, *latency.model);
}

}  // namespace msf::cli
