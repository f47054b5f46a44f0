// SPDX-License-Identifier: MIT
#include "cli/fusion_options.h"

#include "core/error.h"
#include "cost/exact_cost_model.h"
#include "cost/paper_cost_model.h"

namespace msf::cli {

std::string CostModelOption(const Args& args) {
  const std::string name = args.Get("cost-model").value_or("exact");
  if (name != "exact" && name != "paper") {
    throw Error("unknown cost model '" + name + "' (expected exact or paper)");
  }
  return name;
}

fusion::FusionDag BuildFusionDag(const ir::Graph& g, const std::string& cost_model) {
  return cost_model == "paper" ? cost::BuildPaperDag(g) : cost::BuildExactDag(g);
}

}  // namespace msf::cli
