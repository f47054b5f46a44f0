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

TEST(ArenaChoice, ZooModels) {
  for (const char* m : {"zoo:mbv2-w0.35-r144", "zoo:mcunet-vww-5fps-r80", "zoo:mcunet-320kb-r176"}) {
    SCOPED_TRACE(m);
    CheckModel(frontend::LoadModel(m));
  }
}

TEST(ArenaChoice, SharedModels) {
  MSF_REQUIRE_MODELS();
  for (const char* m : {"mcunet_imagenet/mcunet-256kb-1mb_imagenet.tflite", "mcunet_vww/mcunet-5fps_vww.tflite",
                        "person_detect/person_detect.tflite"}) {
    SCOPED_TRACE(m);
    CheckModel(frontend::LoadModel(test::ModelsDir() + "/" + m));
  }
}

}  // namespace
}  // namespace msf
