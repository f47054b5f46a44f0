// SPDX-License-Identifier: MIT
// Options shared by `msf plan` and `msf pareto`: which cost model builds the
// fusion DAG.
#pragma once
#include <string>

#include "cli/args.h"
#include "fusion/dag.h"
#include "ir/graph.h"

namespace msf::cli {

// "exact" (default) or "paper" from --cost-model; throws msf::Error otherwise.
std::string CostModelOption(const Args& args);

// The fusion DAG of `g` under the named cost model.
fusion::FusionDag BuildFusionDag(const ir::Graph& g, const std::string& cost_model);

}  // namespace msf::cli
