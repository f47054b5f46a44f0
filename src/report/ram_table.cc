// SPDX-License-Identifier: MIT
#include "report/ram_table.h"

#include <cstdio>
#include <filesystem>
#include <string>

#include "base/error.h"
#include "base/read_file.h"
#include "base/text_format.h"
#include "exec/fused_executor.h"
#include "exec/reference_executor.h"
#include "frontend/model_input.h"
#include "frontend/model_loader.h"
#include "ir/analysis.h"
#include "plan/planner.h"
#include "step/step_memory.h"

namespace msf::report {
namespace {

struct PaperRow {
  const char* network;
  const char* zoo;
  const char* tflite;     // below the models dir
  const char* input;      // below the models dir, for the tflite model
  int64_t paper_bytes;    // msf-CNN min-RAM point, measured TVM workspace
  double paper_overhead;  // its MAC overhead F
  const char* mcunetv2;   // literature values read off the authors' chart
  const char* streamnet;
};

constexpr PaperRow kRows[] = {
    {"MBV2-w0.35 r144", "zoo:mbv2-w0.35-r144", "mcunet_imagenet/mbv2-w0.35-r144_imagenet.tflite",
     "inputs/imagenet/burger_144x144x3_int8.bin", 8560, 1.68, "~63 kB", "~66 kB"},
    {"MCUNet-VWW-5fps r80", "zoo:mcunet-vww-5fps-r80", "mcunet_vww/mcunet-5fps_vww.tflite",
     "inputs/vww/vww_person_80x80x3_int8.bin", 15368, 1.96, "~45 kB", "~44 kB"},
    {"MCUNet-320KB r176", "zoo:mcunet-320kb-r176", "mcunet_imagenet/mcunet-320kb-1mb_imagenet.tflite",
     "inputs/imagenet/burger_176x176x3_int8.bin", 51164, 2.69, "~215 kB", "~208 kB"},
};

struct Measured {
  int64_t planned = 0, measured = 0;
  double overhead = 0;
};

// Runs a plan in the arena and checks bit-exactness against the reference
// and measured RAM against the plan.
Measured RunChecked(const ir::Graph& g, const plan::Plan& plan, const std::vector<int8_t>& input) {
  const exec::PlanRun run = exec::RunPlan(g, plan, input);
  if (run.output != exec::RunReference(g, input)) throw Error(g.name + ": fused output differs from the reference");
  if (run.measured_peak_bytes != run.planned_arena_bytes) throw Error(g.name + ": measured RAM differs from the plan");
  return {run.planned_arena_bytes, run.measured_peak_bytes, plan.mac_overhead};
}

plan::Plan Solve(const plan::Planner& planner, search::Strategy strategy, search::Objective objective) {
  plan::PlanRequest r;
  r.strategy = strategy;
  r.objective = objective;
  return planner.Solve(r);
}

std::string Kb(int64_t bytes) { return Thousands(bytes) + " B"; }

std::string F(double f) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", f);
  return buf;
}

// The paper's own min-RAM plan (its analytic model), executed by msf and
// counted exactly: same blocks, real RAM and real MACs.
std::string PaperPlanExact(const ir::Graph& g, const std::vector<int8_t>& input) {
  plan::PlannerOptions paper_model;
  paper_model.cost_model = plan::CostModel::kPaper;
  const plan::Plan plan = Solve(plan::Planner(g, paper_model), search::Strategy::kMsf, search::Objective{});
  const exec::PlanRun run = exec::RunPlan(g, plan, input);
  if (run.output != exec::RunReference(g, input)) throw Error(g.name + ": paper plan output differs from the reference");
  int64_t macs = 0;
  const step::GraphLiveness live = step::ComputeLiveness(g);
  for (const plan::PlanStep& s : plan.steps) {
    const std::optional<step::StepMemory> m = step::DescribeStep(g, live, s);
    if (!m) return "n/a";
    macs += step::StepMacs(g, *m, s);
  }
  const double vanilla = static_cast<double>(ir::TotalMacs(g));
  return Kb(run.measured_peak_bytes) + " at F " + F(static_cast<double>(macs) / vanilla);
}

std::string RamTableRow(const std::string& label, const ir::Graph& g, const std::vector<int8_t>& input,
                        const PaperRow& p) {
  const plan::Planner planner(g);
  const Measured min_ram = RunChecked(g, Solve(planner, search::Strategy::kMsf, search::Objective{}), input);
  std::string at_paper = "infeasible";
  try {
    const search::Objective budget{search::Objective::Kind::kRamBudget, p.paper_bytes, 0.0};
    const Measured m = RunChecked(g, Solve(planner, search::Strategy::kMsf, budget), input);
    at_paper = Kb(m.measured) + " at F " + F(m.overhead);
  } catch (const Error&) {
  }
  const auto baseline = [&](search::Strategy st) {
    try {
      const Measured m = RunChecked(g, Solve(planner, st, search::Objective{}), input);
      return Kb(m.measured) + " (F " + F(m.overhead) + ")";
    } catch (const Error&) {
      return std::string("n/a");
    }
  };
  std::string paper_exact = "n/a (residuals)";
  try {
    paper_exact = PaperPlanExact(g, input);
  } catch (const Error&) {
  }
  return "| " + std::string(p.network) + " | " + label + " | " + Kb(min_ram.measured) + " | " + F(min_ram.overhead) +
         " | " + at_paper + " | " + Kb(p.paper_bytes) + " at F " + F(p.paper_overhead) + " | " + paper_exact + " | " +
         baseline(search::Strategy::kMcunetV2) + " | " + baseline(search::Strategy::kStreamNet) + " | " +
         p.mcunetv2 + " / " + p.streamnet + " |";
}

}  // namespace

std::vector<std::string> RamTable(const std::string& models_dir) {
  std::vector<std::string> lines = {
      "| network | model | msf min RAM (planned = measured) | F | msf within the paper's RAM | "
      "paper msf-CNN (TVM measured, analytic F) | paper's min-RAM plan run by msf (exact F) | "
      "our mcunetv2 baseline | our streamnet baseline | MCUNetV2 / StreamNet (paper's chart) |",
      "|---|---|---|---|---|---|---|---|---|---|"};
  for (const PaperRow& p : kRows) {
    const ir::Graph zoo = frontend::LoadModel(p.zoo);
    lines.push_back(RamTableRow(std::string("`") + p.zoo + "` (chain, random weights)", zoo,
                                frontend::PatternInput(zoo), p));
    if (!models_dir.empty()) {
      const ir::Graph real = frontend::LoadModel(models_dir + "/" + p.tflite);
      lines.push_back(RamTableRow(std::string("`") + std::filesystem::path(p.tflite).filename().string() +
                                      "` (real, residuals)",
                                  real, frontend::ReadModelInput(real, models_dir + "/" + p.input), p));
    }
  }
  return lines;
}

}  // namespace msf::report
