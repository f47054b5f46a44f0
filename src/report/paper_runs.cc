// SPDX-License-Identifier: MIT
#include "report/paper_runs.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

#include "base/error.h"
#include "base/read_file.h"
#include "calib/bench_suite.h"
#include "cost/latency_model.h"
#include "exec/fused_executor.h"
#include "exec/reference_executor.h"
#include "frontend/model_input.h"
#include "frontend/model_loader.h"
#include "ir/analysis.h"
#include "plan/planner.h"
#include "report/paper_numbers.h"
#include "search/solvers.h"
#include "search/strategy.h"
#include "target/mcu_run.h"

namespace msf::report {
namespace {

enum class Strategy { kVanilla, kMcunetV2, kStreamNet, kPaperCost, kExact };
constexpr Strategy kStrategies[] = {Strategy::kVanilla, Strategy::kMcunetV2, Strategy::kStreamNet, Strategy::kPaperCost,
                                    Strategy::kExact};

std::string StrategyLabel(Strategy s) {
  switch (s) {
    case Strategy::kVanilla: return "vanilla (layer by layer)";
    case Strategy::kMcunetV2: return "mcunetv2";
    case Strategy::kStreamNet: return "streamnet";
    case Strategy::kPaperCost: return "msf, paper cost model";
    case Strategy::kExact: return "msf, exact cost model";
  }
  return "?";
}

std::string PlanKey(const plan::Plan& p) {
  std::string key;
  for (const plan::PlanStep& s : p.steps) {
    key += std::to_string(s.from) + "-" + std::to_string(s.to - 1) + ":" + step::VariantName(s.variant) + ":" +
           std::to_string(s.patch_h) + "x" + std::to_string(s.patch_w) + ";";
  }
  return key;
}

// One model's graph, input and reference output, kept alive for the runs.
struct LoadedModel {
  ir::Graph graph;
  std::vector<int8_t> input, reference;
};

struct Job {
  const LoadedModel* model;
  std::string slug;
  plan::Plan plan;  // predicted_instructions: the target's model
  codegen::Target target;
  bool may_not_fit = false;  // a validation run: a board too small for it is no error
  bool fits = true;
  std::vector<double> features{};  // of the plan (per_invoke included)
  target::TargetRun result{};
};

std::vector<double> PlanFeatures(const plan::Plan& p, const std::vector<step::StepWork>& work) {
  std::vector<double> f(cost::LatencyModel::FeatureNames().size(), 0.0);
  for (size_t s = 0; s < work.size(); ++s) {
    const std::vector<double> step = cost::StepFeatures(work[s], p.steps[s].kind);
    for (size_t i = 0; i < f.size(); ++i) f[i] += step[i];
  }
  f[cost::InvokeFeature()] = 1;
  return f;
}

std::string RunKey(const std::string& target, const std::string& slug, const std::string& plan_key) {
  return target + "," + slug + "," + plan_key;
}

void RunJobs(std::vector<Job>& jobs, int parallel, const std::function<void(const std::string&)>& progress,
             const std::vector<RunRecord>* reuse) {
  if (reuse != nullptr) {
    std::map<std::string, const RunRecord*> measured;
    for (const RunRecord& r : *reuse) measured[RunKey(r.target, r.model, r.plan_key)] = &r;
    for (Job& j : jobs) {
      const std::string target = codegen::TargetName(j.target);
      auto it = measured.find(RunKey(target, j.slug, PlanKey(j.plan)));
      if (it == measured.end()) {
        throw Error("the reused measurements have no run of " + j.slug + " plan " + PlanKey(j.plan) + " on " + target);
      }
      const RunRecord& r = *it->second;
      if (!r.fits && !j.may_not_fit) throw Error("the reused measurements skip a required run of " + j.slug + " on " + target);
      j.fits = r.fits;
      j.result.output = j.model->reference;  // checked when it was measured
      j.result.ram_static = r.measured.ram_static, j.result.ram_stack = r.measured.ram_stack;
      j.result.ram_total = r.measured.ram_total, j.result.instructions = r.measured.instructions;
    }
    return;
  }
  const std::string root = target::MakeTempDir("msf_report_");
  std::atomic<size_t> next{0};
  std::mutex mu;
  std::string first_error;
  const auto worker = [&] {
    for (size_t i = next++; i < jobs.size(); i = next++) {
      Job& j = jobs[i];
      try {
        const std::string dir = root + "/" + std::to_string(i);
        try {
          j.result = target::RunOnTarget(j.model->graph, j.plan, j.target, j.model->input, dir);
        } catch (const target::DoesNotFitRam&) {
          if (!j.may_not_fit) throw;
          j.fits = false;
          std::error_code ec;
          std::filesystem::remove_all(dir, ec);
          std::lock_guard<std::mutex> lock(mu);
          if (progress) {
            progress(j.model->graph.name + " " + codegen::TargetName(j.target) + " [" + std::to_string(i + 1) + "/" +
                     std::to_string(jobs.size()) + "]: does not fit the board's RAM");
          }
          continue;
        }
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
        if (j.result.output != j.model->reference) {
          throw Error(j.model->graph.name + " on " + codegen::TargetName(j.target) +
                      ": output differs from the reference executor");
        }
        std::lock_guard<std::mutex> lock(mu);
        if (progress) {
          progress(j.model->graph.name + " " + codegen::TargetName(j.target) + " [" + std::to_string(i + 1) + "/" +
                   std::to_string(jobs.size()) + "]: " + std::to_string(j.result.instructions) + " instructions");
        }
      } catch (const std::exception& e) {
        std::lock_guard<std::mutex> lock(mu);
        if (first_error.empty()) first_error = e.what();
        next = jobs.size();
      }
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < std::max(1, parallel); ++t) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();
  std::error_code ec;
  std::filesystem::remove_all(root, ec);
  if (!first_error.empty()) throw Error(first_error);
}

// The model's planners: msf's exact cost model, and the paper's when the
// model is a plain chain (otherwise why not).
struct Planners {
  std::unique_ptr<plan::Planner> exact, paper;
  std::string paper_error;
};

// Solves one strategy at one constraint; throws msf::Error when infeasible.
plan::Plan Solve(const Planners& d, Strategy s, const search::Objective& o) {
  plan::PlanRequest r;
  r.objective = o;
  if (s == Strategy::kPaperCost) {
    if (!d.paper) throw Error(d.paper_error);
    return d.paper->Solve(r);
  }
  r.strategy = s == Strategy::kVanilla     ? search::Strategy::kLayer
               : s == Strategy::kMcunetV2  ? search::Strategy::kMcunetV2
               : s == Strategy::kStreamNet ? search::Strategy::kStreamNet
                                           : search::Strategy::kMsf;
  return d.exact->Solve(r);
}

ChartPoint Point(int64_t bytes, double overhead) { return {static_cast<double>(bytes) / 1000.0, overhead}; }

void AddChart(ModelReport* r, const Planners& d) {
  const search::FusionDag& exact = d.exact->dag();
  for (const search::Setting& s : search::ParetoFront(exact)) r->front.push_back(Point(s.peak_ram_bytes, s.MacOverhead(exact)));
  const std::pair<search::Strategy, const char*> baselines[] = {{search::Strategy::kLayer, "layer-by-layer"},
                                                                 {search::Strategy::kMcunetV2, "MCUNetV2-style"},
                                                                 {search::Strategy::kStreamNet, "StreamNet-style"}};
  for (const auto& [strategy, label] : baselines) {
    const search::FusionDag dag = d.exact->DagFor(strategy);
    const search::Setting s = search::SolveMinRam(dag);
    r->baselines.push_back({label, Point(s.peak_ram_bytes, s.MacOverhead(dag))});
  }
  if (d.paper) {
    ChartSeries front{"msf, paper cost model (analytic)", {}, true};
    const search::FusionDag& paper = d.paper->dag();
    for (const search::Setting& s : search::ParetoFront(paper)) front.points.push_back(Point(s.peak_ram_bytes, s.MacOverhead(paper)));
    r->series.push_back(front);
  }
  for (const PublishedNetwork& n : PublishedNetworks()) {
    if (n.name != r->model.network) continue;
    ChartSeries published{"paper, published (TVM RAM)", {}, false};
    for (const PublishedPoint& p : n.points) {
      if (p.feasible) published.points.push_back(Point(p.tvm_bytes, p.overhead));
    }
    r->series.push_back(published);
    std::string chart = "paper's chart, no F:";
    for (const PublishedBaseline& b : n.baselines) {
      if (b.name.rfind("vanilla", 0) == 0) continue;
      char buf[64];
      std::snprintf(buf, sizeof buf, " %s %.1f kB", b.name.c_str(), b.ram_kb);
      chart += buf;
    }
    r->notes.push_back(chart);
  }
}

}  // namespace

const char* const kPaperMinRam = "paper's min RAM";

const std::vector<ReportModel>& ReportModels() {
  static const std::vector<ReportModel> models = {
      {"mbv2-zoo", "MBV2-w0.35 r144, zoo chain (the paper's layer list, random weights)", "MBV2-w0.35 r144",
       "zoo:mbv2-w0.35-r144", ""},
      {"mbv2-real", "MBV2-w0.35 r144, mbv2-w0.35-r144_imagenet.tflite (real, residuals)", "MBV2-w0.35 r144",
       "mcunet_imagenet/mbv2-w0.35-r144_imagenet.tflite", "inputs/imagenet/burger_144x144x3_int8.bin"},
      {"vww-zoo", "MCUNet-VWW-5fps r80, zoo chain (the paper's layer list, random weights)", "MCUNet-VWW-5fps r80",
       "zoo:mcunet-vww-5fps-r80", ""},
      {"vww-real", "MCUNet-VWW-5fps r80, mcunet-5fps_vww.tflite (real, residuals)", "MCUNet-VWW-5fps r80",
       "mcunet_vww/mcunet-5fps_vww.tflite", "inputs/vww/vww_person_80x80x3_int8.bin"},
      {"320kb-zoo", "MCUNet-320KB r176, zoo chain (the paper's layer list, random weights)", "MCUNet-320KB r176",
       "zoo:mcunet-320kb-r176", ""},
      {"320kb-real", "MCUNet-320KB r176, mcunet-320kb-1mb_imagenet.tflite (real, residuals)", "MCUNet-320KB r176",
       "mcunet_imagenet/mcunet-320kb-1mb_imagenet.tflite", "inputs/imagenet/burger_176x176x3_int8.bin"},
      {"person-detect", "person_detect.tflite (TFLite-Micro, MobileNetV1-0.25, 96x96 gray)", "",
       "person_detect/person_detect.tflite", "inputs/person_detect/person_96x96x1_int8.bin"},
  };
  return models;
}

const std::vector<ReportConstraint>& ReportConstraints() {
  using K = search::Objective::Kind;
  static const std::vector<ReportConstraint> constraints = {
      {"min-RAM", {K::kMinRam, 0, 0}},          {"F<=1.1", {K::kMaxOverhead, 0, 1.1}},
      {"F<=1.3", {K::kMaxOverhead, 0, 1.3}},    {"F<=1.5", {K::kMaxOverhead, 0, 1.5}},
      {"16k", {K::kRamBudget, 16000, 0}},       {"32k", {K::kRamBudget, 32000, 0}},
      {"64k", {K::kRamBudget, 64000, 0}},       {"128k", {K::kRamBudget, 128000, 0}},
      {"256k", {K::kRamBudget, 256000, 0}},
  };
  return constraints;
}

PaperReport CollectPaperReport(const PaperReportOptions& options) {
  const auto model_of = [&](const std::string& target) {
    for (const cost::LatencyModel& m : options.calibrations) {
      if (m.target == target) return m;
    }
    return cost::BuiltinLatencyModel(target);
  };
  const cost::LatencyModel m4 = model_of("cortex-m4");
  // The other calibrated targets, validated on a few plans of the real models.
  std::vector<cost::LatencyModel> others;
  for (const std::string& t : cost::CalibratedTargets()) {
    if (t != "cortex-m4") others.push_back(model_of(t));
  }
  PaperReport report;
  std::vector<std::unique_ptr<LoadedModel>> loaded;
  std::vector<Job> jobs;
  std::map<std::pair<size_t, std::string>, size_t> m4_job;  // (model, plan key) -> job
  struct ValidationCase {
    size_t model, job;
    std::string plan;
  };
  std::vector<ValidationCase> validation_cases;

  for (const ReportModel& rm : ReportModels()) {
    if (!options.only.empty() && std::find(options.only.begin(), options.only.end(), rm.slug) == options.only.end()) {
      continue;
    }
    if (options.progress) options.progress(rm.slug + ": planning and running on the host");
    auto lm = std::make_unique<LoadedModel>();
    const bool zoo = rm.model.rfind("zoo:", 0) == 0;
    lm->graph = frontend::LoadModel(zoo ? rm.model : options.models_dir + "/" + rm.model);
    lm->input = rm.input.empty() ? frontend::PatternInput(lm->graph) : frontend::ReadModelInput(lm->graph, options.models_dir + "/" + rm.input);
    lm->reference = exec::RunReference(lm->graph, lm->input);
    const ir::Graph& g = lm->graph;

    Planners d;
    d.exact = std::make_unique<plan::Planner>(g);
    try {
      plan::PlannerOptions paper_model;
      paper_model.cost_model = plan::CostModel::kPaper;
      d.paper = std::make_unique<plan::Planner>(g, paper_model);
    } catch (const Error& e) {
      d.paper_error = std::string("n/a: ") + e.what();
    }
    ModelReport mr;
    mr.model = rm;
    mr.vanilla_macs = ir::TotalMacs(g);
    AddChart(&mr, d);
    std::map<std::string, int64_t> host_measured;  // plan key -> arena high-water mark
    const size_t model_index = report.models.size();
    std::vector<std::pair<ReportConstraint, std::vector<Strategy>>> work_list;
    for (const ReportConstraint& c : ReportConstraints()) {
      std::vector<Strategy> strategies;
      for (Strategy s : kStrategies) {
        if (s != Strategy::kVanilla || c.name == "min-RAM") strategies.push_back(s);  // vanilla: one plan
      }
      work_list.push_back({c, strategies});
    }
    // msf within the paper's measured min RAM (as in BENCHMARKS.md's RAM table).
    for (const PublishedNetwork& n : PublishedNetworks()) {
      if (n.name != rm.network) continue;
      const int64_t bytes = n.points.front().tvm_bytes;  // the min-RAM point
      work_list.push_back({{kPaperMinRam, {search::Objective::Kind::kRamBudget, bytes, 0}}, {Strategy::kExact}});
    }
    for (const auto& [c, strategies] : work_list) {
      for (Strategy s : strategies) {
        ReportRow row;
        row.constraint = c.name;
        row.strategy = StrategyLabel(s);
        try {
          row.plan = Solve(d, s, c.objective);
        } catch (const Error& e) {
          const std::string why = e.what();
          row.unavailable = why.rfind("n/a", 0) == 0 ? why : "infeasible";
          mr.rows.push_back(row);
          continue;
        }
        const std::vector<step::StepWork> work = plan::PlanStepWork(g, row.plan);
        int64_t exact_macs = 0;
        for (const step::StepWork& w : work) {
          for (int64_t x : w.macs) exact_macs += x;
        }
        row.exact_overhead = static_cast<double>(exact_macs) / static_cast<double>(mr.vanilla_macs);
        for (const plan::PlanStep& st : row.plan.steps) row.fused_steps += st.kind == step::StepKind::kFused ? 1 : 0;
        plan::PredictPlan(&row.plan, work, m4);
        const std::string key = PlanKey(row.plan);
        if (!host_measured.count(key)) {
          const exec::PlanRun run = exec::RunPlan(g, row.plan, lm->input);
          if (run.output != lm->reference) throw Error(g.name + ": fused output differs from the reference");
          if (run.measured_peak_bytes != run.planned_arena_bytes) {
            throw Error(g.name + ": measured arena differs from the planned one");
          }
          host_measured[key] = run.measured_peak_bytes;
        }
        row.host_measured = host_measured[key];
        if (!m4_job.count({model_index, key})) {
          m4_job[{model_index, key}] = jobs.size();
          jobs.push_back({lm.get(), rm.slug, row.plan, codegen::Target::kCortexM4});
          jobs.back().features = PlanFeatures(row.plan, work);
        }
        const bool validate = (rm.slug == "person-detect" || rm.slug == "vww-real" || rm.slug == "mbv2-real") &&
                              (s == Strategy::kVanilla || (s == Strategy::kExact && (c.name == "min-RAM" || c.name == "64k" ||
                                                                                      c.name == "F<=1.3")));
        if (validate) {
          for (const cost::LatencyModel& model : others) {
            plan::Plan p = row.plan;
            plan::PredictPlan(&p, work, model);
            validation_cases.push_back({model_index, jobs.size(), s == Strategy::kVanilla ? "vanilla" : c.name});
            Job job{lm.get(), rm.slug, p, codegen::ParseTarget(model.target)};
            job.may_not_fit = true;
            job.features = PlanFeatures(p, work);
            jobs.push_back(std::move(job));
          }
        }
        mr.rows.push_back(row);
      }
    }
    report.models.push_back(std::move(mr));
    loaded.push_back(std::move(lm));
  }

  if (options.progress) options.progress("running " + std::to_string(jobs.size()) + " packages in QEMU");
  RunJobs(jobs, options.jobs, options.progress, options.reuse);
  for (const Job& j : jobs) {
    report.runs.push_back({codegen::TargetName(j.target), j.slug, PlanKey(j.plan), j.fits,
                           {j.fits, j.result.ram_static, j.result.ram_stack, j.result.ram_total, j.result.instructions},
                           j.plan.predicted_instructions, j.features});
  }

  for (size_t mi = 0; mi < report.models.size(); ++mi) {
    for (ReportRow& row : report.models[mi].rows) {
      if (!row.unavailable.empty()) continue;
      const target::TargetRun& r = jobs[m4_job.at({mi, PlanKey(row.plan)})].result;
      row.m4 = {true, r.ram_static, r.ram_stack, r.ram_total, r.instructions};
    }
  }
  for (const ValidationCase& c : validation_cases) {
    const Job& j = jobs[c.job];
    report.validation.push_back({report.models[c.model].model.slug, c.plan, codegen::TargetName(j.target),
                                 j.plan.predicted_instructions, j.fits ? j.result.instructions : 0, j.fits});
  }
  return report;
}

std::string RunRecordsCsv(const std::vector<RunRecord>& runs) {
  std::string csv = "target,model,plan,fits,ram_static,ram_stack,ram_total,instructions,predicted";
  for (const std::string& name : cost::LatencyModel::FeatureNames()) csv += "," + name;
  csv += "\n";
  for (const RunRecord& r : runs) {
    const TargetMeasurement& m = r.measured;
    csv += r.target + "," + r.model + "," + r.plan_key + "," + (r.fits ? "1" : "0") + "," + std::to_string(m.ram_static) +
           "," + std::to_string(m.ram_stack) + "," + std::to_string(m.ram_total) + "," + std::to_string(m.instructions) +
           "," + std::to_string(r.predicted);
    for (double f : r.features) {
      char buf[32];
      std::snprintf(buf, sizeof buf, ",%.0f", f);
      csv += buf;
    }
    csv += "\n";
  }
  return csv;
}

std::vector<RunRecord> ParseRunRecordsCsv(const std::string& text, const std::string& path) {
  std::vector<RunRecord> runs;
  std::istringstream in(text);
  std::string line;
  if (!std::getline(in, line) || line.rfind("target,model,plan,", 0) != 0) {
    throw Error(path + ": not a report samples file (no target,model,plan,... header)");
  }
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::vector<std::string> f;
    std::istringstream fields(line);
    std::string item;
    while (std::getline(fields, item, ',')) f.push_back(item);
    if (f.size() < 9 || (f[3] != "0" && f[3] != "1")) throw Error(path + ": bad line '" + line + "'");
    RunRecord r{f[0], f[1], f[2], f[3] == "1", {}, 0, {}};
    int64_t* numbers[] = {&r.measured.ram_static, &r.measured.ram_stack, &r.measured.ram_total,
                          &r.measured.instructions, &r.predicted};
    for (size_t i = 0; i < 5; ++i) {
      try {
        size_t used = 0;
        *numbers[i] = std::stoll(f[4 + i], &used);
        if (used != f[4 + i].size()) throw std::invalid_argument("trailing");
      } catch (const std::exception&) {
        throw Error(path + ": bad number '" + f[4 + i] + "' in line '" + line + "'");
      }
    }
    r.measured.ran = r.fits;
    runs.push_back(std::move(r));
  }
  return runs;
}

}  // namespace msf::report
