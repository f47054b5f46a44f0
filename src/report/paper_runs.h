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

#include "cost/latency_model.h"
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

// The latency models of the other calibrated targets (every
// calibration/<target>.json but cortex-m4's, whose model is checked on every
// run above): predicted vs measured for a few models and plans.
struct ValidationRow {
  std::string model, plan, target;
  int64_t predicted = 0, measured = 0;
  bool fits = true;  // false: the plan does not fit the board's RAM (cortex-m0plus), not run
};

// One QEMU run of the report: what `--samples` writes and `--reuse` reads
// (keyed by target, model slug and the plan's steps).
struct RunRecord {
  std::string target, model, plan_key;
  bool fits = true;
  TargetMeasurement measured;
  int64_t predicted = 0;
  std::vector<double> features;  // the plan's latency-model features (cost::LatencyModel::FeatureNames())
};

struct PaperReport {
  std::vector<ModelReport> models;
  std::vector<ValidationRow> validation;
  std::vector<RunRecord> runs;  // every QEMU run, in job order
};

struct PaperReportOptions {
  std::string models_dir;
  int jobs = 2;
  std::vector<std::string> only;  // model slugs; empty = all
  std::function<void(const std::string&)> progress;
  // Measurements of an earlier report (`--reuse FILE.csv`) instead of QEMU
  // runs: every run must be there. The host runs and checks still happen.
  const std::vector<RunRecord>* reuse = nullptr;
  // Latency models that replace the built-in ones of their targets (`msf
  // calibrate --out`), so a refitted model is judged before it is committed.
  std::vector<cost::LatencyModel> calibrations;
};

// RunRecords as CSV (header: target,model,plan,fits,ram_static,ram_stack,
// ram_total,instructions,predicted, then the features by name) and back
// (without the features: they follow the code that reads them); parsing
// throws msf::Error with one line naming `path` and the bad line.
std::string RunRecordsCsv(const std::vector<RunRecord>& runs);
std::vector<RunRecord> ParseRunRecordsCsv(const std::string& text, const std::string& path);

// Throws msf::Error if a run fails or any output differs from the reference.
PaperReport CollectPaperReport(const PaperReportOptions& options);

}  // namespace msf::report
