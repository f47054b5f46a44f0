// SPDX-License-Identifier: MIT
// Arena layout: no two live buffers overlap, the arena never undercuts the
// DAG peak, and solving against the real arena never breaks a RAM budget.
#include <gtest/gtest.h>

#include "base/error.h"
#include "search/exact_dag.h"
#include "search/solvers.h"
#include "frontend/model_loader.h"
#include "plan/arena_choice.h"
#include "plan/arena_plan.h"
#include "support/test_support.h"

namespace msf {
namespace {

void CheckModel(const ir::Graph& g) {
  const search::FusionDag dag = search::BuildExactDag(g);
  int equal = 0, total = 0;
  for (const search::Setting& s : search::ParetoFront(dag)) {
    const plan::ArenaPlan arena = plan::PlanArena(g, plan::MakePlan(dag, s));
    ASSERT_TRUE(plan::VerifyNoOverlap(arena));
    ASSERT_GE(arena.arena_bytes, s.peak_ram_bytes);
    EXPECT_EQ(arena.peak_step_bytes, s.peak_ram_bytes);
    equal += arena.arena_bytes == s.peak_ram_bytes;
    ++total;
    search::Objective budget;
    budget.kind = search::Objective::Kind::kRamBudget;
    budget.ram_budget = s.peak_ram_bytes;
    try {
      const plan::ArenaChoice c = plan::SolveForArena(g, dag, budget);
      EXPECT_LE(c.arena_bytes, budget.ram_budget);
      EXPECT_EQ(c.arena_bytes, plan::ArenaBytes(g, dag, c.setting));
    } catch (const Error&) {
      // Only possible when fragmentation pushes every candidate over the budget.
      EXPECT_GT(arena.arena_bytes, s.peak_ram_bytes);
    }
  }
  search::Objective min_ram;
  const plan::ArenaChoice best = plan::SolveForArena(g, dag, min_ram);
  EXPECT_LE(best.arena_bytes, plan::ArenaBytes(g, dag, search::SolveMinRam(dag)));
  EXPECT_GE(equal * 10, total * 8) << g.name << ": the arena should reach the DAG peak on most of the front";
}

// One test per model (ctest runs them in parallel): "zoo:NAME", or a path
// below the shared models dir.
class ArenaChoice : public ::testing::TestWithParam<std::string> {};

TEST_P(ArenaChoice, Model) {
  const std::string& m = GetParam();
  if (m.rfind("zoo:", 0) == 0) {
    CheckModel(frontend::LoadModel(m));
  } else {
    MSF_REQUIRE_MODELS();
    CheckModel(frontend::LoadModel(test::ModelsDir() + "/" + m));
  }
}

std::string ModelName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param.substr(info.param.find_last_of(":/") + 1);
  if (info.param.rfind("zoo:", 0) != 0) name = name.substr(0, name.rfind('.'));
  for (char& ch : name) {
    if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Zoo, ArenaChoice,
                         ::testing::Values("zoo:mbv2-w0.35-r144", "zoo:mcunet-vww-5fps-r80", "zoo:mcunet-320kb-r176"),
                         ModelName);
INSTANTIATE_TEST_SUITE_P(SharedModels, ArenaChoice,
                         ::testing::Values("mcunet_imagenet/mcunet-256kb-1mb_imagenet.tflite",
                                           "mcunet_vww/mcunet-5fps_vww.tflite", "person_detect/person_detect.tflite"),
                         ModelName);

}  // namespace
}  // namespace msf
