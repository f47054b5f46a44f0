// SPDX-License-Identifier: MIT
// `msf plan`: solve one fusion setting (P1, P2 or min RAM) and print or save it.
#include <cmath>
#include <cstdio>
#include <string>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/format.h"
#include "cli/fusion_options.h"
#include "core/error.h"
#include "fusion/budget_parse.h"
#include "fusion/plan_json.h"
#include "fusion/solvers.h"
#include "fusion/strategy.h"
#include "load/model_loader.h"
#include "plan/arena_choice.h"
#include "plan/arena_plan.h"

namespace msf::cli {
namespace {

constexpr const char* kPlanUsage =
    "usage: msf plan MODEL (--ram-budget B | --max-overhead F | --min-ram) "
    "[--strategy msf|layer|mcunetv2|streamnet] [--cost-model exact|paper] [--json PLAN.json]";

fusion::Objective ObjectiveOption(const Args& args) {
  const auto budget = args.Get("ram-budget");
  const auto overhead = args.Get("max-overhead");
  const int given = (budget ? 1 : 0) + (overhead ? 1 : 0) + (args.Has("min-ram") ? 1 : 0);
  if (given != 1) {
    throw Error("choose exactly one objective: --ram-budget B, --max-overhead F or --min-ram");
  }
  fusion::Objective o;
  if (budget) {
    o.kind = fusion::Objective::Kind::kRamBudget;
    o.ram_budget = fusion::ParseRamBudget(*budget);
  } else if (overhead) {
    o.kind = fusion::Objective::Kind::kMaxOverhead;
    o.max_overhead = fusion::ParseMaxOverhead(*overhead);
  }
  return o;
}

std::string ObjectiveText(const fusion::Objective& o) {
  switch (o.kind) {
    case fusion::Objective::Kind::kRamBudget:
      return "fewest MACs with peak RAM <= " + Thousands(o.ram_budget) + " bytes";
    case fusion::Objective::Kind::kMaxOverhead: {
      if (std::isinf(o.max_overhead)) return "lowest peak RAM, any MAC overhead";
      char buf[64];
      std::snprintf(buf, sizeof buf, "lowest peak RAM with MACs <= %g x vanilla", o.max_overhead);
      return buf;
    }
    case fusion::Objective::Kind::kMinRam: break;
  }
  return "lowest peak RAM";
}

void PrintPlan(const fusion::Plan& p) {
  std::printf("model: %s\nstrategy: %s, cost model: %s\nobjective: %s\n\n", p.model.c_str(), p.strategy.c_str(),
              p.cost_model.c_str(), ObjectiveText(p.objective).c_str());
  std::printf("%5s  %-9s  %-5s  %-9s  %-5s  %12s  %14s\n", "step", "ops", "kind", "variant", "patch", "RAM bytes",
              "MACs");
  int fused = 0;
  for (size_t i = 0; i < p.steps.size(); ++i) {
    const fusion::PlanStep& s = p.steps[i];
    const bool is_fused = s.kind == fusion::StepKind::kFused;
    fused += is_fused ? 1 : 0;
    const std::string ops = s.first_op == s.last_op ? std::to_string(s.first_op)
                                                    : std::to_string(s.first_op) + "-" + std::to_string(s.last_op);
    const std::string patch = is_fused ? std::to_string(s.patch_h) + "x" + std::to_string(s.patch_w) : "-";
    std::printf("%5zu  %-9s  %-5s  %-9s  %-5s  %12s  %14s%s\n", i, ops.c_str(), is_fused ? "fused" : "layer",
                is_fused ? fusion::VariantName(s.variant) : "-", patch.c_str(), Thousands(s.ram_bytes).c_str(),
                Thousands(s.macs).c_str(), s.ram_bytes == p.peak_ram_bytes ? "  <- peak" : "");
  }
  std::printf("\npeak RAM: %s bytes (network input/output not counted; %s bytes with them)\n",
              Thousands(p.peak_ram_bytes).c_str(), Thousands(p.peak_ram_bytes_with_io).c_str());
  std::printf("arena: %s bytes (the static buffer the executor allocates%s)\n", Thousands(p.arena_bytes).c_str(),
              p.cost_model == "paper" ? ", laid out by msf's exact geometry" : "");
  std::printf("MACs: %s = %.4f x vanilla (%s)\n", Thousands(p.macs).c_str(), p.mac_overhead,
              Thousands(p.vanilla_macs).c_str());
  std::printf("steps: %zu (%d fused, %zu layer) over %d ops\n", p.steps.size(), fused, p.steps.size() - fused,
              p.num_ops);
}

}  // namespace

int RunPlan(const std::vector<std::string>& argv) {
  Args args(argv, {"ram-budget", "max-overhead", "strategy", "cost-model", "json"}, {"min-ram"});
  if (args.positional().size() != 1) throw Error(kPlanUsage);
  const fusion::Objective objective = ObjectiveOption(args);
  const fusion::Strategy strategy = fusion::ParseStrategy(args.Get("strategy").value_or("msf"));
  const std::string cost_model = CostModelOption(args);

  const std::string& model = args.positional()[0];
  const ir::Graph g = load::LoadModel(model);
  const fusion::FusionDag dag = fusion::Restrict(BuildFusionDag(g, cost_model), strategy);
  fusion::Plan plan;
  if (cost_model == "exact") {
    // Judge RAM by the static arena the executor will really allocate.
    const plan::ArenaChoice choice = plan::SolveForArena(g, dag, objective);
    plan = fusion::MakePlan(dag, choice.setting);
    plan.arena_bytes = choice.arena_bytes;
  } else {
    plan = fusion::MakePlan(dag, fusion::SolveObjective(dag, objective));
    plan.arena_bytes = plan::PlanArena(g, plan).arena_bytes;  // the paper's blocks under msf's executor
  }
  plan.model = model;
  plan.strategy = fusion::StrategyName(strategy);
  plan.cost_model = cost_model;
  plan.objective = objective;
  PrintPlan(plan);
  if (auto path = args.Get("json")) fusion::WritePlanFile(*path, plan);
  return 0;
}

}  // namespace msf::cli
