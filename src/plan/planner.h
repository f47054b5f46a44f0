// SPDX-License-Identifier: MIT
// The one place that assembles the pipeline: graph -> fusion DAG (built once
// per graph and cost model) -> restriction to a strategy -> solve -> arena
// layout -> plan, with the latency prediction when asked. `msf plan`, the
// reports, calibration and the tests all plan through it, so every plan is
// judged against the static arena the executor really allocates.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "cost/latency_model.h"
#include "ir/graph.h"
#include "plan/plan.h"
#include "search/dag.h"
#include "search/exact_dag.h"
#include "search/objective.h"
#include "search/strategy.h"
#include "step/input_reads.h"

namespace msf::plan {

enum class CostModel { kExact, kPaper };
const char* CostModelName(CostModel m);  // "exact", "paper"
// Throws msf::Error for anything but the two names above.
CostModel ParseCostModel(const std::string& name);

struct PlannerOptions {
  CostModel cost_model = CostModel::kExact;
  search::ExactOptions exact;  // work limit and progress of the exact DAG build
  // Told once when the work limit made the exact model consider shorter blocks.
  std::function<void(const std::string&)> note;
};

struct PlanRequest {
  search::Objective objective;
  search::Strategy strategy = search::Strategy::kMsf;
  search::Metric metric = search::Metric::kMacs;  // what the solver minimises
  // Predicts each step's instructions; required for Metric::kInstructions.
  const cost::LatencyModel* latency = nullptr;
  // The RAM budget is the device's: the arena plus the input / output
  // buffers outside it (IoBufferBytes).
  bool count_io = false;
};

// A point of a RAM/cost trade-off (Front, and the solutions msf pareto
// compares with it): solved on the DAG's peak RAM, not laid out (arena_bytes 0).
struct TradeOff {
  // Steps, peak RAM and real MACs. With a latency model, each step's predicted
  // instructions as the solvers count them (rounded per step, see
  // search::InstructionDag) and the total: their sum plus per_invoke rounded.
  Plan plan;
  int64_t cost = 0;       // what the solver minimised: MACs, or the steps' predicted instructions
  double overhead = 0.0;  // cost over layer-by-layer execution's
  int64_t instructions = -1;         // the steps' predicted instructions (per_invoke excluded); -1: no model
  double instruction_overhead = 0.0;  // over layer-by-layer execution's, counted the same way
};

class Planner {
 public:
  // Builds the fusion DAG of `g` (which must outlive the planner).
  explicit Planner(const ir::Graph& g, PlannerOptions options = {});

  const ir::Graph& graph() const { return g_; }
  CostModel cost_model() const { return options_.cost_model; }
  const search::FusionDag& dag() const { return dag_; }

  // The DAG a strategy may use (search::Restrict); throws msf::Error when the
  // strategy has no edge under this cost model.
  search::FusionDag DagFor(search::Strategy s) const;

  // Solves the request. The exact cost model judges RAM by the arena (the
  // plan never exceeds a RAM budget for real); the paper's model solves on
  // its analytic peak and its blocks are laid out by msf's exact geometry.
  // Fills model (the graph's name), strategy, cost_model, objective, metric,
  // arena_bytes and, with a latency model, the predicted instructions.
  // Throws msf::Error when the objective cannot be met.
  Plan Solve(const PlanRequest& request) const;

  // The plan of a setting of `dag` (a DAG of this planner), its arena laid
  // out; strategy and objective left for the caller.
  Plan PlanOf(const search::FusionDag& dag, const search::Setting& setting) const;

  // Predicted instructions of layer-by-layer execution.
  int64_t VanillaInstructions(const cost::LatencyModel& m) const;

  // Every non-dominated (peak RAM, cost) setting of the whole DAG, by
  // decreasing peak RAM, where cost is MACs or (Metric::kInstructions) the
  // instructions `latency` predicts. With a latency model every point carries
  // its predicted instructions. Throws msf::Error for kInstructions without a
  // latency model or with the paper cost model.
  std::vector<TradeOff> Front(search::Metric metric, const cost::LatencyModel* latency) const;

  // The request solved like Front's points, on the DAG's peak RAM (not the
  // arena): e.g. a baseline strategy's min-RAM point beside the front. Throws
  // msf::Error as Solve does, and when the strategy has no edge (DagFor).
  TradeOff SolvePoint(const PlanRequest& request) const;

  // Layer-by-layer execution's cost as the solvers count it: vanilla MACs, or
  // the sum of each layer's rounded predicted instructions (per_invoke excluded).
  int64_t VanillaCost(search::Metric metric, const cost::LatencyModel* latency) const;

 private:
  // The trade-off point of the path `edges` of `dag`; `instructions` is
  // InstructionDag(dag) when a latency model is given.
  TradeOff TradeOffOf(const search::FusionDag& dag, const search::FusionDag* instructions,
                      const cost::LatencyModel* latency, search::Metric metric,
                      const std::vector<int32_t>& edges) const;

  const ir::Graph& g_;
  PlannerOptions options_;
  search::FusionDag dag_;
};

// The plan made of exactly these steps (e.g. calibration micro-benchmarks),
// each costed by the exact model; a fused step's patch is the one its
// schedule really uses. `work` (optional) receives each step's work. Not
// laid out (arena_bytes 0); throws msf::Error for a step that cannot be formed.
Plan PlanOfSteps(const ir::Graph& g, const std::vector<step::StepSpec>& steps,
                 std::vector<step::StepWork>* work = nullptr);

// What `plan` asks of the input sensor, summed over its steps (zero for a
// resident input).
step::InputReads PlanInputReads(const ir::Graph& g, const Plan& plan);

// The work of each step of `plan` on `g` (for latency predictions of plans
// read from a file or built by the paper's model).
std::vector<step::StepWork> PlanStepWork(const ir::Graph& g, const Plan& plan);

}  // namespace msf::plan
