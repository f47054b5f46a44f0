// SPDX-License-Identifier: MIT
#include "plan/planner.h"

#include <cmath>
#include <cstdio>
#include <optional>

#include "base/error.h"
#include "cost/step_cost.h"
#include "ir/analysis.h"
#include "plan/arena_choice.h"
#include "plan/arena_plan.h"
#include "search/instruction_dag.h"
#include "search/paper_dag.h"
#include "search/solvers.h"
#include "step/step_memory.h"

namespace msf::plan {
namespace {

search::FusionDag BuildDag(const ir::Graph& g, const PlannerOptions& o) {
  if (o.cost_model == CostModel::kPaper && g.input_mode != ir::InputMode::kResident) {
    throw Error(std::string("--input-mode ") + ir::InputModeName(g.input_mode) +
                " needs the exact cost model (the paper's has no input reads)");
  }
  if (o.cost_model == CostModel::kPaper) return search::BuildPaperDag(g);
  search::ExactDagInfo info;
  search::FusionDag dag = search::BuildExactDag(g, o.exact, &info);
  if (info.max_block_ops < o.exact.max_block_ops && o.note) {
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  "fused blocks limited to %d ops to keep planning within --work-limit %.2g "
                  "(the full search needs about %.2g work units)",
                  info.max_block_ops, static_cast<double>(o.exact.work_limit), static_cast<double>(info.full_work));
    o.note(buf);
  }
  return dag;
}

// The checks of a request solved on predicted instructions.
void CheckMetric(search::Metric metric, const cost::LatencyModel* latency, CostModel cost_model) {
  if (metric != search::Metric::kInstructions) return;
  if (!latency) throw Error("solving for instructions needs a latency model (--target)");
  if (cost_model != CostModel::kExact) {
    throw Error("--objective instructions needs the exact cost model (the paper's edges carry no kernel work)");
  }
}

// The objective on the arena: a device RAM budget (count_io) less the
// buffers outside it.
search::Objective ArenaObjective(const PlanRequest& r, int64_t io) {
  search::Objective o = r.objective;
  if (r.count_io && o.kind == search::Objective::Kind::kRamBudget) {
    o.ram_budget -= io;
    if (o.ram_budget < 0) {
      throw Error("a device RAM budget of " + std::to_string(r.objective.ram_budget) + " bytes does not hold the " +
                  std::to_string(io) + " bytes of input and output buffers (--count-io)");
    }
  }
  return o;
}

// What every plan of `g` carries besides its steps.
void Stamp(const ir::Graph& g, Plan* p) {
  p->model = g.name;
  p->input_mode = g.input_mode;
  p->io_bytes = IoBufferBytes(g);
}

}  // namespace

const char* CostModelName(CostModel m) { return m == CostModel::kPaper ? "paper" : "exact"; }

CostModel ParseCostModel(const std::string& name) {
  if (name == "exact") return CostModel::kExact;
  if (name == "paper") return CostModel::kPaper;
  throw Error("unknown cost model '" + name + "' (expected exact or paper)");
}

Planner::Planner(const ir::Graph& g, PlannerOptions options)
    : g_(g), options_(std::move(options)), dag_(BuildDag(g_, options_)) {}

search::FusionDag Planner::DagFor(search::Strategy s) const { return search::Restrict(dag_, s); }

Plan Planner::PlanOf(const search::FusionDag& dag, const search::Setting& setting) const {
  Plan p = MakePlan(dag, setting);
  Stamp(g_, &p);
  p.cost_model = CostModelName(options_.cost_model);
  p.arena_bytes = PlanArena(g_, p).arena_bytes;
  return p;
}

