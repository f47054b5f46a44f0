// SPDX-License-Identifier: MIT
// Property test: random small graphs (chains, residual units, explicit PADs,
// pools, heads) x plans (the whole Pareto front, the baselines and random
// paths through the fusion DAG, so every variant and patch size is run):
// fused output == reference output and measured RAM == planned arena.
// A second family, random branching graphs (several outputs, float
// boundaries, forks merged by ADD / CONCATENATION / MUL, FPN upsampling),
// is planned through plan::Planner like a loaded model.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
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
#include "plan/planner.h"
#include "lower/lowering.h"
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

// Branching graphs: seeds 1..300 in three shards of 100. Like the chains'
// shards, every shard must on its own have every feature of the generator in
// its graphs, run every kind of fused block, a fork merged inside a block and
// one of the new fusable ops (LOGISTIC, HARD_SWISH, same-shape MUL, float
// QUANTIZE) in a fused block.
constexpr uint64_t kBranchingSeeds = 300, kBranchingShards = 3;

// The model input bytes: int8, or float32 little-endian for a float input.
std::vector<int8_t> BranchingInput(const ir::Graph& g, uint64_t seed) {
  std::vector<int8_t> bytes;
  uint64_t s = seed * 2654435761u + 7;
  for (ir::TensorId t : g.inputs) {
    const ir::Tensor& in = g.tensor(t);
    for (int64_t i = 0; i < in.NumElements(); ++i) {
      s = s * 6364136223846793005ull + 1442695040888963407ull;
      const int8_t v = static_cast<int8_t>(s >> 56);
      if (in.type == ir::DType::kFloat32) {
        const float f = static_cast<float>(v) / 40.0f;
        int8_t b[4];
        std::memcpy(b, &f, 4);
        bytes.insert(bytes.end(), b, b + 4);
      } else {
        bytes.push_back(v);
      }
    }
  }
  return bytes;
}

class BranchingFusedProperty : public ::testing::TestWithParam<uint64_t> {};

