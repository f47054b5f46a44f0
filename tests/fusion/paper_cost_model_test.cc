// SPDX-License-Identifier: MIT
// The authors' analytic cost model against every per-edge number of
// msf-cnn-method.md: section 1.4 worked vectors, 1.1 graph sizes, 5.2
// vanilla numbers and 7 per-layer MACs.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "base/error.h"
#include "search/paper_dag.h"
#include "fusion/paper_fixtures.h"
#include "ir/analysis.h"
#include "step/step_memory.h"
#include "frontend/paper_zoo.h"

namespace msf {
namespace {

using cost::PaperBlock;
using cost::PaperBlockCost;
using test::PaperLayersOf;

struct WorkedVector {
  const char* model;
  int first, last;
  int64_t t, s, tile_buffers, block_in, block_out, edge_ram, block_mac, vanilla_mac;
};

// Section 1.4. block_in is the full input even where the edge excludes it.
const WorkedVector kWorkedVectors[] = {
    {"mbv2-w0.35-r144", 0, 12, 27, 8, 3539, 62208, 3564, 7103, 14809968, 6767712},
    {"mbv2-w0.35-r144", 13, 15, 3, 1, 759, 3564, 3564, 7887, 1054944, 662904},
    {"mbv2-w0.35-r144", 7, 12, 5, 2, 1408, 10368, 3564, 15340, 3620160, 2363904},
    {"mcunet-vww-5fps-r80", 0, 11, 27, 4, 4427, 19200, 6400, 10827, 13228800, 3795200},
    {"mcunet-320kb-r176", 0, 17, 83, 8, 31027, 92928, 11616, 42643, 165057728, 40292032},
};

TEST(PaperCostModel, WorkedVectorsOfSection1_4) {
  for (const WorkedVector& v : kWorkedVectors) {
    SCOPED_TRACE(std::string(v.model) + " [" + std::to_string(v.first) + "," + std::to_string(v.last) + "]");
    const PaperBlockCost c = PaperBlock(PaperLayersOf(v.model), v.first, v.last);
    ASSERT_TRUE(c.feasible);
    EXPECT_EQ(c.tile_size, v.t);
    EXPECT_EQ(c.tile_stride, v.s);
    EXPECT_EQ(c.tile_buffers_total, v.tile_buffers);
    EXPECT_EQ(c.input_bytes, v.block_in);
    EXPECT_EQ(c.output_bytes, v.block_out);
    EXPECT_EQ(c.ram_bytes, v.edge_ram);
    EXPECT_EQ(c.ram_bytes_with_io, v.tile_buffers + v.block_in + v.block_out);
    EXPECT_EQ(c.macs, v.block_mac);
    EXPECT_EQ(c.vanilla_macs, v.vanilla_mac);
  }
}

TEST(PaperCostModel, PerLayerTileBuffersOfMbv2Block0To12) {
  const PaperBlockCost c = PaperBlock(PaperLayersOf("mbv2-w0.35-r144"), 0, 12);
  EXPECT_EQ(c.tile_buffer_bytes,
            (std::vector<int64_t>{243, 143, 429, 121, 55, 990, 150, 40, 720, 144, 24, 432, 48}));
  // The heights the section names: 27 at layer 0, 13 at 2, 11 at 5, 5 at 8, 3 at 11, 1 at 12.
  EXPECT_EQ(c.tile_heights[0], 27);
  EXPECT_EQ(c.tile_heights[2], 13);
  EXPECT_EQ(c.tile_heights[5], 11);
  EXPECT_EQ(c.tile_heights[8], 5);
  EXPECT_EQ(c.tile_heights[11], 3);
  EXPECT_EQ(c.tile_heights[12], 1);
}

TEST(PaperCostModel, HandCheckedMacsOfMbv2Block13To15) {
  const PaperBlockCost c = PaperBlock(PaperLayersOf("mbv2-w0.35-r144"), 13, 15);
  EXPECT_EQ(c.macs, 627264 + 192456 + 235224);
  // The padding branch fires at the bottom border: the last PW sees 2 rows, not 1.
  EXPECT_EQ(c.tile_heights, (std::vector<int64_t>{3, 3, 2}));
}

struct GraphSize {
  const char* model;
  int layers, candidate_edges, finite_edges, distinct_ram_values, longest_block;
};

// Section 1.1.
const GraphSize kGraphSizes[] = {
    {"mbv2-w0.35-r144", 53, 1431, 711, 624, 29},
    {"mcunet-vww-5fps-r80", 45, 1035, 307, 265, 19},
    {"mcunet-320kb-r176", 54, 1485, 568, 531, 28},
};

TEST(PaperCostModel, GraphSizesOfSection1_1) {
  for (const GraphSize& gs : kGraphSizes) {
    SCOPED_TRACE(gs.model);
    const std::vector<cost::PaperLayer> layers = PaperLayersOf(gs.model);
    ASSERT_EQ(static_cast<int>(layers.size()), gs.layers);
    const search::FusionDag dag = search::BuildPaperDag(layers);
    EXPECT_EQ(dag.num_nodes, gs.layers + 1);
    EXPECT_EQ(gs.layers * (gs.layers + 1) / 2, gs.candidate_edges);
    EXPECT_EQ(static_cast<int>(dag.edges.size()), gs.finite_edges);
    std::set<int64_t> rams;
    int longest = 0;
    for (const search::Edge& e : dag.edges) {
      rams.insert(e.ram_bytes);
      longest = std::max(longest, e.to - e.from);
    }
    EXPECT_EQ(static_cast<int>(rams.size()), gs.distinct_ram_values);
    EXPECT_EQ(longest, gs.longest_block);
  }
}

TEST(PaperCostModel, EdgeKindsAndIoCounting) {
  const std::vector<cost::PaperLayer> layers = PaperLayersOf("mbv2-w0.35-r144");
  const search::FusionDag dag = search::BuildPaperDag(layers);
  int layer_edges = 0;
  for (const search::Edge& e : dag.edges) {
    ASSERT_LT(e.from, e.to);
    const PaperBlockCost c = PaperBlock(layers, e.from, e.to - 1);
    EXPECT_EQ(e.ram_bytes, c.ram_bytes);
    EXPECT_EQ(e.ram_bytes_with_io, c.ram_bytes_with_io);
    EXPECT_EQ(e.macs, c.macs);
    if (e.to == e.from + 1) {
      ++layer_edges;
      EXPECT_EQ(e.kind, step::StepKind::kLayer);
      EXPECT_EQ(e.variant, step::Variant::kNone);
      EXPECT_EQ(e.macs, layers[static_cast<size_t>(e.from)].VanillaMacs());
    } else {
      EXPECT_EQ(e.kind, step::StepKind::kFused);
      EXPECT_EQ(e.variant, step::Variant::kHCache);
      EXPECT_EQ(e.patch_h, 1);
      EXPECT_EQ(e.patch_w, 1);
    }
  }
  EXPECT_EQ(layer_edges, 53);
  // Layer 0 drops the network input (144*144*3), layer 52 the output (5*5*448).
  EXPECT_EQ(PaperBlock(layers, 0, 0).ram_bytes, 119232 - 62208);
  EXPECT_EQ(PaperBlock(layers, 0, 0).ram_bytes_with_io, 119232);
  EXPECT_EQ(PaperBlock(layers, 52, 52).ram_bytes, 14000 - 11200);
  // Infeasible: a tile taller than the block input.
  EXPECT_FALSE(PaperBlock(layers, 0, 30).feasible);
}

struct Vanilla {
  const char* model;
  int64_t peak, macs;
  int peak_layer;
};

// Section 5.2 / 9.6.
const Vanilla kVanilla[] = {
    {"mbv2-w0.35-r144", 194400, 18909490, 5},
    {"mcunet-vww-5fps-r80", 96000, 11578496, 4},
    {"mcunet-320kb-r176", 309760, 81625520, 7},
};

TEST(PaperCostModel, VanillaNumbersOfSection5_2) {
  for (const Vanilla& v : kVanilla) {
    SCOPED_TRACE(v.model);
    const ir::Graph g = frontend::BuildZooModel(v.model);
    const search::FusionDag dag = search::BuildPaperDag(g);
    EXPECT_EQ(dag.vanilla_macs, v.macs);
    EXPECT_EQ(ir::TotalMacs(g), v.macs);
    int64_t peak = 0;
    int peak_layer = -1;
    for (const search::Edge& e : dag.edges) {
      if (e.kind == step::StepKind::kLayer && e.ram_bytes > peak) {
        peak = e.ram_bytes;
        peak_layer = e.from;
      }
    }
    EXPECT_EQ(peak, v.peak);
    EXPECT_EQ(peak_layer, v.peak_layer);
    EXPECT_EQ(step::LayerByLayerRam(g).peak, v.peak);
  }
}

// Section 7: every layer's vanilla MAC and in+out elements, spot-checked on
// the rows that exercise each layer type, stride and padding.
TEST(PaperCostModel, PerLayerNumbersOfSection7) {
  struct Row {
    const char* model;
    int index;
    int64_t macs, in_out;
  };
  const Row rows[] = {
      {"mbv2-w0.35-r144", 0, 1539648, 119232},  {"mbv2-w0.35-r144", 5, 349920, 194400},
      {"mbv2-w0.35-r144", 20, 48114, 26730},    {"mbv2-w0.35-r144", 52, 1254400, 14000},
      {"mcunet-vww-5fps-r80", 13, 235200, 24000}, {"mcunet-vww-5fps-r80", 34, 54000, 8160},
      {"mcunet-vww-5fps-r80", 44, 414720, 4032},  {"mcunet-320kb-r176", 4, 2276736, 232320},
      {"mcunet-320kb-r176", 10, 7589120, 309760}, {"mcunet-320kb-r176", 53, 2764800, 23040},
  };
  for (const Row& r : rows) {
    SCOPED_TRACE(std::string(r.model) + " layer " + std::to_string(r.index));
    const cost::PaperLayer& l = PaperLayersOf(r.model)[static_cast<size_t>(r.index)];
    EXPECT_EQ(l.VanillaMacs(), r.macs);
    EXPECT_EQ(l.InputBytes() + l.OutputBytes(), r.in_out);
  }
}

TEST(PaperCostModel, RejectsGraphsThatAreNotPlainChains) {
  ir::Graph g = frontend::BuildZooModel("mbv2-w0.35-r144");
  // Turn op 3 into a residual ADD of ops 1 and 2's outputs.
  ir::Op& op = g.ops[3];
  op.kind = ir::OpKind::kAdd;
  op.inputs = {g.ops[1].output(), g.ops[2].output()};
  op.attrs = ir::AddAttrs{};
  try {
    search::BuildPaperDag(g);
    FAIL() << "expected msf::Error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "--cost-model paper needs a plain conv chain such as the zoo: models; op 3 is ADD");
  }

  ir::Graph g2 = frontend::BuildZooModel("mcunet-vww-5fps-r80");
  std::get<ir::ConvAttrs>(g2.ops[1].attrs).pad.bottom = 2;
  EXPECT_THROW(search::BuildPaperDag(g2), Error);
  ir::Graph g3 = frontend::BuildZooModel("mcunet-vww-5fps-r80");
  std::get<ir::ConvAttrs>(g3.ops[0].attrs).kernel_w = 1;
  EXPECT_THROW(search::BuildPaperDag(g3), Error);
}

}  // namespace
}  // namespace msf
