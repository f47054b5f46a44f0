// SPDX-License-Identifier: MIT
#include "cli/latency_options.h"

#include "base/error.h"

namespace msf::cli {

void AddLatencyOptions(CLI::App* app, LatencyArgs* args) {
  AddValue(app, "--objective", "macs|instructions",
           "what the solver minimises (and --max-overhead bounds): MACs (default) or the target's predicted "
           "instructions",
           [args](const std::string& v) {
             if (v == "instructions") {
               args->metric = search::Metric::kInstructions;
             } else if (v == "macs") {
               args->metric = search::Metric::kMacs;
             } else {
               throw Error("unknown objective '" + v + "' (expected macs or instructions)");
             }
           });
  AddText(app, "--target", cost::CalibratedTargetList("|"),
          "the target whose built-in latency model predicts instructions (alone: adds the prediction)",
          &args->target);
  AddText(app, "--calibration", "FILE", "a latency model from msf calibrate instead of the built-in one",
          &args->calibration);
}

LatencyChoice LatencyOption(const LatencyArgs& args, const std::string& cost_model) {
  LatencyChoice c;
  c.metric = args.metric;
  if (args.calibration) {
    c.model = cost::ReadLatencyModelFile(*args.calibration);
    if (args.target && *args.target != c.model->target) {
      throw Error(*args.calibration + " calibrates " + c.model->target + ", not --target " + *args.target);
    }
  } else if (args.target) {
    c.model = cost::BuiltinLatencyModel(*args.target);
  }
  if (c.metric == search::Metric::kInstructions) {
    if (!c.model) throw Error("--objective instructions needs --target " + cost::CalibratedTargetList("|"));
    if (cost_model != "exact") {
      throw Error("--objective instructions needs the exact cost model (the paper's edges carry no kernel work)");
    }
  }
  return c;
}

}  // namespace msf::cli
