// SPDX-License-Identifier: MIT
// Planner::Front and Planner::SolvePoint (what msf pareto prints).
#include <gtest/gtest.h>

#include <cmath>

#include "base/error.h"
#include "cost/latency_model.h"
#include "frontend/paper_zoo.h"
#include "plan/planner.h"
#include "search/instruction_dag.h"
#include "search/solvers.h"

namespace msf {
namespace {

TEST(PlannerFront, IsTheSolversFrontWithRealMacsAndPredictions) {
  const ir::Graph g = frontend::BuildZooModel("zoo:mcunet-vww-5fps-r80");
  const plan::Planner planner(g);
  const cost::LatencyModel m = cost::BuiltinLatencyModel("cortex-m4");
  for (search::Metric metric : {search::Metric::kMacs, search::Metric::kInstructions}) {
    const bool by_instructions = metric == search::Metric::kInstructions;
    const search::FusionDag instructions = search::InstructionDag(planner.dag(), m);
    const std::vector<search::Setting> expect = search::ParetoFront(by_instructions ? instructions : planner.dag());
    const std::vector<plan::TradeOff> front = planner.Front(metric, &m);
    ASSERT_EQ(front.size(), expect.size());
    for (size_t i = 0; i < front.size(); ++i) {
      const plan::TradeOff& t = front[i];
      EXPECT_EQ(t.plan.peak_ram_bytes, expect[i].peak_ram_bytes);
      EXPECT_EQ(t.cost, expect[i].macs);
      EXPECT_EQ(t.plan.macs, search::SettingOf(planner.dag(), expect[i].edges).macs);
      EXPECT_EQ(t.instructions, search::SettingOf(instructions, expect[i].edges).macs);
      EXPECT_EQ(t.plan.predicted_instructions, t.instructions + std::llround(m.per_invoke));
      EXPECT_EQ(t.plan.arena_bytes, 0) << "front points are not laid out";
      EXPECT_EQ(t.plan.strategy, "msf");
      int64_t sum = 0;
      for (const plan::PlanStep& s : t.plan.steps) sum += s.predicted_instructions;
      EXPECT_EQ(sum, t.instructions);
    }
    EXPECT_EQ(planner.VanillaCost(metric, &m),
              by_instructions ? instructions.vanilla_macs : planner.dag().vanilla_macs);
    // The last point is the min-RAM one, as SolvePoint finds it.
    plan::PlanRequest r;
    r.metric = metric;
    r.latency = &m;
    const plan::TradeOff min_ram = planner.SolvePoint(r);
    EXPECT_EQ(min_ram.plan.peak_ram_bytes, front.back().plan.peak_ram_bytes);
    EXPECT_EQ(min_ram.cost, front.back().cost);
  }
  const plan::TradeOff layer = planner.SolvePoint({{}, search::Strategy::kLayer});
  EXPECT_EQ(layer.plan.macs, planner.dag().vanilla_macs);
  EXPECT_EQ(layer.instructions, -1) << "no latency model, no prediction";
  EXPECT_EQ(layer.plan.strategy, "layer");
  EXPECT_THROW(planner.Front(search::Metric::kInstructions, nullptr), Error);
}

TEST(PlannerFront, StrategiesWithoutEdgesAndInstructionsUnderThePaperModelAreRefused) {
  const ir::Graph g = frontend::BuildZooModel("zoo:mcunet-vww-5fps-r80");
  plan::PlannerOptions o;
  o.cost_model = plan::CostModel::kPaper;
  const plan::Planner planner(g, o);
  EXPECT_FALSE(planner.Front(search::Metric::kMacs, nullptr).empty());
  EXPECT_THROW(planner.SolvePoint({{}, search::Strategy::kStreamNet}), Error);
  const cost::LatencyModel m = cost::BuiltinLatencyModel("cortex-m4");
  EXPECT_THROW(planner.Front(search::Metric::kInstructions, &m), Error);
}

}  // namespace
}  // namespace msf
