// SPDX-License-Identifier: MIT
// Options shared by `msf plan` and `msf pareto`: which cost model builds the
// fusion DAG, and the exact model's work limit.
#pragma once
#include <string>

#include "cli/args.h"
#include "plan/planner.h"
#include "search/exact_dag.h"

namespace msf::cli {

// "exact" (default) or "paper" from --cost-model; throws msf::Error otherwise.
std::string CostModelOption(const Args& args);

inline constexpr const char* kWorkLimitUsage = "[--work-limit UNITS|inf]";

// The exact cost model's options from --work-limit (work units such as 2e9,
// or inf; default search::kDefaultWorkLimit), with a progress line on stderr
// every few seconds once building the DAG has taken more than two.
search::ExactOptions ExactOptionsFrom(const Args& args);

// The planner's options: the cost model, ExactOptionsFrom(args), and a note
// on stderr when the work limit made the exact model consider shorter blocks.
plan::PlannerOptions PlannerOptionsFrom(const Args& args, const std::string& cost_model);

}  // namespace msf::cli