Plan Planner::Solve(const PlanRequest& r) const {
  const bool instructions = r.metric == search::Metric::kInstructions;
  if (instructions && !r.latency) throw Error("solving for instructions needs a latency model (--target)");
  if (instructions && options_.cost_model != CostModel::kExact) {
    throw Error("--objective instructions needs the exact cost model (the paper's edges carry no kernel work)");
  }
  const search::FusionDag dag = DagFor(r.strategy);
  const int64_t io = IoBufferBytes(g_);
  const search::Objective objective = ArenaObjective(r, io);
  Plan plan;
  if (options_.cost_model == CostModel::kExact) {
    // Solve on MACs or predicted instructions, judge RAM by the static arena,
    // report real MACs either way.
    const search::FusionDag solver_dag = instructions ? search::InstructionDag(dag, *r.latency) : dag;
    ArenaChoice choice;
    try {
      choice = SolveForArena(g_, solver_dag, objective);
    } catch (const Error&) {
      if (!(r.count_io && objective.kind == search::Objective::Kind::kRamBudget)) throw;
      const int64_t smallest = SolveForArena(g_, solver_dag, search::Objective{}).arena_bytes + io;
      throw Error("no fusion setting fits a device RAM budget of " + std::to_string(r.objective.ram_budget) +
                  " bytes (arena + " + std::to_string(io) + " bytes of input and output buffers); the smallest feasible device RAM is " +
                  std::to_string(smallest) + " bytes");
    }
    const search::Setting setting = search::SettingOf(dag, choice.setting.edges);
    plan = MakePlan(dag, setting);
    plan.arena_bytes = choice.arena_bytes;
    if (r.latency) {
      std::vector<step::StepWork> work;
      for (int32_t e : setting.edges) work.push_back(dag.edges[static_cast<size_t>(e)].work);
      PredictPlan(&plan, work, *r.latency);
    }
  } else {
    plan = MakePlan(dag, search::SolveObjective(dag, objective));
    plan.arena_bytes = PlanArena(g_, plan).arena_bytes;  // the paper's blocks under msf's executor
    if (r.latency) PredictPlan(&plan, PlanStepWork(g_, plan), *r.latency);
  }
  Stamp(g_, &plan);
  plan.strategy = search::StrategyName(r.strategy);
  plan.cost_model = CostModelName(options_.cost_model);
  plan.objective = r.objective;
  plan.metric = r.metric;
  if (instructions) plan.metric_target = r.latency->target;
  return plan;
}

int64_t Planner::VanillaInstructions(const cost::LatencyModel& m) const {
  return cost::RoundPrediction(cost::PredictVanilla(g_, m));
}

TradeOff Planner::TradeOffOf(const search::FusionDag& dag, const search::FusionDag* instructions,
                             const cost::LatencyModel* latency, search::Metric metric,
                             const std::vector<int32_t>& edges) const {
  TradeOff t;
  t.plan = MakePlan(dag, search::SettingOf(dag, edges));
  Stamp(g_, &t.plan);
  t.plan.cost_model = CostModelName(options_.cost_model);
  t.plan.metric = metric;
  if (instructions && latency) {
    const search::Setting predicted = search::SettingOf(*instructions, edges);
    for (size_t i = 0; i < edges.size(); ++i) {
      t.plan.steps[i].predicted_instructions = instructions->edges[static_cast<size_t>(edges[i])].macs;
    }
    t.instructions = predicted.macs;
    t.instruction_overhead = predicted.MacOverhead(*instructions);
    t.plan.predicted_instructions = predicted.macs + std::llround(latency->per_invoke);
    t.plan.predicted_target = latency->target;
    if (metric == search::Metric::kInstructions) t.plan.metric_target = latency->target;
  }
  const bool by_instructions = metric == search::Metric::kInstructions;
  t.cost = by_instructions ? t.instructions : t.plan.macs;
  t.overhead = by_instructions ? t.instruction_overhead : t.plan.mac_overhead;
  return t;
}

std::vector<TradeOff> Planner::Front(search::Metric metric, const cost::LatencyModel* latency) const {
  CheckMetric(metric, latency, options_.cost_model);
  const std::optional<search::FusionDag> instructions =
      latency ? std::optional(search::InstructionDag(dag_, *latency)) : std::nullopt;
  const search::FusionDag& solver = metric == search::Metric::kInstructions ? *instructions : dag_;
  std::vector<TradeOff> front;
  for (const search::Setting& s : search::ParetoFront(solver)) {
    front.push_back(TradeOffOf(dag_, instructions ? &*instructions : nullptr, latency, metric, s.edges));
    front.back().plan.strategy = search::StrategyName(search::Strategy::kMsf);
  }
  return front;
}

