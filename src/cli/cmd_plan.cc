// SPDX-License-Identifier: MIT
// `msf plan`: solve one fusion setting (P1, P2 or min RAM) and print or save it.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "cli/commands.h"
#include "cli/format.h"
#include "cli/planner_options.h"
#include "cli/latency_options.h"
#include "base/error.h"
#include "cli/budget_parse.h"
#include "plan/plan_json.h"
#include "plan/planner.h"
#include "search/strategy.h"
#include "frontend/model_loader.h"

namespace msf::cli {
namespace {

struct PlanArgs {
  std::string model;
  std::optional<int64_t> ram_budget;
  std::optional<double> max_overhead;
  bool min_ram = false;
  search::Strategy strategy = search::Strategy::kMsf;
  std::optional<std::string> json;
  PlannerArgs planner;
  LatencyArgs latency;
};

search::Objective ObjectiveOf(const PlanArgs& a) {
  const int given = (a.ram_budget ? 1 : 0) + (a.max_overhead ? 1 : 0) + (a.min_ram ? 1 : 0);
  if (given != 1) {
    throw Error("choose exactly one objective: --ram-budget B, --max-overhead F or --min-ram");
  }
  search::Objective o;
  if (a.ram_budget) {
    o.kind = search::Objective::Kind::kRamBudget;
    o.ram_budget = *a.ram_budget;
  } else if (a.max_overhead) {
    o.kind = search::Objective::Kind::kMaxOverhead;
    o.max_overhead = *a.max_overhead;
  }
  return o;
}

std::string ObjectiveText(const search::Objective& o, search::Metric metric, const std::string& target) {
  const bool instructions = metric == search::Metric::kInstructions;
  const std::string what = instructions ? "predicted " + target + " instructions" : "MACs";
  switch (o.kind) {
    case search::Objective::Kind::kRamBudget:
      return "fewest " + what + " with peak RAM <= " + Thousands(o.ram_budget) + " bytes";
    case search::Objective::Kind::kMaxOverhead: {
      if (std::isinf(o.max_overhead)) return "lowest peak RAM, any " + std::string(instructions ? "instruction" : "MAC") + " overhead";
      char buf[64];
      std::snprintf(buf, sizeof buf, " <= %g x vanilla", o.max_overhead);
      return "lowest peak RAM with " + what + buf;
    }
    case search::Objective::Kind::kMinRam: break;
  }
  return "lowest peak RAM";
}

// `vanilla_instructions`: predicted for layer-by-layer execution (when predicted).
void PrintPlan(const plan::Plan& p, int64_t vanilla_instructions) {
  const bool predicted = p.predicted_instructions >= 0;
  std::printf("model: %s\nstrategy: %s, cost model: %s\nobjective: %s\n\n", p.model.c_str(), p.strategy.c_str(),
              p.cost_model.c_str(), ObjectiveText(p.objective, p.metric, p.metric_target).c_str());
  std::printf("%5s  %-9s  %-5s  %-9s  %-5s  %12s  %14s%s\n", "step", "ops", "kind", "variant", "patch", "RAM bytes",
              "MACs", predicted ? "    instructions" : "");
  int fused = 0;
  for (size_t i = 0; i < p.steps.size(); ++i) {
    const plan::PlanStep& s = p.steps[i];
    const bool is_fused = s.kind == step::StepKind::kFused;
    fused += is_fused ? 1 : 0;
    const std::string ops = s.to == s.from + 1 ? std::to_string(s.from)
                                                    : std::to_string(s.from) + "-" + std::to_string(s.to - 1);
    const std::string patch = is_fused ? std::to_string(s.patch_h) + "x" + std::to_string(s.patch_w) : "-";
    const std::string instructions = predicted ? "  " + std::string(14 - std::min<size_t>(14, Thousands(s.predicted_instructions).size()), ' ') +
                                                     Thousands(s.predicted_instructions)
                                               : "";
    std::printf("%5zu  %-9s  %-5s  %-9s  %-5s  %12s  %14s%s%s\n", i, ops.c_str(), is_fused ? "fused" : "layer",
                is_fused ? step::VariantName(s.variant) : "-", patch.c_str(), Thousands(s.ram_bytes).c_str(),
                Thousands(s.macs).c_str(), instructions.c_str(), s.ram_bytes == p.peak_ram_bytes ? "  <- peak" : "");
  }
  std::printf("\npeak RAM: %s bytes (network input/output not counted; %s bytes with them)\n",
              Thousands(p.peak_ram_bytes).c_str(), Thousands(p.peak_ram_bytes_with_io).c_str());
  std::printf("arena: %s bytes (the static buffer the executor allocates%s)\n", Thousands(p.arena_bytes).c_str(),
              p.cost_model == "paper" ? ", laid out by msf's exact geometry" : "");
  std::printf("MACs: %s = %.4f x vanilla (%s)\n", Thousands(p.macs).c_str(), p.mac_overhead,
              Thousands(p.vanilla_macs).c_str());
  if (predicted) {
    std::printf("predicted instructions on %s: %s = %.4f x vanilla (%s)\n", p.predicted_target.c_str(),
                Thousands(p.predicted_instructions).c_str(),
                static_cast<double>(p.predicted_instructions) / static_cast<double>(vanilla_instructions),
                Thousands(vanilla_instructions).c_str());
  }
  std::printf("steps: %zu (%d fused, %zu layer) over %d ops\n", p.steps.size(), fused, p.steps.size() - fused,
              p.num_ops);
}

// The device's view: input mode, what the sensor is asked for, and the RAM
// of arena + buffers.
void PrintDeviceRam(const plan::Plan& p, const step::InputReads& reads) {
  if (p.input_mode == ir::InputMode::kResident) {
    std::printf("input: resident (a whole tensor outside the arena)\n");
  } else {
    std::printf("input: %s, %s pixels read for %s (%s re-read%s)\n", ir::InputModeName(p.input_mode),
                Thousands(reads.pixels).c_str(), Thousands(reads.distinct).c_str(), Thousands(reads.Rereads()).c_str(),
                reads.in_order_once ? ", each row once, in order" : "");
  }
  std::printf("device RAM: %s bytes = arena %s + input/output buffers %s\n", Thousands(p.DeviceRamBytes()).c_str(),
              Thousands(p.arena_bytes).c_str(), Thousands(p.io_bytes).c_str());
}

int RunPlan(const PlanArgs& a) {
  if (a.json) CheckNotAnInput(*a.json, {a.model, a.latency.calibration.value_or("")});
  const search::Objective objective = ObjectiveOf(a);
  const LatencyChoice latency = LatencyOption(a.latency, a.planner.cost_model);

  const ir::Graph g = frontend::LoadModel(a.model, a.planner.input_mode);
  const plan::Planner planner(g, PlannerOptionsFrom(a.planner));
  plan::PlanRequest request;
  request.count_io = a.planner.count_io;
  request.objective = objective;
  request.strategy = a.strategy;
  request.metric = latency.metric;
  request.latency = latency.model ? &*latency.model : nullptr;
  plan::Plan plan = planner.Solve(request);
  plan.model = a.model;
  PrintPlan(plan, latency.model ? planner.VanillaInstructions(*latency.model) : 0);
  PrintDeviceRam(plan, plan::PlanInputReads(g, plan));
  if (a.json) plan::WritePlanFile(*a.json, plan);
  return 0;
}

}  // namespace

void AddPlan(CLI::App& parent, std::vector<Command>* commands) {
  auto a = std::make_shared<PlanArgs>();
  CLI::App* app = parent.add_subcommand(
      "plan", "choose the fusion blocks: fewest MACs within a RAM budget, or least RAM (within F x MACs)");
  AddModel(app, &a->model);
  AddValue(app, "--ram-budget", "B", "fewest MACs with peak RAM within B bytes (64000, 64k, 64kB, 64KiB)",
           [a](const std::string& v) { a->ram_budget = ParseRamBudget(v); })
      ->group(kChooseOneGroup);
  AddValue(app, "--max-overhead", "F", "least RAM within F x vanilla MACs (F may be inf)",
           [a](const std::string& v) { a->max_overhead = ParseMaxOverhead(v); })
      ->group(kChooseOneGroup);
  AddFlag(app, "--min-ram", "least RAM", &a->min_ram)->group(kChooseOneGroup);
  AddValue(app, "--strategy", "msf|layer|mcunetv2|streamnet",
           "msf: any fusion (default); layer: layer by layer; mcunetv2, streamnet: the baselines' block shapes",
           [a](const std::string& v) { a->strategy = search::ParseStrategy(v); });
  AddPlannerOptions(app, &a->planner);
  AddText(app, "--json", "PLAN.json", "write the plan (for msf run and msf codegen)", &a->json);
  AddLatencyOptions(app, &a->latency);
  commands->push_back({app, [a] { return RunPlan(*a); }});
}

}  // namespace msf::cli
