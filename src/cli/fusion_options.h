// SPDX-License-Identifier: MIT
// Options shared by `msf plan` and `msf pareto`: which cost model builds the
// fusion DAG.
#pragma once
#include <string>

#include "cli/args.h"
#include "cost/exact_cost_model.h"
#include "fusion/dag.h"
#include "ir/graph.h"

namespace msf::cli {

// "exact" (default) or "paper" from --cost-model; throws msf::Error otherwise.
std::string CostModelOption(const Args& args);

inline constexpr const char* kWorkLimitUsage = "[--work-limit UNITS|inf]";

// The exact cost model's options from --work-limit (work units such as 2e9,
// or inf; default cost::kDefaultWorkLimit), with a progress line on stderr
// every few seconds once building the DAG has taken more than two.
cost::ExactOptions ExactOptionsFrom(const Args& args);

// The fusion DAG of `g` under the named cost model. Prints a note on stderr
// when the work limit made the exact model consider shorter fused blocks.
fusion::FusionDag BuildFusionDag(const ir::Graph& g, const std::string& cost_model,
                                 const cost::ExactOptions& options = {});

}  // namespace msf::cli