TEST_P(BranchingFusedProperty, RandomBranchingGraphsAndPlansMatchTheReference) {
  std::map<std::string, int> coverage, features;
  int plans = 0;
  const uint64_t first = 1 + GetParam() * kBranchingSeeds / kBranchingShards;
  const uint64_t last = (GetParam() + 1) * kBranchingSeeds / kBranchingShards;
  for (uint64_t seed = first; seed <= last; ++seed) {
    ir::Graph g = test::RandomBranchingGraph(seed);
    ASSERT_NO_THROW(ir::Canonicalize(g)) << "seed " << seed;  // as LoadModel does (with Verify)
    for (const ir::Op& op : g.ops) {  // what the importer checks: kernel parameters exist
      ASSERT_NO_THROW((void)lower::Lower(g, op)) << "seed " << seed << " " << ir::OpKindName(op.kind);
      ++features[ir::OpKindName(op.kind)];
    }
    ASSERT_GE(g.outputs.size(), 2u);
    ASSERT_LE(g.outputs.size(), 3u);
    ++features[std::to_string(g.outputs.size()) + " outputs"];
    for (ir::TensorId o : g.outputs) {
      for (const ir::Op& op : g.ops) {
        if (std::find(op.inputs.begin(), op.inputs.end(), o) != op.inputs.end()) ++features["output read later"];
      }
    }
    const std::vector<int8_t> input = BranchingInput(g, seed);
    ASSERT_EQ(static_cast<int64_t>(input.size()), exec::IoLayoutOf(g).InputBytes());
    const std::vector<int8_t> expected = exec::RunReference(g, input);
    plan::PlannerOptions options;
    options.exact.max_block_ops = 12;
    const plan::Planner planner(g, options);
    std::vector<std::pair<std::string, plan::Plan>> todo;
    for (const plan::TradeOff& t : planner.Front(search::Metric::kMacs, nullptr)) todo.push_back({"front", t.plan});
    for (search::Strategy st : {search::Strategy::kLayer, search::Strategy::kMcunetV2, search::Strategy::kStreamNet}) {
      plan::PlanRequest r;
      r.strategy = st;
      try {  // a graph may offer no first-stage block for a baseline
        todo.push_back({search::StrategyName(st), planner.SolvePoint(r).plan});
      } catch (const Error&) {
      }
    }
    for (int k = 0; k < 4; ++k) {
      const search::Setting path = RandomPath(planner.dag(), seed * 100 + static_cast<uint64_t>(k));
      todo.push_back({"random path", planner.PlanOf(planner.dag(), path)});
    }
    for (const search::Objective& o : {search::Objective{}, search::Objective{search::Objective::Kind::kMaxOverhead, 0, 1.3}}) {
      plan::PlanRequest r;
      r.objective = o;
      todo.push_back({std::string("solve ") + search::ObjectiveKindName(o.kind), planner.Solve(r)});
    }
    for (const auto& [what, plan] : todo) {
      SCOPED_TRACE("seed " + std::to_string(seed) + " " + what + " plan " + plan::PlanToJsonText(plan));
      ASSERT_TRUE(plan::VerifyNoOverlap(plan::PlanArena(g, plan)));
      const exec::PlanRun run = exec::RunPlan(g, plan, input);
      ASSERT_EQ(run.output, expected);
      ASSERT_EQ(run.measured_peak_bytes, run.planned_arena_bytes);
      ASSERT_TRUE(run.guards_intact);
      ASSERT_GE(run.planned_arena_bytes, plan.peak_ram_bytes);
      ASSERT_EQ(run.planned_peak_bytes, plan.peak_ram_bytes);
      if (plan.arena_bytes > 0) {
        ASSERT_EQ(run.planned_arena_bytes, plan.arena_bytes);
      }
      ++plans;
      for (const plan::PlanStep& st : plan.steps) {
        if (st.kind != step::StepKind::kFused) continue;
        ++coverage[step::VariantName(st.variant)];
        const auto inside = [&](ir::TensorId t) {
          for (int32_t i = st.from; i < st.to; ++i) {
            if (g.ops[static_cast<size_t>(i)].output() == t) return true;
          }
          return false;
        };
        for (int32_t op = st.from; op < st.to; ++op) {
          const ir::Op& o = g.ops[static_cast<size_t>(op)];
          // A fork and its merge in one block: both operands computed inside it.
          if ((o.kind == ir::OpKind::kAdd || o.kind == ir::OpKind::kMul) && inside(o.input(0)) && inside(o.input(1))) {
            ++coverage["branches merged in block"];
          }
          switch (o.kind) {
            case ir::OpKind::kLogistic:
            case ir::OpKind::kHardSwish:
            case ir::OpKind::kMul:
            case ir::OpKind::kAdd:
            case ir::OpKind::kMaxPool2D: ++coverage[std::string(ir::OpKindName(o.kind)) + " in block"]; break;
            case ir::OpKind::kQuantize:
              if (g.tensor(o.input()).type == ir::DType::kFloat32) ++coverage["float QUANTIZE in block"];
              break;
            default: break;
          }
        }
      }
    }
  }
  // Each shard's graphs have every feature of the generator.
  for (const char* what : {"QUANTIZE", "DEQUANTIZE", "RESIZE_NEAREST_NEIGHBOR", "CONCATENATION", "MUL", "ADD",
                           "LOGISTIC", "HARD_SWISH", "MAX_POOL_2D", "2 outputs", "3 outputs", "output read later"}) {
    EXPECT_GT(features[what], 0) << what << " never occurred in the shard's graphs";
  }
  std::printf("branching seeds %llu..%llu: %d plans checked;", static_cast<unsigned long long>(first),
              static_cast<unsigned long long>(last), plans);
  for (const auto& [k, v] : coverage) std::printf(" %s=%d", k.c_str(), v);
  std::printf(" | graphs:");
  for (const auto& [k, v] : features) std::printf(" %s=%d", k.c_str(), v);
  std::printf("\n");
  for (const char* what : {"recompute", "hcache", "linebuf", "branches merged in block"}) {
    EXPECT_GT(coverage[what], 0) << what << " never ran in a fused block";
  }
  EXPECT_GT(coverage["LOGISTIC in block"] + coverage["HARD_SWISH in block"] + coverage["MUL in block"] +
                coverage["float QUANTIZE in block"],
            0)
      << "no LOGISTIC, HARD_SWISH, MUL or float QUANTIZE ran in a fused block";
}

INSTANTIATE_TEST_SUITE_P(Seeds, BranchingFusedProperty, ::testing::Range<uint64_t>(0, kBranchingShards),
                         [](const ::testing::TestParamInfo<uint64_t>& info) {
                           return std::to_string(1 + info.param * kBranchingSeeds / kBranchingShards) + "_to_" +
                                  std::to_string((info.param + 1) * kBranchingSeeds / kBranchingShards);
                         });

}  // namespace
}  // namespace msf
