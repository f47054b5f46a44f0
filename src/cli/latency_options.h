// SPDX-License-Identifier: MIT
// Options shared by `msf plan` and `msf pareto` for latency: what the solver
// minimises (--objective macs|instructions) and whose latency model predicts
// instructions (--target T, or --calibration FILE from `msf calibrate`).
#pragma once
#include <optional>
#include <string>

#include "cli/command_line.h"
#include "cost/latency_model.h"
#include "search/objective.h"
#include "plan/plan_json.h"

namespace msf::cli {

struct LatencyArgs {
  search::Metric metric = search::Metric::kMacs;  // --objective
  std::optional<std::string> target;               // --target
  std::optional<std::string> calibration;          // --calibration FILE
};

// Declares --objective, --target and --calibration on `app`.
void AddLatencyOptions(CLI::App* app, LatencyArgs* args);

struct LatencyChoice {
  search::Metric metric = search::Metric::kMacs;
  std::optional<cost::LatencyModel> model;  // set when a target or calibration is given
};

// Reads the latency model. Throws msf::Error for an unknown target, for
// --objective instructions without a latency model, or with the paper cost model.
LatencyChoice LatencyOption(const LatencyArgs& args, const std::string& cost_model);

}  // namespace msf::cli
