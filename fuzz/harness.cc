// SPDX-License-Identifier: MIT
#include "fuzz/harness.h"

#include <cmath>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "base/error.h"
#include "search/exact_dag.h"
#include "step/step_memory.h"
#include "cost/latency_model.h"
#include "search/instruction_dag.h"
#include "search/paper_dag.h"
#include "exec/fused_executor.h"
#include "exec/reference_executor.h"
#include "cli/budget_parse.h"
#include "plan/plan_json.h"
#include "search/solvers.h"
#include "search/strategy.h"
#include "frontend/tflite_importer.h"
#include "ir/analysis.h"
#include "ir/canonicalize.h"
#include "plan/arena_plan.h"
#include "support/random_graph.h"

namespace msf::fuzz {
namespace {

// Limits that keep one input fast (the fuzzer runs thousands per second).
constexpr size_t kMaxDagOps = 96;                 // BuildExactDag only below this
constexpr int64_t kMaxDagActivationBytes = 1 << 20;
constexpr int64_t kMaxRunMacs = 4'000'000;        // run the executors only below this
constexpr int64_t kMaxRunActivationBytes = 256 << 10;

void CheckMessage(const Error& e) {
  const std::string what = e.what();
  if (what.empty()) throw HarnessFailure("msf::Error with an empty message");
  if (what.rfind("internal", 0) == 0) throw HarnessFailure("internal error: " + what);
  if (what.find('\n') != std::string::npos) throw HarnessFailure("msf::Error message is not one line: " + what);
}

// Sum of the bytes of every activation tensor (what the reference executor allocates).
int64_t ActivationBytes(const ir::Graph& g) {
  int64_t total = 0;
  for (const ir::Tensor& t : g.tensors) {
    if (!t.IsConstant()) total += t.Bytes();
  }
  return total;
}

std::vector<int8_t> PatternInput(size_t n) {
  std::vector<int8_t> input(n);
  for (size_t i = 0; i < n; ++i) input[i] = static_cast<int8_t>((i * 37 + 11) % 256 - 128);
  return input;
}

// The plan must run in its arena exactly like the reference executor.
void CheckPlanRun(const ir::Graph& g, const plan::Plan& plan, const std::vector<int8_t>& input,
                  const std::vector<int8_t>& expected) {
  const exec::PlanRun run = exec::RunPlan(g, plan, input);
  if (run.output != expected) throw HarnessFailure("fused output differs from the reference executor");
  if (run.measured_peak_bytes != run.planned_arena_bytes) {
    throw HarnessFailure("measured arena " + std::to_string(run.measured_peak_bytes) + " bytes != planned " +
                         std::to_string(run.planned_arena_bytes));
  }
  if (!run.guards_intact) throw HarnessFailure("guard bytes overwritten");
}

void TfliteBody(const uint8_t* data, size_t size) {
  auto bytes = std::make_shared<const std::vector<uint8_t>>(data, data + size);
  ir::Graph g = frontend::ImportTfliteBuffer(bytes, "fuzz.tflite");
  ir::Canonicalize(g);
  // What `msf info` computes for every model that loads.
  (void)ir::TotalMacs(g);
  (void)step::LayerByLayerRam(g);
  if (g.ops.size() > kMaxDagOps || ActivationBytes(g) > kMaxDagActivationBytes) return;
  search::ExactOptions options;
  options.max_block_ops = 4;
  options.patch_sizes = {1, 2};
  const search::FusionDag dag = search::BuildExactDag(g, options);
  // What `msf plan` / `msf pareto` do next: the front, the baselines, the
  // paper cost model (a baseline or the paper DAG may be refused cleanly).
  (void)search::ParetoFront(dag);
  for (search::Strategy s : {search::Strategy::kLayer, search::Strategy::kMcunetV2, search::Strategy::kStreamNet}) {
    try {
      (void)search::SolveMinRam(search::Restrict(dag, s));
    } catch (const Error& e) {
      CheckMessage(e);
    }
  }
  try {
    (void)search::ParetoFront(search::BuildPaperDag(g));
  } catch (const Error& e) {
    CheckMessage(e);
  }
  if (ir::TotalMacs(g) > kMaxRunMacs || ActivationBytes(g) > kMaxRunActivationBytes) return;
  // Every input's bytes (several inputs, float32 ones: 4 bytes per element).
  const size_t n = static_cast<size_t>(exec::IoLayoutOf(g).InputBytes());
  (void)exec::RunReference(g, std::vector<int8_t>(n, 0));
  // Every graph that imports has at least the layer-by-layer path; its
  // min-RAM plan must match the reference on a non-trivial input.
  const std::vector<int8_t> input = PatternInput(n);
  const plan::Plan plan = plan::MakePlan(dag, search::SolveMinRam(dag));
  CheckPlanRun(g, plan, input, exec::RunReference(g, input));
}

void PlanBody(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const plan::Plan plan = plan::PlanFromJsonText(text);
  // A plan that loads is written back identically.
  const std::string again = plan::PlanToJsonText(plan);
  if (plan::PlanToJsonText(plan::PlanFromJsonText(again)) != again) {
    throw HarnessFailure("plan JSON does not survive a round trip");
  }
  const std::vector<ir::Graph>& models = PlanModels();
  const ir::Graph* g = &models[static_cast<size_t>(plan.num_ops) % models.size()];
  for (const ir::Graph& m : models) {
    if (static_cast<int32_t>(m.ops.size()) == plan.num_ops) g = &m;
  }
  const plan::ArenaPlan arena = plan::PlanArena(*g, plan);  // validates the plan against the model
  if (!plan::VerifyNoOverlap(arena)) throw HarnessFailure("arena buffers overlap");
  if (arena.arena_bytes < arena.peak_step_bytes) throw HarnessFailure("arena smaller than its peak step");
  const std::vector<int8_t> input = PatternInput(static_cast<size_t>(exec::IoLayoutOf(*g).InputBytes()));
  CheckPlanRun(*g, plan, input, exec::RunReference(*g, input));
}

void BudgetBody(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const int64_t bytes = cli::ParseRamBudget(text);
    if (bytes <= 0) throw HarnessFailure("ParseRamBudget accepted a non-positive budget");
    if (text.empty() || text[0] < '0' || text[0] > '9') throw HarnessFailure("ParseRamBudget accepted a non-number");
  } catch (const Error& e) {
    CheckMessage(e);
  }
  try {
    const double f = cli::ParseMaxOverhead(text);
    if (!(f > 0)) throw HarnessFailure("ParseMaxOverhead accepted a non-positive or NaN factor");
  } catch (const Error& e) {
    CheckMessage(e);
  }
}

void CalibrationBody(const uint8_t* data, size_t size) {
  const cost::LatencyModel m = cost::LatencyModelFromJson(std::string_view(reinterpret_cast<const char*>(data), size));
  for (double c : m.Coefficients()) {
    if (!(c >= 0 && c <= cost::kMaxCoefficient)) throw HarnessFailure("a coefficient outside [0, 1e9] was accepted");
  }
  if (cost::LatencyModelFromJson(cost::LatencyModelToJson(m)).Coefficients() != m.Coefficients()) {
    throw HarnessFailure("latency model JSON round trip changed the coefficients");
  }
  static const search::FusionDag small = [] {
    search::ExactOptions options;
    options.max_block_ops = 4;
    options.patch_sizes = {1, 2};
    return search::BuildExactDag(PlanModels()[0], options);
  }();
  search::FusionDag extreme = small;  // the largest counts a StepWork can hold, on every feature
  for (search::Edge& e : extreme.edges) {
    for (auto* counts : {&e.work.executed_macs, &e.work.taps, &e.work.tap_rows, &e.work.out_bytes, &e.work.calls,
                         &e.work.pixels, &e.work.border_pixels, &e.work.tail_elems}) {
      counts->fill(INT64_MAX);
    }
  }
  for (const search::FusionDag* dag : {&small, static_cast<const search::FusionDag*>(&extreme)}) {
    const search::FusionDag idag = search::InstructionDag(*dag, m);
    for (const search::Edge& e : idag.edges) {
      if (e.macs < 0) throw HarnessFailure("negative predicted instructions");
    }
    (void)search::SolveMinRam(idag);
    (void)search::ParetoFront(idag);
    (void)search::SolveP1(idag, 1.5);
  }
}

// Runs `body`; a clean msf::Error is an accepted outcome.
template <typename Body>
void Guarded(Body body, const uint8_t* data, size_t size) {
  try {
    body(data, size);
  } catch (const Error& e) {
    CheckMessage(e);
  }
}

}  // namespace

const std::vector<ir::Graph>& PlanModels() {
  static const std::vector<ir::Graph> models = [] {
    std::vector<ir::Graph> v;
    std::set<size_t> op_counts;
    for (uint64_t seed = 1; v.size() < 6 && seed < 200; ++seed) {
      ir::Graph g = test::RandomGraph(seed);
      if (!op_counts.insert(g.ops.size()).second) continue;
      ir::Verify(g);
      v.push_back(std::move(g));
    }
    return v;
  }();
  return models;
}

void TfliteOne(const uint8_t* data, size_t size) { Guarded(TfliteBody, data, size); }
void PlanOne(const uint8_t* data, size_t size) { Guarded(PlanBody, data, size); }
void BudgetOne(const uint8_t* data, size_t size) { BudgetBody(data, size); }
void CalibrationOne(const uint8_t* data, size_t size) { Guarded(CalibrationBody, data, size); }

}  // namespace msf::fuzz
