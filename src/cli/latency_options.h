// SPDX-License-Identifier: MIT
// Options shared by `msf plan` and `msf pareto` for latency: what the solver
// minimises (--objective macs|instructions) and whose latency model predicts
// instructions (--target T, or --calibration FILE from `msf calibrate`).
#pragma once
#include <optional>
#include <string>

#include "cli/args.h"
#include "cost/latency_model.h"
#include "search/dag.h"
#include "plan/plan_json.h"

namespace msf::cli {

struct LatencyChoice {
  search::Metric metric = search::Metric::kMacs;
  std::optional<cost::LatencyModel> model;  // set when a target or calibration is given
};

inline constexpr const char* kLatencyUsage =
    "[--objective macs|instructions] [--target cortex-m4|cortex-m7|rv32imac] [--calibration FILE]";

// Throws msf::Error for an unknown objective or target, for --objective
// instructions without a latency model, or with the paper cost model.
LatencyChoice LatencyOption(const Args& args, const std::string& cost_model);

// The DAG the solvers minimise over: `dag`, or its predicted-instruction copy.
search::FusionDag SolverDag(const search::FusionDag& dag, const LatencyChoice& latency);

}  // namespace msf::cli
