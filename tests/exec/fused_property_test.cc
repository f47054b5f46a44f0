// SPDX-License-Identifier: MIT
// Property test: random small graphs (chains, residual units, explicit PADs,
// pools, heads) x plans (the whole Pareto front, the baselines and random
// paths through the fusion DAG, so every variant and patch size is run):
// fused output == reference output and measured RAM == planned arena.
#include <gtest/gtest.h>

#include <map>

#include "base/error.h"
#include "search/exact_dag.h"
#include "exec/fused_executor.h"
#include "exec/reference_executor.h"
#include "plan/plan_json.h"
#include "search/solvers.h"
#include "search/strategy.h"
#include "ir/canonicalize.h"
#include "plan/arena_plan.h"
#include "support/random_graph.h"

namespace msf {
namespace {

// A random path from node 0 to the last node, one random edge at a time.
search::Setting RandomPath(const search::FusionDag& dag, uint64_t seed) {
  std::vector<std::vector<int32_t>> out(static_cast<size_t>(dag.num_nodes));
  for (size_t i = 0; i < dag.edges.size(); ++i) out[static_cast<size_t>(dag.edges[i].from)].push_back(static_cast<int32_t>(i));
  search::Setting s;
  for (int32_t node = 0; node < dag.num_nodes - 1;) {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    const std::vector<int32_t>& choices = out[static_cast<size_t>(node)];
    const int32_t e = choices[static_cast<size_t>((seed >> 33) % choices.size())];
    s.edges.push_back(e);
    const search::Edge& edge = dag.edges[static_cast<size_t>(e)];
    s.peak_ram_bytes = std::max(s.peak_ram_bytes, edge.ram_bytes);
    s.peak_ram_bytes_with_io = std::max(s.peak_ram_bytes_with_io, edge.ram_bytes_with_io);
    s.macs += edge.macs;
    node = edge.to;
  }
  return s;
}

// Seeds 1..300 in three shards of 100 (ctest runs them in parallel); every
// shard must cover every kind of fused block on its own.
constexpr uint64_t kSeeds = 300, kShards = 3;

class FusedProperty : public ::testing::TestWithParam<uint64_t> {};

TEST_P(FusedProperty, RandomGraphsAndPlansMatchTheReference) {
  std::map<std::string, int> coverage;
  int plans = 0;
  const uint64_t first = 1 + GetParam() * kSeeds / kShards, last = (GetParam() + 1) * kSeeds / kShards;
  for (uint64_t seed = first; seed <= last; ++seed) {
    const ir::Graph g = test::RandomGraph(seed);
    ASSERT_NO_THROW(ir::Verify(g)) << "seed " << seed;
    std::vector<int8_t> input(static_cast<size_t>(g.tensor(g.input()).NumElements()));
    for (size_t i = 0; i < input.size(); ++i) input[i] = static_cast<int8_t>((i * 37 + seed * 11) % 256 - 128);
    const std::vector<int8_t> expected = exec::RunReference(g, input);
    search::ExactOptions options;
    options.max_block_ops = 12;
    const search::FusionDag dag = search::BuildExactDag(g, options);
    std::vector<std::pair<const search::FusionDag*, search::Setting>> settings;
    for (const search::Setting& s : search::ParetoFront(dag)) settings.push_back({&dag, s});
    for (int k = 0; k < 6; ++k) settings.push_back({&dag, RandomPath(dag, seed * 100 + static_cast<uint64_t>(k))});
    std::vector<search::FusionDag> restricted;
    restricted.reserve(2);
    for (search::Strategy st : {search::Strategy::kMcunetV2, search::Strategy::kStreamNet}) {
      try {  // a graph may offer no first-stage block for a baseline
        restricted.push_back(search::Restrict(dag, st));
        settings.push_back({&restricted.back(), search::SolveMinRam(restricted.back())});
      } catch (const Error&) {
      }
    }
    for (const auto& [d, setting] : settings) {
      const plan::Plan plan = plan::MakePlan(*d, setting);
      SCOPED_TRACE("seed " + std::to_string(seed) + " plan " + plan::PlanToJsonText(plan));
      ASSERT_TRUE(plan::VerifyNoOverlap(plan::PlanArena(g, plan)));
      const exec::PlanRun run = exec::RunPlan(g, plan, input);
      ASSERT_EQ(run.output, expected);
      ASSERT_EQ(run.measured_peak_bytes, run.planned_arena_bytes);
      ASSERT_GE(run.planned_arena_bytes, setting.peak_ram_bytes);
      ASSERT_EQ(run.planned_peak_bytes, setting.peak_ram_bytes);
      ++plans;
      for (const plan::PlanStep& s : plan.steps) {
        if (s.kind != step::StepKind::kFused) continue;
        ++coverage[step::VariantName(s.variant)];
        for (int32_t op = s.from; op < s.to; ++op) {
          const ir::OpKind k = g.ops[static_cast<size_t>(op)].kind;
          if (k == ir::OpKind::kAdd) ++coverage["residual in block"];
          if (k == ir::OpKind::kPad) ++coverage["pad in block"];
          if (k == ir::OpKind::kMean || (k == ir::OpKind::kAveragePool2D && op > s.from &&
                                         g.tensor(g.ops[static_cast<size_t>(op)].output()).H() == 1))
            ++coverage["iterative head"];
          if (k == ir::OpKind::kMaxPool2D) ++coverage["max pool in block"];
        }
      }
    }
  }
  for (const char* what : {"recompute", "hcache", "linebuf", "residual in block", "pad in block", "iterative head",
                           "max pool in block"}) {
    EXPECT_GT(coverage[what], 0) << what << " never ran in a fused block";
  }
  std::printf("seeds %llu..%llu: %d plans checked;", static_cast<unsigned long long>(first),
              static_cast<unsigned long long>(last), plans);
  for (const auto& [k, v] : coverage) std::printf(" %s=%d", k.c_str(), v);
  std::printf("\n");
}

INSTANTIATE_TEST_SUITE_P(Seeds, FusedProperty, ::testing::Range<uint64_t>(0, kShards),
                         [](const ::testing::TestParamInfo<uint64_t>& info) {
                           return std::to_string(1 + info.param * kSeeds / kShards) + "_to_" +
                                  std::to_string((info.param + 1) * kSeeds / kShards);
                         });

}  // namespace
}  // namespace msf
