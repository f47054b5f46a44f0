// SPDX-License-Identifier: MIT
// `msf report ram-table`: the RAM results of BENCHMARKS.md, regenerated from
// real msf runs (plan, fused execution, measured arena high-water mark,
// bit-exact check) next to the paper's published numbers.
#include <cstdio>
#include <filesystem>
#include <string>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/format.h"
#include "core/error.h"
#include "core/read_file.h"
#include "cost/exact_cost_model.h"
#include "cost/paper_cost_model.h"
#include "cost/step_memory.h"
#include "ir/analysis.h"
#include "exec/fused_executor.h"
#include "exec/reference_executor.h"
#include "fusion/plan_json.h"
#include "fusion/solvers.h"
#include "fusion/strategy.h"
#include "load/model_loader.h"

namespace msf::cli {
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

std::vector<int8_t> ReadInput(const std::string& path, int64_t n) {
  const std::string needs = ", the model input needs " + std::to_string(n);
  std::vector<int8_t> bytes = ReadWholeFile<int8_t>(path, "input file", n, needs);
  if (static_cast<int64_t>(bytes.size()) != n) {
    throw Error(path + ": has " + std::to_string(bytes.size()) + " bytes" + needs);
  }
  return bytes;
}

std::vector<int8_t> PatternInput(int64_t n) {
  std::vector<int8_t> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[static_cast<size_t>(i)] = static_cast<int8_t>((i * 29) % 256 - 128);
  return v;
}

struct Measured {
  int64_t planned = 0, measured = 0;
  double overhead = 0;
};

// Solves, runs in the arena, checks bit-exactness against the reference.
Measured RunSetting(const ir::Graph& g, const fusion::FusionDag& dag, const fusion::Setting& s,
                    const std::vector<int8_t>& input) {
  const fusion::Plan plan = fusion::MakePlan(dag, s);
  const exec::PlanRun run = exec::RunPlan(g, plan, input);
  if (run.output != exec::RunReference(g, input)) throw Error(g.name + ": fused output differs from the reference");
  if (run.measured_peak_bytes != run.planned_arena_bytes) throw Error(g.name + ": measured RAM differs from the plan");
  return {run.planned_arena_bytes, run.measured_peak_bytes, s.MacOverhead(dag)};
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
  const fusion::FusionDag paper = cost::BuildPaperDag(g);
  const fusion::Setting s = fusion::SolveMinRam(paper);
  fusion::Plan plan = fusion::MakePlan(paper, s);
  const exec::PlanRun run = exec::RunPlan(g, plan, input);
  if (run.output != exec::RunReference(g, input)) throw Error(g.name + ": paper plan output differs from the reference");
  const cost::GraphLiveness live = cost::ComputeLiveness(g);
  int64_t macs = 0;
  for (const fusion::PlanStep& step : plan.steps) {
    const cost::StepSpec spec{step.first_op, step.last_op + 1, step.kind, step.variant, step.patch_h, step.patch_w};
    const std::optional<cost::StepMemory> m = cost::DescribeStep(g, live, spec);
    if (!m) return "n/a";
    macs += m->schedule ? m->schedule->Macs(g) : ir::OpMacs(g, g.ops[static_cast<size_t>(step.first_op)]);
  }
  const double vanilla = static_cast<double>(ir::TotalMacs(g));
  return Kb(run.measured_peak_bytes) + " at F " + F(static_cast<double>(macs) / vanilla);
}

void RamTableRow(const std::string& label, const ir::Graph& g, const std::vector<int8_t>& input, const PaperRow& p) {
  const fusion::FusionDag dag = cost::BuildExactDag(g);
  const Measured min_ram = RunSetting(g, dag, fusion::SolveMinRam(dag), input);
  std::string at_paper = "infeasible";
  try {
    const Measured m = RunSetting(g, dag, fusion::SolveP2(dag, p.paper_bytes), input);
    at_paper = Kb(m.measured) + " at F " + F(m.overhead);
  } catch (const Error&) {
  }
  const auto baseline = [&](fusion::Strategy st) {
    try {
      const fusion::FusionDag r = fusion::Restrict(dag, st);
      const Measured m = RunSetting(g, r, fusion::SolveMinRam(r), input);
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
  std::printf("| %s | %s | %s | %s | %s | %s at F %s | %s | %s | %s | %s |\n", p.network, label.c_str(),
              Kb(min_ram.measured).c_str(), F(min_ram.overhead).c_str(), at_paper.c_str(),
              Kb(p.paper_bytes).c_str(), F(p.paper_overhead).c_str(), paper_exact.c_str(),
              baseline(fusion::Strategy::kMcunetV2).c_str(),
              baseline(fusion::Strategy::kStreamNet).c_str(), (std::string(p.mcunetv2) + " / " + p.streamnet).c_str());
}

}  // namespace

int RunReport(const std::vector<std::string>& argv) {
  if (!argv.empty() && argv[0] == "paper") return RunReportPaper(argv);
  Args args(argv, {"models"}, {});
  if (args.positional().size() != 1 || args.positional()[0] != "ram-table") {
    throw Error("usage: msf report ram-table [--models DIR] | msf report paper --out DIR [--models DIR]");
  }
  const std::string dir = args.Get("models").value_or("");
  std::printf("| network | model | msf min RAM (planned = measured) | F | msf within the paper's RAM | "
              "paper msf-CNN (TVM measured, analytic F) | paper's min-RAM plan run by msf (exact F) | "
              "our mcunetv2 baseline | our streamnet baseline | MCUNetV2 / StreamNet (paper's chart) |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|---|\n");
  for (const PaperRow& p : kRows) {
    const ir::Graph zoo = load::LoadModel(p.zoo);
    RamTableRow(std::string("`") + p.zoo + "` (chain, random weights)", zoo, PatternInput(zoo.tensor(zoo.input()).NumElements()), p);
    if (!dir.empty()) {
      const ir::Graph real = load::LoadModel(dir + "/" + p.tflite);
      RamTableRow(std::string("`") + std::filesystem::path(p.tflite).filename().string() + "` (real, residuals)", real,
                  ReadInput(dir + "/" + p.input, real.tensor(real.input()).NumElements()), p);
    }
  }
  return 0;
}

}  // namespace msf::cli
