// SPDX-License-Identifier: MIT
#include "calib/bench_suite.h"

#include <algorithm>

#include "calib/bench_graph.h"
#include "plan/planner.h"
#include "base/error.h"
#include "ir/analysis.h"

namespace msf::calib {
namespace {

using ir::Activation;

step::StepSpec Layer(int32_t op) { return {op, op + 1, step::StepKind::kLayer, step::Variant::kNone, 0, 0}; }

std::vector<step::StepSpec> AllLayers(const ir::Graph& g) {
  std::vector<step::StepSpec> steps;
  for (int32_t i = 0; i < static_cast<int32_t>(g.ops.size()); ++i) steps.push_back(Layer(i));
  return steps;
}

void AddLayerBench(std::vector<Bench>* out, std::string name, ir::GraphBuilder& b) {
  ir::Graph g = TakeBenchGraph(b);
  std::vector<step::StepSpec> steps = AllLayers(g);
  out->push_back({std::move(name), std::move(g), std::move(steps)});
}

// One layer of each kernel family, in the shapes real models use.
void LayerBenches(std::vector<Bench>* out, bool tiny) {
  uint64_t seed = 1;
  const auto conv = [&](int h, int cin, int cout, int k, int s) {
    ir::GraphBuilder b = BenchGraphBuilder("conv", {1, h, h, cin}, seed++);
    b.Conv(cout, k, s);
    AddLayerBench(out, "conv" + std::to_string(k) + "x" + std::to_string(k) + "s" + std::to_string(s) + "_" +
                           std::to_string(h) + "x" + std::to_string(cin) + "to" + std::to_string(cout), b);
  };
  const auto dw = [&](int h, int c, int k, int s, int m) {
    ir::GraphBuilder b = BenchGraphBuilder("dw", {1, h, h, c}, seed++);
    b.Depthwise(k, s, m);
    AddLayerBench(out, "dw" + std::to_string(k) + "x" + std::to_string(k) + "s" + std::to_string(s) + "m" +
                           std::to_string(m) + "_" + std::to_string(h) + "x" + std::to_string(c), b);
  };
  if (tiny) {
    conv(8, 8, 16, 1, 1);
    dw(8, 16, 3, 1, 1);
    return;
  }
  conv(32, 3, 16, 3, 2);  // stems
  conv(24, 3, 8, 3, 2);
  conv(24, 1, 8, 3, 2);
  conv(16, 8, 8, 3, 1);
  conv(12, 16, 16, 5, 1);
  conv(16, 8, 48, 1, 1);  // pointwise expand / project
  conv(16, 48, 8, 1, 1);
  conv(10, 16, 96, 1, 1);
  conv(10, 96, 16, 1, 1);
  conv(8, 24, 144, 1, 1);
  conv(6, 144, 40, 1, 1);
  conv(5, 240, 40, 1, 1);
  conv(3, 160, 320, 1, 1);
  conv(1, 160, 1000, 1, 1);  // classifier
  conv(1, 320, 2, 1, 1);
  dw(20, 16, 3, 1, 1);
  dw(20, 48, 3, 2, 1);
  dw(12, 8, 3, 1, 1);
  dw(10, 72, 5, 1, 1);
  dw(10, 48, 7, 1, 1);
  dw(10, 96, 7, 2, 1);
  dw(5, 240, 3, 1, 1);
  dw(6, 120, 5, 2, 1);
  dw(24, 1, 3, 2, 8);  // person_detect's stem: depth multiplier 8
  dw(12, 8, 3, 1, 2);
  // Channel counts that are not multiples of 4 (width-scaled chains such as
  // MBV2-w0.35: 5, 11, 22, 30, 66): the kernels' scalar tails.
  conv(16, 11, 30, 1, 1);
  conv(16, 30, 5, 1, 1);
  conv(12, 66, 11, 1, 1);
  conv(9, 5, 22, 1, 1);
  dw(18, 11, 3, 1, 1);
  dw(16, 30, 3, 2, 1);
  dw(12, 66, 3, 1, 1);
  dw(10, 22, 5, 1, 1);
  {
    ir::GraphBuilder b = BenchGraphBuilder("avgpool", {1, 5, 5, 160}, seed++);
    b.GlobalAvgPool();
    AddLayerBench(out, "global_avgpool_5x5x160", b);
  }
  {
    ir::GraphBuilder b = BenchGraphBuilder("avgpool", {1, 3, 3, 256}, seed++);
    b.GlobalAvgPool();
    AddLayerBench(out, "global_avgpool_3x3x256", b);
  }
  const auto pool = [&](bool max, int h, int c, int k, int s) {
    ir::GraphBuilder b = BenchGraphBuilder(max ? "maxpool" : "avgpool", {1, h, h, c}, seed++);
    b.Pool(max ? ir::OpKind::kMaxPool2D : ir::OpKind::kAveragePool2D, k, s);
    AddLayerBench(out, std::string(max ? "maxpool" : "avgpool") + std::to_string(k) + "x" + std::to_string(k) + "s" +
                           std::to_string(s) + "_" + std::to_string(h) + "x" + std::to_string(c), b);
  };
  for (bool max : {false, true}) {
    pool(max, 12, 16, 2, 2);
    pool(max, 13, 24, 3, 2);
    pool(max, 24, 8, 2, 2);
    pool(max, 6, 64, 3, 1);
  }
  for (int h : {10, 20}) {
    ir::GraphBuilder b = BenchGraphBuilder("pad", {1, h, h, 16}, seed++);
    b.Pad({1, 1, 1, 1});
    AddLayerBench(out, "pad1_" + std::to_string(h) + "x16", b);
  }
  for (int h : {10, 16}) {
    ir::GraphBuilder b = BenchGraphBuilder("requantize", {1, h, h, 24}, seed++);
    b.Requantize();
    AddLayerBench(out, "requantize_" + std::to_string(h) + "x24", b);
  }
  for (auto [cin, cout] : {std::pair{256, 10}, std::pair{64, 100}, std::pair{1024, 2}}) {
    ir::GraphBuilder b = BenchGraphBuilder("fc", {1, cin}, seed++);
    b.FullyConnected(cout);
    AddLayerBench(out, "fc_" + std::to_string(cin) + "to" + std::to_string(cout), b);
  }
  for (auto [h, c] : {std::pair{5, 64}, std::pair{3, 160}, std::pair{7, 16}, std::pair{2, 320}}) {
    ir::GraphBuilder b = BenchGraphBuilder("mean", {1, h, h, c}, seed++);
    b.Mean();
    AddLayerBench(out, "mean_" + std::to_string(h) + "x" + std::to_string(c), b);
  }
  for (int n : {2, 100, 1000}) {
    ir::GraphBuilder b = BenchGraphBuilder("softmax", {1, n}, seed++);
    b.Softmax();
    AddLayerBench(out, "softmax_" + std::to_string(n), b);
  }
  for (int n : {2, 1000}) {  // a classifier and its RESHAPE, as in the shared models
    ir::GraphBuilder b = BenchGraphBuilder("reshape", {1, 1, 1, 64}, seed++);
    b.Conv(n, 1, 1, Activation::kNone).Flatten();
    AddLayerBench(out, "classifier_reshape_" + std::to_string(n), b);
  }
  for (auto [h, c] : {std::pair{10, 16}, std::pair{20, 8}, std::pair{5, 96}}) {
    ir::GraphBuilder b = BenchGraphBuilder("add", {1, h, h, c}, seed++);
    const ir::TensorId skip = b.current();
    b.Depthwise(3, 1).AddFrom(skip);
    AddLayerBench(out, "add_" + std::to_string(h) + "x" + std::to_string(c), b);
  }
  // Depthwise layers on large maps (the shared models' early layers): mostly
  // interior pixels, so the fit tells the per-pixel cost from the border
  // path's (the small maps above are a third border). The last two fit the
  // micro:bit's 16 KiB (cortex-m0plus skips the others).
  dw(48, 8, 3, 1, 1);
  dw(40, 16, 3, 1, 1);
  dw(24, 32, 3, 1, 1);
  dw(40, 48, 3, 2, 1);
  dw(32, 4, 3, 1, 1);
  dw(26, 12, 3, 1, 1);
  // Layers on the wide requantisation path (a left shift; the others above
  // all take the narrow one), linear so that no clamp hides the path: the
  // fixed-K 1x1 pairs (K 8, 16), other K, the unrolled stem, a 3x3 window,
  // depthwise 3x3 and 5x5.
  const auto wide = [&](const std::string& name, std::vector<int32_t> shape, const auto& add) {
    ir::GraphBuilder b = BenchGraphBuilder("wide", std::move(shape), seed++, BenchStage::kWide);
    add(b);
    AddLayerBench(out, "wide_" + name, b);
  };
  const Activation linear = Activation::kNone;
  wide("conv1x1_16x8to48", {1, 16, 16, 8}, [&](ir::GraphBuilder& b) { b.Conv(48, 1, 1, linear); });
  wide("conv1x1_10x16to96", {1, 10, 10, 16}, [&](ir::GraphBuilder& b) { b.Conv(96, 1, 1, linear); });
  wide("conv1x1_6x144to40", {1, 6, 6, 144}, [&](ir::GraphBuilder& b) { b.Conv(40, 1, 1, linear); });
  wide("conv3x3s2_32x3to16", {1, 32, 32, 3}, [&](ir::GraphBuilder& b) { b.Conv(16, 3, 2, linear); });
  wide("conv3x3s1_16x8to8", {1, 16, 16, 8}, [&](ir::GraphBuilder& b) { b.Conv(8, 3, 1, linear); });
  wide("dw3x3s1_20x16", {1, 20, 20, 16}, [&](ir::GraphBuilder& b) { b.Depthwise(3, 1, 1, linear); });
  wide("dw3x3s1_40x16", {1, 40, 40, 16}, [&](ir::GraphBuilder& b) { b.Depthwise(3, 1, 1, linear); });
  wide("dw5x5s1_10x72", {1, 10, 10, 72}, [&](ir::GraphBuilder& b) { b.Depthwise(5, 1, 1, linear); });
  // Layers whose ReLU6 range is narrower than int8 (no shared model has
  // one; the others above saturate only): the kernels' clamping stages.
  const auto clamped = [&](const std::string& name, std::vector<int32_t> shape, const auto& add) {
    ir::GraphBuilder b = BenchGraphBuilder("clamped", std::move(shape), seed++, BenchStage::kClamped);
    add(b);
    AddLayerBench(out, "clamped_" + name, b);
  };
  clamped("conv1x1_16x48to8", {1, 16, 16, 48}, [&](ir::GraphBuilder& b) { b.Conv(8, 1, 1); });
  clamped("conv1x1_10x16to96", {1, 10, 10, 16}, [&](ir::GraphBuilder& b) { b.Conv(96, 1, 1); });
  clamped("conv3x3s2_32x3to16", {1, 32, 32, 3}, [&](ir::GraphBuilder& b) { b.Conv(16, 3, 2); });
  clamped("dw3x3s1_20x16", {1, 20, 20, 16}, [&](ir::GraphBuilder& b) { b.Depthwise(3, 1); });
  clamped("dw7x7s1_10x48", {1, 10, 10, 48}, [&](ir::GraphBuilder& b) { b.Depthwise(7, 1); });
  // Stems on large maps (the networks' are 40x40 to 88x88): the stems above
  // are 12-16% border pixels, too few interior ones to tell the border
  // path's cost from a pixel's (real stems were predicted 8% high). Last, as
  // every bench added later: the weights come from a running seed, so a
  // bench inserted earlier would change the graphs (and counts) of the rest.
  conv(64, 3, 16, 3, 2);
  conv(48, 3, 8, 3, 2);
}

struct Block {
  std::string name;
  ir::Graph graph;
};

// Typical fusable blocks (each graph is one block).
std::vector<Block> FusedBlocks(bool tiny) {
  std::vector<Block> blocks;
  uint64_t seed = 100;
  {
    ir::GraphBuilder b = BenchGraphBuilder("mbconv", {1, 16, 16, 8}, seed++);
    b.Conv(48, 1, 1).Depthwise(3, 1).Conv(8, 1, 1, Activation::kNone);
    blocks.push_back({"mbconv_k3_16x8", TakeBenchGraph(b)});
  }
  if (tiny) return blocks;
  {
    ir::GraphBuilder b = BenchGraphBuilder("stem", {1, 40, 40, 3}, seed++);
    b.Conv(16, 3, 2).Depthwise(3, 1).Conv(8, 1, 1, Activation::kNone);
    blocks.push_back({"stem_40x3", TakeBenchGraph(b)});
  }
  {
    ir::GraphBuilder b = BenchGraphBuilder("mbconv_s2", {1, 20, 20, 16}, seed++);
    b.Conv(48, 1, 1).Depthwise(7, 2).Conv(24, 1, 1, Activation::kNone);
    blocks.push_back({"mbconv_k7s2_20x16", TakeBenchGraph(b)});
  }
  {
    ir::GraphBuilder b = BenchGraphBuilder("residual", {1, 12, 12, 16}, seed++);
    const ir::TensorId skip = b.current();
    b.Conv(64, 1, 1).Depthwise(5, 1).Conv(16, 1, 1, Activation::kNone).AddFrom(skip);
    blocks.push_back({"residual_k5_12x16", TakeBenchGraph(b)});
  }
  {
    ir::GraphBuilder b = BenchGraphBuilder("two_blocks", {1, 24, 24, 8}, seed++);
    b.Conv(24, 1, 1).Depthwise(3, 2).Conv(16, 1, 1, Activation::kNone).Conv(48, 1, 1).Depthwise(5, 1);
    blocks.push_back({"two_mbconv_24x8", TakeBenchGraph(b)});
  }
  {
    ir::GraphBuilder b = BenchGraphBuilder("person", {1, 24, 24, 1}, seed++);
    b.Depthwise(3, 2, 8).Conv(16, 1, 1).Depthwise(3, 1).Conv(32, 1, 1);
    blocks.push_back({"dw_stem_24x1", TakeBenchGraph(b)});
  }
  {
    ir::GraphBuilder b = BenchGraphBuilder("classic", {1, 16, 16, 4}, seed++);
    b.Conv(16, 3, 1).Pool(ir::OpKind::kMaxPool2D, 2, 2).Conv(24, 3, 1);
    b.Pool(ir::OpKind::kAveragePool2D, 2, 2).Conv(32, 1, 1);
    blocks.push_back({"conv_pool_16x4", TakeBenchGraph(b)});
  }
  {
    ir::GraphBuilder b = BenchGraphBuilder("padded_pool", {1, 12, 12, 8}, seed++);
    b.Conv(16, 1, 1).Pad({1, 1, 1, 1}).Pool(ir::OpKind::kMaxPool2D, 3, 1).Requantize().Conv(8, 1, 1, Activation::kNone);
    blocks.push_back({"pad_pool_requant_12x8", TakeBenchGraph(b)});
  }
  {
    ir::GraphBuilder b = BenchGraphBuilder("head", {1, 6, 6, 32}, seed++);
    b.Conv(96, 1, 1).Depthwise(3, 1).GlobalAvgPool().Conv(100, 1, 1, Activation::kNone).Flatten();
    blocks.push_back({"pooled_head_6x32", TakeBenchGraph(b)});
  }
  {
    // A width-scaled (MobileNetV2-w0.35) first stage, seven ops deep: the
    // stem and two blocks with channel counts 11, 5 and 30 (scalar tails),
    // recomputed through a stride-2 depthwise as the networks' first fused
    // blocks are; the blocks above are two to five ops deep.
    ir::GraphBuilder b = BenchGraphBuilder("w035_stage", {1, 24, 24, 3}, seed++);
    b.Conv(11, 3, 2).Conv(11, 1, 1).Depthwise(3, 1).Conv(5, 1, 1, Activation::kNone);
    b.Conv(30, 1, 1).Depthwise(3, 2).Conv(8, 1, 1, Activation::kNone);
    blocks.push_back({"w035_stage_24x3", TakeBenchGraph(b)});
  }
  {
    // Convolutions only (a stem and two 1x1): with depthwise layers in
    // every other chain, the fit could not tell a convolution call's cost
    // from a depthwise call's.
    ir::GraphBuilder b = BenchGraphBuilder("conv_chain", {1, 20, 20, 3}, seed++);
    b.Conv(12, 3, 2).Conv(12, 1, 1).Conv(6, 1, 1, Activation::kNone);
    blocks.push_back({"conv_chain_20x3", TakeBenchGraph(b)});
  }
  {
    // A wide-map block with a tall window (MCUNet-320KB's 44x44 stage):
    // the blocks above have maps of 6-24 rows, so their hcache columns are
    // one or two row chunks long; these are eight (a 7x7 window's chunk is
    // 6 rows), and the networks' first blocks were predicted 3-7% low.
    ir::GraphBuilder b = BenchGraphBuilder("wide_map", {1, 44, 44, 16}, seed++);
    b.Conv(40, 1, 1).Depthwise(7, 1).Conv(16, 1, 1, Activation::kNone);
    blocks.push_back({"mbconv_k7_44x16", TakeBenchGraph(b)});
  }
  return blocks;
}

void FusedBenches(std::vector<Bench>* out, bool tiny) {
  struct Combo {
    step::Variant variant;
    int32_t patch;
  };
  const std::vector<Combo> combos =
      tiny ? std::vector<Combo>{{step::Variant::kHCache, 2}}
           : std::vector<Combo>{{step::Variant::kRecompute, 1}, {step::Variant::kRecompute, 2},
                                {step::Variant::kRecompute, 4}, {step::Variant::kHCache, 1},
                                {step::Variant::kHCache, 2},    {step::Variant::kHCache, 4},
                                {step::Variant::kLineBuffer, 1}};
  for (const Block& block : FusedBlocks(tiny)) {
    for (const Combo& c : combos) {
      const int32_t n = static_cast<int32_t>(block.graph.ops.size());
      const step::StepSpec spec{0, n, step::StepKind::kFused, c.variant, c.patch, c.patch};
      std::string name = block.name + "_" + step::VariantName(c.variant);
      if (c.variant != step::Variant::kLineBuffer) name += "_p" + std::to_string(c.patch);
      out->push_back({std::move(name), block.graph, {spec}});
    }
  }
}

}  // namespace

std::vector<Bench> BenchSuite(SuiteSize size) {
  const bool tiny = size == SuiteSize::kTiny;
  std::vector<Bench> suite;
  LayerBenches(&suite, tiny);
  FusedBenches(&suite, tiny);
  return suite;
}

std::vector<int8_t> BenchInput(const ir::Graph& g) {
  const int64_t n = g.tensor(g.input()).NumElements();
  std::vector<int8_t> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[static_cast<size_t>(i)] = static_cast<int8_t>((i * 37 + 11) % 256 - 128);
  return v;
}

BenchPlan PlanBench(const Bench& bench) {
  BenchPlan bp;
  try {
    bp.plan = plan::PlanOfSteps(bench.graph, bench.steps, &bp.work);
  } catch (const Error& e) {
    throw Error("calibration bench " + bench.name + ": " + e.what());
  }
  bp.plan.model = bench.name;
  for (const step::StepSpec& spec : bench.steps) bp.kinds.push_back(spec.kind);
  return bp;
}

}  // namespace msf::calib
