// SPDX-License-Identifier: MIT
// The exact cost model: its streamed column cache reproduces the paper's
// per-layer cache sizes, its MACs equal the cells the schedule computes, and
// every edge's work breakdown adds up.
#include <gtest/gtest.h>

#include <numeric>

#include "search/exact_dag.h"
#include "step/step_memory.h"
#include "ir/analysis.h"
#include "frontend/model_loader.h"
#include "support/random_graph.h"

namespace msf {
namespace {

TEST(ExactCost, HCacheTilesMatchThePapersColumnCache) {
  // MBV2 block [0,12] (ops 0..12): the paper's per-layer caches k*h*Cin are
  // 243 (the block input, which msf reads in place), 143, 429, 121, 55, 990,
  // 150, 40, 720, 144, 24, 432, 48 (msf-cnn-method.md section 1.4).
  const ir::Graph g = frontend::LoadModel("zoo:mbv2-w0.35-r144");
  const step::GraphLiveness live = step::ComputeLiveness(g);
  const step::StepSpec spec{0, 13, step::StepKind::kFused, step::Variant::kHCache, 1, 1};
  const std::optional<step::StepMemory> m = step::DescribeStep(g, live, spec);
  ASSERT_TRUE(m.has_value());
  std::vector<int64_t> tiles;
  for (const step::LocalBuffer& b : m->locals) {
    if (b.kind == step::LocalKind::kTile) tiles.push_back(b.bytes);
  }
  EXPECT_EQ(tiles, (std::vector<int64_t>{143, 429, 121, 55, 990, 150, 40, 720, 144, 24, 432, 48}));
  // Block input 144x144x3 is the network input (not counted), output 18x18x11.
  EXPECT_EQ(m->Bytes(false), 3564 + 3296);
}

TEST(ExactCost, LayerEdgesAreTheLayerByLayerFootprint) {
  const ir::Graph g = frontend::LoadModel("zoo:mcunet-vww-5fps-r80");
  const search::FusionDag dag = search::BuildExactDag(g);
  const step::LayerByLayer layers = step::LayerByLayerRam(g);
  int layer_edges = 0;
  for (const search::Edge& e : dag.edges) {
    if (e.kind != step::StepKind::kLayer) continue;
    ++layer_edges;
    EXPECT_EQ(e.ram_bytes, layers.bytes[static_cast<size_t>(e.from)]);
    EXPECT_EQ(e.ram_bytes_with_io, layers.bytes_with_io[static_cast<size_t>(e.from)]);
    EXPECT_EQ(e.macs, ir::OpMacs(g, g.ops[static_cast<size_t>(e.from)]));
  }
  EXPECT_EQ(layer_edges, 45);
}

TEST(ExactCost, WorkBreakdownAddsUpOnEveryEdge) {
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    const ir::Graph g = test::RandomGraph(seed);
    const search::FusionDag dag = search::BuildExactDag(g);
    for (const search::Edge& e : dag.edges) {
      EXPECT_EQ(std::accumulate(e.work.macs.begin(), e.work.macs.end(), int64_t{0}), e.macs) << "seed " << seed;
      EXPECT_GT(std::accumulate(e.work.calls.begin(), e.work.calls.end(), int64_t{0}), 0);
      EXPECT_LE(e.ram_bytes, e.ram_bytes_with_io);
    }
  }
}

TEST(ExactCost, FusedEdgesNeverCostMoreMacsThanFullRecomputeAndStreamNothingTwice) {
  const ir::Graph g = frontend::LoadModel("zoo:mbv2-w0.35-r144");
  const search::FusionDag dag = search::BuildExactDag(g);
  for (const search::Edge& e : dag.edges) {
    if (e.variant != step::Variant::kLineBuffer) continue;
    // Line buffers compute every cell once: exactly the vanilla MACs of the ops.
    int64_t vanilla = 0;
    for (int32_t i = e.from; i < e.to; ++i) vanilla += ir::OpMacs(g, g.ops[static_cast<size_t>(i)]);
    EXPECT_EQ(e.macs, vanilla) << e.from << ".." << e.to;
  }
}

}  // namespace
}  // namespace msf
