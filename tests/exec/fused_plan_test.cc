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

// One test per model and input (ctest runs them in parallel); each runs
// every plan case.
class FusedPlan : public ::testing::TestWithParam<test::GoldenCase> {};

TEST_P(FusedPlan, BitExactAndMeasuredEqualsPlanned) {
  MSF_REQUIRE_MODELS();
  const test::GoldenCase& c = GetParam();
  const std::string dir = test::ModelsDir() + "/";
  const ir::Graph g = load::LoadModel(dir + c.model);
  const fusion::FusionDag dag = cost::BuildExactDag(g);
  const std::vector<uint8_t> raw = test::ReadFile(dir + c.input);
  const std::vector<int8_t> input(raw.begin(), raw.end());
  const std::vector<uint8_t> expected = test::ReadFile(dir + c.expected);
  int runs = 0, fused_steps = 0;
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
