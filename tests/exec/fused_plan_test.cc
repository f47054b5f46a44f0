// SPDX-License-Identifier: MIT
// Fused execution of solver plans on the shared models: output bytes equal
// the golden files, and the measured arena high-water mark equals the
// planned arena, to the byte.
#include <gtest/gtest.h>

#include "core/error.h"
#include "cost/exact_cost_model.h"
#include "exec/fused_executor.h"
#include "exec/reference_executor.h"
#include "fusion/plan_json.h"
#include "fusion/solvers.h"
#include "fusion/strategy.h"
#include "load/model_loader.h"
#include "support/test_support.h"

namespace msf {
namespace {

struct PlanCase {
  std::string name;
  std::function<fusion::Setting(const fusion::FusionDag&)> solve;
  fusion::Strategy strategy = fusion::Strategy::kMsf;
};

std::vector<PlanCase> Cases() {
  using fusion::Strategy;
  return {
      {"min_ram", [](const fusion::FusionDag& d) { return fusion::SolveMinRam(d); }},
      {"overhead_1_1", [](const fusion::FusionDag& d) { return fusion::SolveP1(d, 1.1); }},
      {"overhead_1_3", [](const fusion::FusionDag& d) { return fusion::SolveP1(d, 1.3); }},
      {"overhead_1_5", [](const fusion::FusionDag& d) { return fusion::SolveP1(d, 1.5); }},
      {"budget_16k", [](const fusion::FusionDag& d) { return fusion::SolveP2(d, 16000); }},
      {"budget_32k", [](const fusion::FusionDag& d) { return fusion::SolveP2(d, 32000); }},
      {"budget_64k", [](const fusion::FusionDag& d) { return fusion::SolveP2(d, 64000); }},
      {"budget_128k", [](const fusion::FusionDag& d) { return fusion::SolveP2(d, 128000); }},
      {"layer", [](const fusion::FusionDag& d) { return fusion::SolveMinRam(d); }, Strategy::kLayer},
      {"mcunetv2", [](const fusion::FusionDag& d) { return fusion::SolveMinRam(d); }, Strategy::kMcunetV2},
      {"streamnet", [](const fusion::FusionDag& d) { return fusion::SolveMinRam(d); }, Strategy::kStreamNet},
  };
}

TEST(FusedPlan, SharedModelsAreBitExactAndMeasuredEqualsPlanned) {
  MSF_REQUIRE_MODELS();
  const std::string dir = test::ModelsDir() + "/";
  std::string last_model;
  ir::Graph g;
  fusion::FusionDag dag;
  int runs = 0, fused_steps = 0;
  for (const test::GoldenCase& c : test::GoldenCases()) {
    if (c.model != last_model) {
      g = load::LoadModel(dir + c.model);
      dag = cost::BuildExactDag(g);
      last_model = c.model;
    }
    const std::vector<uint8_t> raw = test::ReadFile(dir + c.input);
    const std::vector<int8_t> input(raw.begin(), raw.end());
    const std::vector<uint8_t> expected = test::ReadFile(dir + c.expected);
    for (const PlanCase& pc : Cases()) {
      SCOPED_TRACE(c.model + " " + c.input + " " + pc.name);
      fusion::Setting setting;
      const fusion::FusionDag restricted = fusion::Restrict(dag, pc.strategy);
      try {
        setting = pc.solve(restricted);
      } catch (const Error&) {
        continue;  // infeasible objective for this model
      }
      const fusion::Plan plan = fusion::MakePlan(restricted, setting);
      const exec::PlanRun run = exec::RunPlan(g, plan, input);
      EXPECT_EQ(std::vector<uint8_t>(run.output.begin(), run.output.end()), expected);
      EXPECT_EQ(run.measured_peak_bytes, run.planned_arena_bytes);
      EXPECT_EQ(run.planned_peak_bytes, setting.peak_ram_bytes);
      EXPECT_TRUE(run.guards_intact);
      ++runs;
      for (const fusion::PlanStep& step : plan.steps) fused_steps += step.kind == fusion::StepKind::kFused;
    }
  }
  EXPECT_GE(runs, 16 * 9);  // only the small budgets may be infeasible
  EXPECT_GT(fused_steps, runs);
  std::printf("%d plans run, %d fused steps\n", runs, fused_steps);
}

}  // namespace
}  // namespace msf
