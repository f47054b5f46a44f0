// SPDX-License-Identifier: MIT
// `msf calibrate`: run the micro-benchmark suite on a target under QEMU and
// fit the latency model's coefficients to the measured instructions.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "calib/bench_suite.h"
#include "codegen/codegen.h"
#include "cost/latency_model.h"

namespace msf::calib {

struct Sample {
  std::string name;
  std::vector<double> features;  // the plan's: sum of its steps' + 1 for per_invoke
  int64_t instructions = 0;      // measured for one msf_model_invoke
};

// The features of a whole plan given each step's work.
std::vector<double> PlanFeatures(const std::vector<step::StepWork>& work, const std::vector<step::StepKind>& kinds);

struct MeasureOptions {
  codegen::Target target = codegen::Target::kRv32imac;
  int jobs = 2;                                    // packages built and run at once
  std::function<void(const std::string&)> progress;  // one line per finished bench
};

// Builds and runs every bench; each output is checked against the host
// reference executor (a mismatch is an msf::Error). Deterministic order.
// A bench whose package does not fit the board's RAM (target::DoesNotFitRam:
// the cortex-m0plus micro:bit has 16 KiB) is left out of the samples and its
// name appended to `*skipped`; without `skipped` it is an error.
std::vector<Sample> MeasureSuite(const std::vector<Bench>& suite, const MeasureOptions& options,
                                 std::vector<std::string>* skipped = nullptr);

// Non-negative least squares on relative errors (each sample weighs
// 1/measured), so small and large benchmarks count alike.
cost::LatencyModel FitLatencyModel(const std::vector<Sample>& samples, const std::string& target);

struct FitQuality {
  double rms_relative_error = 0, max_relative_error = 0;
  std::string worst;  // sample with the largest relative error
};
FitQuality Evaluate(const cost::LatencyModel& m, const std::vector<Sample>& samples);
double Predict(const cost::LatencyModel& m, const Sample& s);

}  // namespace msf::calib