TradeOff Planner::SolvePoint(const PlanRequest& r) const {
  CheckMetric(r.metric, r.latency, options_.cost_model);
  const search::FusionDag dag = DagFor(r.strategy);
  const std::optional<search::FusionDag> instructions =
      r.latency ? std::optional(search::InstructionDag(dag, *r.latency)) : std::nullopt;
  const search::FusionDag& solver = r.metric == search::Metric::kInstructions ? *instructions : dag;
  const search::Setting s = search::SolveObjective(solver, ArenaObjective(r, IoBufferBytes(g_)));
  TradeOff t = TradeOffOf(dag, instructions ? &*instructions : nullptr, r.latency, r.metric, s.edges);
  t.plan.strategy = search::StrategyName(r.strategy);
  t.plan.objective = r.objective;
  return t;
}

int64_t Planner::VanillaCost(search::Metric metric, const cost::LatencyModel* latency) const {
  CheckMetric(metric, latency, options_.cost_model);
  if (metric == search::Metric::kMacs) return dag_.vanilla_macs;
  return search::InstructionDag(dag_, *latency).vanilla_macs;
}

Plan PlanOfSteps(const ir::Graph& g, const std::vector<step::StepSpec>& steps, std::vector<step::StepWork>* work) {
  const step::GraphLiveness live = step::ComputeLiveness(g);
  search::FusionDag dag;
  dag.num_nodes = static_cast<int32_t>(g.ops.size()) + 1;
  dag.vanilla_macs = ir::TotalMacs(g);
  std::vector<int32_t> path;
  for (step::StepSpec spec : steps) {
    const std::optional<step::StepMemory> m = step::DescribeStep(g, live, spec);
    if (!m) {
      throw Error("ops " + std::to_string(spec.from) + ".." + std::to_string(spec.to - 1) + " cannot be fused");
    }
    spec.patch_h = m->schedule ? m->schedule->patch_h : 0;
    spec.patch_w = m->schedule ? m->schedule->patch_w : 0;
    path.push_back(static_cast<int32_t>(dag.edges.size()));
    dag.edges.push_back({spec, cost::ExactStepCost(g, live, *m, spec)});
    if (work) work->push_back(dag.edges.back().work);
  }
  Plan p = MakePlan(dag, search::SettingOf(dag, path));
  Stamp(g, &p);
  p.strategy = search::StrategyName(search::Strategy::kMsf);
  p.cost_model = CostModelName(CostModel::kExact);
  return p;
}

step::InputReads PlanInputReads(const ir::Graph& g, const Plan& plan) {
  const step::GraphLiveness live = step::ComputeLiveness(g);
  step::InputReads reads;
  for (const PlanStep& s : plan.steps) {
    const std::optional<step::StepMemory> m = step::DescribeStep(g, live, s);
    if (!m) throw Error("plan step over ops " + std::to_string(s.from) + ".." + std::to_string(s.to - 1) + " cannot be formed");
    reads.Add(step::InputReadsOf(g, *m, s));
  }
  return reads;
}

std::vector<step::StepWork> PlanStepWork(const ir::Graph& g, const Plan& plan) {
  const step::GraphLiveness live = step::ComputeLiveness(g);
  std::vector<step::StepWork> work;
  for (const PlanStep& s : plan.steps) {
    const std::optional<step::StepMemory> m = step::DescribeStep(g, live, s);
    if (!m) {
      throw Error("plan step over ops " + std::to_string(s.from) + ".." + std::to_string(s.to - 1) +
                  " cannot be formed by msf's geometry");
    }
    work.push_back(step::StepWorkOf(g, live, *m, s));
  }
  return work;
}

}  // namespace msf::plan
