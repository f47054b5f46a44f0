// SPDX-License-Identifier: MIT
// The cost model asks for kernel scratch from shapes alone; it must be what
// the kernels' *_buffer_size() queries answer for the fully lowered op.
#include <gtest/gtest.h>

#include "frontend/model_loader.h"
#include "frontend/paper_zoo.h"
#include "lower/lowering.h"
#include "lower/quantize_multiplier.h"
#include "support/test_support.h"

namespace msf::lower {
namespace {

int64_t ScratchOfLowered(const ir::Graph& g, const ir::Op& op) {
  const LoweredOp l = Lower(g, op);
  switch (op.kind) {
    case ir::OpKind::kConv2D: return msf_conv_s8_buffer_size(&l.conv);
    case ir::OpKind::kDepthwiseConv2D: return msf_depthwise_conv_s8_buffer_size(&l.conv);
    case ir::OpKind::kAveragePool2D:
    case ir::OpKind::kMaxPool2D: return msf_pool_s8_buffer_size(&l.pool);
    case ir::OpKind::kFullyConnected: return msf_fully_connected_s8_buffer_size(&l.fc);
    case ir::OpKind::kMean: return msf_mean_s8_buffer_size(&l.mean);
    default: return 0;
  }
}

void ExpectSameScratch(const ir::Graph& g) {
  int kinds_seen = 0;
  for (const ir::Op& op : g.ops) {
    if (op.kind == ir::OpKind::kReshape || op.kind == ir::OpKind::kDequantize) continue;
    EXPECT_EQ(ScratchBytes(g, op), ScratchOfLowered(g, op)) << g.name << " op kind " << static_cast<int>(op.kind);
    ++kinds_seen;
  }
  EXPECT_GT(kinds_seen, 0) << g.name;
}

TEST(ScratchBytes, FromShapesEqualsTheLoweredKernelQueryOnZooModels) {
  for (const std::string& name : frontend::ZooModelNames()) ExpectSameScratch(frontend::LoadModel("zoo:" + name));
}

TEST(ScratchBytes, FromShapesEqualsTheLoweredKernelQueryOnSharedModels) {
  MSF_REQUIRE_MODELS();
  for (const test::GoldenCase& c : test::GoldenCases()) {
    ExpectSameScratch(frontend::LoadModel(test::ModelsDir() + "/" + c.model));
  }
}

}  // namespace
}  // namespace msf::lower

namespace msf::lower {
namespace {

// The lowered FULLY_CONNECTED multiplier is TFLite's: scale product in
// double. Scales chosen so that a float product gives another multiplier.
TEST(LowerFullyConnected, MultiplierTakesTheScaleProductInDouble) {
  uint64_t state = 99;
  const auto next_scale = [&state] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<float>(1e-4 + 0.05 * static_cast<double>(state >> 11) / 9007199254740992.0);
  };
  float in_s = 0, f_s = 0, out_s = 0;
  int32_t dm = 0, dsh = 0;
  for (int i = 0; i < 100000; ++i) {
    in_s = next_scale(), f_s = next_scale(), out_s = next_scale() * 4;
    int32_t fm, fsh;
    QuantizeMultiplier(static_cast<double>(in_s) * static_cast<double>(f_s) / static_cast<double>(out_s), &dm, &dsh);
    QuantizeMultiplier(static_cast<double>(in_s * f_s) / static_cast<double>(out_s), &fm, &fsh);
    if (fm != dm || fsh != dsh) break;
  }
  ir::Graph g;
  g.name = "fc";
  const ir::TensorId x = g.AddActivation("x", {1, 8}, {{in_s}, {0}, 0});
  const ir::TensorId w = g.AddConstant("w", ir::DType::kInt8, {4, 8}, std::vector<uint8_t>(32, 1), {{f_s}, {0}, 0});
  const ir::TensorId y = g.AddActivation("y", {1, 4}, {{out_s}, {0}, 0});
  g.inputs = {x};
  g.outputs = {y};
  g.ops.push_back({ir::OpKind::kFullyConnected, {x, w}, {y}, ir::FullyConnectedAttrs{}, 0});
  const LoweredOp l = Lower(g, g.ops[0]);
  ASSERT_EQ(1u, l.multipliers.size());
  int32_t fm, fsh;
  QuantizeMultiplier(static_cast<double>(in_s * f_s) / static_cast<double>(out_s), &fm, &fsh);
  ASSERT_TRUE(fm != dm || fsh != dsh) << "no scales found where a float product differs";
  EXPECT_EQ(dm, l.multipliers[0]);
  EXPECT_EQ(dsh, l.shifts[0]);
}

}  // namespace
}  // namespace msf::lower
