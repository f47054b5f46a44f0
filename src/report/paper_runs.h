// SPDX-License-Identifier: MIT
// The data of `msf report paper`: for each model of the report, every
// strategy at every constraint is planned, executed on the host (measured
// arena, bit-exact check) and on Cortex-M4 in QEMU (measured RAM and
// instructions, bit-exact check), next to the latency model's prediction.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "report/pareto_svg.h"
#include "plan/plan_json.h"

namespace msf::report {

struct ReportModel {
  std::string slug;     // file name stem in docs/report
  std::string title;    // section heading
  std::string network;  // PublishedNetwork name, "" if the paper has no numbers for it
  std::string model;    // zoo:NAME, or a path below the models dir
  std::string input;    // below the models dir; "" = deterministic pattern (zoo models)
};
const std::vector<ReportModel>& ReportModels();

// "min-RAM", "F<=1.1", "F<=1.3", "F<=1.5", "16k", "32k", "64k", "128k", "256k".
struct ReportConstraint {
  std::string name;
  search::Objective objective;
};
const std::vector<ReportConstraint>& ReportConstraints();
// One more constraint, msf (exact) only: fewest MACs within the paper's
// measured (TVM) min-RAM point, for the models the paper has numbers for.
extern const char* const kPaperMinRam;

struct TargetMeasurement {
  bool ran = false;
  int64_t ram_static = 0, ram_stack = 0, ram_total = 0, instructions = 0;
};

struct ReportRow {
  std::string constraint, strategy;
  std::string unavailable;  // why there is no plan ("" if there is one)
  plan::Plan plan;        // arena_bytes and cortex-m4 predicted instructions filled in
  int fused_steps = 0;
  double exact_overhead = 0;   // F counted exactly (recomputation included)
  int64_t host_measured = 0;   // arena high-water mark of the host run
  TargetMeasurement m4;
};

struct ModelReport {
  ReportModel model;
  std::vector<ReportRow> rows;
  int64_t vanilla_macs = 0;
  std::vector<ChartPoint> front;          // msf (exact): peak RAM kB, F
  std::vector<ChartBaseline> baselines;   // min-RAM points of the other strategies
  std::vector<ChartSeries> series;        // paper cost model front, published points
  std::vector<std::string> notes;
};

// The latency model on rv32imac (exact instruction counts): predicted vs
// measured for a few models and plans.
struct ValidationRow {
  std::string model, plan;
  int64_t predicted = 0, measured = 0;
};

struct PaperReport {
  std::vector<ModelReport> models;
  std::vector<ValidationRow> rv32;
};

struct PaperReportOptions {
  std::string models_dir;
  int jobs = 2;
  std::vector<std::string> only;  // model slugs; empty = all
  std::function<void(const std::string&)> progress;
};

// Throws msf::Error if a run fails or any output differs from the reference.
PaperReport CollectPaperReport(const PaperReportOptions& options);

}  // namespace msf::report
