// SPDX-License-Identifier: MIT
// Fused execution of solver plans on the shared models: output bytes equal
// the golden files, and the measured arena high-water mark equals the
// planned arena, to the byte.
#include <gtest/gtest.h>

#include "base/error.h"
#include "search/exact_dag.h"
#include "exec/fused_executor.h"
#include "exec/reference_executor.h"
#include "plan/plan_json.h"
#include "search/solvers.h"
#include "search/strategy.h"
#include "frontend/model_loader.h"
#include "support/test_support.h"

namespace msf {
namespace {

struct PlanCase {
  std::string name;
  std::function<search::Setting(const search::FusionDag&)> solve;
  search::Strategy strategy = search::Strategy::kMsf;
};

std::vector<PlanCase> Cases() {
  using search::Strategy;
  return {
      {"min_ram", [](const search::FusionDag& d) { return search::SolveMinRam(d); }},
      {"overhead_1_1", [](const search::FusionDag& d) { return search::SolveP1(d, 1.1); }},
      {"overhead_1_3", [](const search::FusionDag& d) { return search::SolveP1(d, 1.3); }},
      {"overhead_1_5", [](const search::FusionDag& d) { return search::SolveP1(d, 1.5); }},
      {"budget_16k", [](const search::FusionDag& d) { return search::SolveP2(d, 16000); }},
      {"budget_32k", [](const search::FusionDag& d) { return search::SolveP2(d, 32000); }},
      {"budget_64k", [](const search::FusionDag& d) { return search::SolveP2(d, 64000); }},
      {"budget_128k", [](const search::FusionDag& d) { return search::SolveP2(d, 128000); }},
      {"layer", [](const search::FusionDag& d) { return search::SolveMinRam(d); }, Strategy::kLayer},
      {"mcunetv2", [](const search::FusionDag& d) { return search::SolveMinRam(d); }, Strategy::kMcunetV2},
      {"streamnet", [](const search::FusionDag& d) { return search::SolveMinRam(d); }, Strategy::kStreamNet},
  };
}

// One test per model and input (ctest runs them in parallel); each runs
// every plan case.
class FusedPlan : public ::testing::TestWithParam<test::GoldenCase> {};

TEST_P(FusedPlan, BitExactAndMeasuredEqualsPlanned) {
  MSF_REQUIRE_MODELS();
  const test::GoldenCase& c = GetParam();
  const std::string dir = test::ModelsDir() + "/";
  const ir::Graph g = frontend::LoadModel(dir + c.model);
  const search::FusionDag dag = search::BuildExactDag(g);
  const std::vector<uint8_t> raw = test::ReadFile(dir + c.input);
  const std::vector<int8_t> input(raw.begin(), raw.end());
  const std::vector<uint8_t> expected = test::ReadFile(dir + c.expected);
  int runs = 0, fused_steps = 0;
  for (const PlanCase& pc : Cases()) {
    SCOPED_TRACE(c.model + " " + c.input + " " + pc.name);
    search::Setting setting;
    const search::FusionDag restricted = search::Restrict(dag, pc.strategy);
    try {
      setting = pc.solve(restricted);
    } catch (const Error&) {
      continue;  // infeasible objective for this model
    }
    const plan::Plan plan = plan::MakePlan(restricted, setting);
    const exec::PlanRun run = exec::RunPlan(g, plan, input);
    EXPECT_EQ(std::vector<uint8_t>(run.output.begin(), run.output.end()), expected);
    EXPECT_EQ(run.measured_peak_bytes, run.planned_arena_bytes);
    EXPECT_EQ(run.planned_peak_bytes, setting.peak_ram_bytes);
    EXPECT_TRUE(run.guards_intact);
    ++runs;
    for (const plan::PlanStep& step : plan.steps) fused_steps += step.kind == step::StepKind::kFused;
  }
  EXPECT_GE(runs, 9);  // only the small budgets may be infeasible
  EXPECT_GT(fused_steps, runs);
}

std::string CaseName(const ::testing::TestParamInfo<test::GoldenCase>& info) {
  std::string name = info.param.expected;
  const size_t slash = name.rfind('/');
  if (slash != std::string::npos) name = name.substr(slash + 1);
  for (char& ch : name) {
    if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(SharedModels, FusedPlan, ::testing::ValuesIn(test::GoldenCases()), CaseName);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(FusedPlan);

}  // namespace
}  // namespace msf
