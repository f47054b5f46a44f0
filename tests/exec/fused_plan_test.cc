// SPDX-License-Identifier: MIT
// Fused execution of solver plans on the shared models: output bytes equal
// the golden files, and the measured arena high-water mark equals the
// planned arena, to the byte.
//
// One test per model and plan (ctest runs them in parallel), each running
// every input of the model that has a golden output; FusedPlanObjectives
// checks per model that the objectives stay feasible and fuse (solving only,
// nothing executed).
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>

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
  int64_t ram_budget = 0;  // the budget of a SolveP2 case, 0 otherwise
};

std::vector<PlanCase> Cases() {
  using search::Strategy;
  const auto budget = [](const char* name, int64_t bytes) {
    return PlanCase{name, [bytes](const search::FusionDag& d) { return search::SolveP2(d, bytes); }, Strategy::kMsf,
                    bytes};
  };
  return {
      {"min_ram", [](const search::FusionDag& d) { return search::SolveMinRam(d); }},
      {"overhead_1_1", [](const search::FusionDag& d) { return search::SolveP1(d, 1.1); }},
      {"overhead_1_3", [](const search::FusionDag& d) { return search::SolveP1(d, 1.3); }},
      {"overhead_1_5", [](const search::FusionDag& d) { return search::SolveP1(d, 1.5); }},
      budget("budget_16k", 16000),
      budget("budget_32k", 32000),
      budget("budget_64k", 64000),
      budget("budget_128k", 128000),
      {"layer", [](const search::FusionDag& d) { return search::SolveMinRam(d); }, Strategy::kLayer},
      {"mcunetv2", [](const search::FusionDag& d) { return search::SolveMinRam(d); }, Strategy::kMcunetV2},
      {"streamnet", [](const search::FusionDag& d) { return search::SolveMinRam(d); }, Strategy::kStreamNet},
  };
}

// Every model with golden outputs, each once.
std::vector<std::string> Models() {
  std::vector<std::string> models;
  for (const test::GoldenCase& c : test::GoldenCases()) {
    if (std::find(models.begin(), models.end(), c.model) == models.end()) models.push_back(c.model);
  }
  return models;
}

std::string Sanitize(std::string name) {
  for (char& ch : name) {
    if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return name;
}

// "mcunet_imagenet/mcunet-5fps_imagenet.tflite" -> "mcunet_5fps_imagenet"
std::string ModelName(const std::string& model) {
  std::string name = model.substr(model.rfind('/') + 1);
  return Sanitize(name.substr(0, name.rfind('.')));
}

struct ModelPlan {
  std::string model;  // below the models dir
  size_t plan = 0;    // index into Cases()
};
void PrintTo(const ModelPlan& c, std::ostream* os) { *os << c.model << " " << Cases()[c.plan].name; }

std::vector<ModelPlan> ModelPlans() {
  std::vector<ModelPlan> cases;
  const size_t plans = Cases().size();
  for (const std::string& m : Models()) {
    for (size_t p = 0; p < plans; ++p) cases.push_back({m, p});
  }
  return cases;
}

class FusedPlan : public ::testing::TestWithParam<ModelPlan> {};

TEST_P(FusedPlan, BitExactAndMeasuredEqualsPlanned) {
  MSF_REQUIRE_MODELS();
  const std::string dir = test::ModelsDir() + "/";
  const std::string& model = GetParam().model;
  const PlanCase pc = Cases()[GetParam().plan];
  const ir::Graph g = frontend::LoadModel(dir + model);
  const search::FusionDag restricted = search::Restrict(search::BuildExactDag(g), pc.strategy);
  search::Setting setting;
  try {
    setting = pc.solve(restricted);
  } catch (const Error& e) {
    // Only a RAM budget below the model's minimum RAM may be infeasible.
    ASSERT_GT(pc.ram_budget, 0) << pc.name << " is infeasible: " << e.what();
    EXPECT_GT(search::MinPeakRam(restricted), pc.ram_budget) << e.what();
    return;
  }
  const plan::Plan plan = plan::MakePlan(restricted, setting);
  int inputs = 0;
  for (const test::GoldenCase& c : test::GoldenCases()) {
    if (c.model != model) continue;
    SCOPED_TRACE(c.model + " " + c.input + " " + pc.name);
    const std::vector<uint8_t> raw = test::ReadFile(dir + c.input);
    const std::vector<int8_t> input(raw.begin(), raw.end());
    const std::vector<uint8_t> expected = test::ReadFile(dir + c.expected);
    const exec::PlanRun run = exec::RunPlan(g, plan, input);
    EXPECT_EQ(std::vector<uint8_t>(run.output.begin(), run.output.end()), expected);
    EXPECT_EQ(run.measured_peak_bytes, run.planned_arena_bytes);
    EXPECT_EQ(run.planned_peak_bytes, setting.peak_ram_bytes);
    EXPECT_TRUE(run.guards_intact);
    ++inputs;
  }
  EXPECT_GE(inputs, 1);
}

std::string ModelPlanName(const ::testing::TestParamInfo<ModelPlan>& info) {
  return ModelName(info.param.model) + "_" + Cases()[info.param.plan].name;
}

INSTANTIATE_TEST_SUITE_P(SharedModels, FusedPlan, ::testing::ValuesIn(ModelPlans()), ModelPlanName);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(FusedPlan);

// The plans FusedPlan runs: at most two objectives (the small budgets) are
// infeasible for a model, and the plans fuse, more than one fused block per
// plan on average.
class FusedPlanObjectives : public ::testing::TestWithParam<std::string> {};

TEST_P(FusedPlanObjectives, MostAreFeasibleAndFuse) {
  MSF_REQUIRE_MODELS();
  const ir::Graph g = frontend::LoadModel(test::ModelsDir() + "/" + GetParam());
  const search::FusionDag dag = search::BuildExactDag(g);
  int feasible = 0, fused_steps = 0;
  for (const PlanCase& pc : Cases()) {
    const search::FusionDag restricted = search::Restrict(dag, pc.strategy);
    search::Setting setting;
    try {
      setting = pc.solve(restricted);
    } catch (const Error&) {
      continue;  // infeasible objective for this model
    }
    const plan::Plan plan = plan::MakePlan(restricted, setting);
    ++feasible;
    for (const plan::PlanStep& step : plan.steps) fused_steps += step.kind == step::StepKind::kFused;
  }
  EXPECT_GE(feasible, 9);  // only the small budgets may be infeasible
  EXPECT_GT(fused_steps, feasible);
}

INSTANTIATE_TEST_SUITE_P(SharedModels, FusedPlanObjectives, ::testing::ValuesIn(Models()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return ModelName(info.param); });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(FusedPlanObjectives);

}  // namespace
}  // namespace msf
