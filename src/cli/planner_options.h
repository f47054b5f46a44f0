// SPDX-License-Identifier: MIT
// Options shared by `msf plan` and `msf pareto`: which cost model builds the
// fusion DAG, and the exact model's work limit.
#pragma once
#include <optional>
#include <string>

#include "cli/command_line.h"
#include "plan/planner.h"
#include "search/exact_dag.h"

namespace msf::cli {

struct PlannerArgs {
  std::string cost_model = "exact";     // --cost-model exact|paper
  std::optional<int64_t> work_limit;    // --work-limit UNITS|inf (0: no limit)
  ir::InputMode input_mode = ir::InputMode::kResident;  // --input-mode
  bool count_io = false;                // --count-io: budgets and RAM figures are the device's
};

// Declares --cost-model, --work-limit, --input-mode and --count-io on `app`,
// checked as they are parsed.
void AddPlannerOptions(CLI::App* app, PlannerArgs* args);

// The exact cost model's options: the work limit (default
// search::kDefaultWorkLimit), with a progress line on stderr every few seconds
// once building the DAG has taken more than two.
search::ExactOptions ExactOptionsFrom(const PlannerArgs& args);

// The planner's options: the cost model, ExactOptionsFrom(args), and a note
// on stderr when the work limit made the exact model consider shorter blocks.
plan::PlannerOptions PlannerOptionsFrom(const PlannerArgs& args);

}  // namespace msf::cli
