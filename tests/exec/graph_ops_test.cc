// SPDX-License-Identifier: MIT
// Graphs beyond chains, built as .tflite files by the tests' writer: every
// op of the graph generalisation (RESIZE_NEAREST_NEIGHBOR, CONCATENATION,
// MUL, LOGISTIC, HARD_SWISH, TRANSPOSE, float QUANTIZE / DEQUANTIZE), several
// outputs, branches and merges. Each model is imported like a user's file
// and every plan of the planner (layer by layer, min RAM, F <= 1.3, a
// budget) runs bit-exactly like the layer-by-layer reference, with measured
// RAM equal to the planned arena.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "exec/fused_executor.h"
#include "exec/reference_executor.h"
#include "frontend/builtin_op_names.h"
#include "frontend/tflite_importer.h"
#include "ir/canonicalize.h"
#include "plan/planner.h"
#include "support/tflite_builder.h"

namespace msf {
namespace {

using test::TfliteBuilder;
using Fbb = flatbuffers::FlatBufferBuilder;

ir::Graph Load(const std::vector<uint8_t>& bytes) {
  ir::Graph g = frontend::ImportTfliteBuffer(std::make_shared<const std::vector<uint8_t>>(bytes), "m.tflite");
  ir::Canonicalize(g);
  return g;
}

// Deterministic int8 pattern.
std::vector<int8_t> Pattern(size_t n, uint32_t seed) {
  std::vector<int8_t> v(n);
  uint32_t s = seed * 2654435761u + 1;
  for (int8_t& x : v) {
    s = s * 1664525u + 1013904223u;
    x = static_cast<int8_t>(s >> 24);
  }
  return v;
}

std::vector<int8_t> FloatInput(size_t n, uint32_t seed) {
  std::vector<int8_t> bytes(n * 4);
  const std::vector<int8_t> p = Pattern(n, seed);
  for (size_t i = 0; i < n; ++i) {
    const float f = static_cast<float>(p[i]) / 37.0f;
    std::memcpy(bytes.data() + 4 * i, &f, 4);
  }
  return bytes;
}

// A k x k same-padded convolution (stride s) with per-channel weights.
int32_t Conv(TfliteBuilder& b, int32_t in, std::vector<int32_t> in_shape, int32_t cout, int32_t k, int32_t s,
             float out_scale, int64_t out_zp, uint32_t seed, const std::string& name) {
  const int32_t cin = in_shape[3];
  std::vector<float> scales(static_cast<size_t>(cout));
  for (int32_t c = 0; c < cout; ++c) scales[static_cast<size_t>(c)] = 0.01f + 0.002f * static_cast<float>(c % 5);
  const std::vector<int8_t> w = Pattern(static_cast<size_t>(cout * k * k * cin), seed);
  std::vector<int32_t> bias(static_cast<size_t>(cout));
  for (int32_t c = 0; c < cout; ++c) bias[static_cast<size_t>(c)] = (c * 37 + static_cast<int32_t>(seed)) % 200 - 100;
  const int32_t filter = b.Tensor(name + "_w", {cout, k, k, cin}, tfl::TensorType_INT8, scales,
                                  std::vector<int64_t>(static_cast<size_t>(cout), 0),
                                  std::vector<uint8_t>(w.begin(), w.end()));
  const int32_t bias_t = b.Tensor(name + "_b", {cout}, tfl::TensorType_INT32, scales,
                                  std::vector<int64_t>(static_cast<size_t>(cout), 0), test::Int32Bytes(bias));
  const int32_t oh = (in_shape[1] + s - 1) / s, ow = (in_shape[2] + s - 1) / s;
  const int32_t out = b.Int8(name, {1, oh, ow, cout}, out_scale, out_zp);
  b.Op(frontend::kConv2D, {in, filter, bias_t}, {out}, tfl::BuiltinOptions_Conv2DOptions, [s](Fbb& f) {
    return tfl::CreateConv2DOptions(f, tfl::Padding_SAME, s, s, tfl::ActivationFunctionType_RELU6).Union();
  });
  return out;
}

struct Checked {
  int plans = 0, fused_plans = 0;
};

// Every plan matches the reference byte for byte, measured RAM == planned.
Checked ExpectPlansMatchTheReference(const ir::Graph& g, const std::vector<int8_t>& input) {
  const std::vector<int8_t> reference = exec::RunReference(g, input);
  int64_t expected_bytes = 0;
  for (ir::TensorId t : g.outputs) expected_bytes += g.tensor(t).Bytes();
  EXPECT_EQ(static_cast<int64_t>(reference.size()), expected_bytes);
  const plan::Planner planner(g);
  Checked c;
  const search::Objective min_ram{};
  const search::Objective overhead{search::Objective::Kind::kMaxOverhead, 0, 1.3};
  for (search::Strategy s : {search::Strategy::kLayer, search::Strategy::kMsf}) {
    for (const search::Objective& o : {min_ram, overhead}) {
      plan::PlanRequest r;
      r.strategy = s;
      r.objective = o;
      const plan::Plan p = planner.Solve(r);
      const exec::PlanRun run = exec::RunPlan(g, p, input);
      EXPECT_EQ(run.output, reference) << search::StrategyName(s) << " " << search::ObjectiveKindName(o.kind);
      EXPECT_EQ(run.measured_peak_bytes, run.planned_arena_bytes);
      EXPECT_TRUE(run.guards_intact);
      ++c.plans;
      for (const plan::PlanStep& st : p.steps) {
        if (st.kind == step::StepKind::kFused) {
          ++c.fused_plans;
          break;
        }
      }
    }
  }
  return c;
}

TEST(GraphOps, ResizeNearestEveryModeMatchesTheReferenceInEveryPlan) {
  for (const auto& [align, half, in_h, in_w, out_h, out_w] :
       {std::tuple{false, false, 5, 6, 10, 12}, std::tuple{true, false, 5, 6, 9, 11},
        std::tuple{false, true, 5, 6, 7, 13}, std::tuple{true, true, 6, 5, 11, 9}}) {
    TfliteBuilder b;
    const int32_t x = b.Int8("x", {1, in_h, in_w, 3}, 0.05f, -3);
    const int32_t c = Conv(b, x, {1, in_h, in_w, 3}, 8, 3, 1, 0.04f, -128, 1, "c");
    const int32_t size = b.Tensor("size", {2}, tfl::TensorType_INT32, {}, {}, test::Int32Bytes({out_h, out_w}));
    const int32_t r = b.Int8("r", {1, out_h, out_w, 8}, 0.04f, -128);
    b.Op(frontend::kResizeNearestNeighbor, {c, size}, {r}, tfl::BuiltinOptions_ResizeNearestNeighborOptions,
         [align, half](Fbb& f) { return tfl::CreateResizeNearestNeighborOptions(f, align, half).Union(); });
    const int32_t y = Conv(b, r, {1, out_h, out_w, 8}, 4, 3, 1, 0.08f, 2, 2, "y");
    const ir::Graph g = Load(b.Finish({x}, {y}));
    EXPECT_EQ(g.ops[1].kind, ir::OpKind::kResizeNearest);
    ExpectPlansMatchTheReference(g, Pattern(static_cast<size_t>(in_h * in_w * 3), 3));
  }
}

TEST(GraphOps, ConcatenationAlongChannelsAndWidth) {
  // axis as the file gives it, output shape
  for (const auto& [axis, out_shape] : {std::pair{3, std::vector<int32_t>{1, 8, 8, 18}},
                                        std::pair{-1, std::vector<int32_t>{1, 8, 8, 18}},
                                        std::pair{2, std::vector<int32_t>{1, 8, 24, 6}}}) {
    TfliteBuilder b;
    const int32_t x = b.Int8("x", {1, 8, 8, 4}, 0.05f, 0);
    const int32_t a = Conv(b, x, {1, 8, 8, 4}, 6, 3, 1, 0.04f, -128, 4, "a");
    const int32_t c = Conv(b, x, {1, 8, 8, 4}, 6, 1, 1, 0.04f, -128, 5, "c");
    const int32_t cat = b.Int8("cat", out_shape, 0.04f, -128);
    const int32_t file_axis = axis;
    b.Op(frontend::kConcatenation, {a, c, a}, {cat}, tfl::BuiltinOptions_ConcatenationOptions, [file_axis](Fbb& f) {
      return tfl::CreateConcatenationOptions(f, file_axis, tfl::ActivationFunctionType_NONE).Union();
    });
    const int32_t y = Conv(b, cat, out_shape, 4, 3, 1, 0.1f, 0, 6, "y");
    const ir::Graph g = Load(b.Finish({x}, {y}));
    bool found = false;
    for (const ir::Op& op : g.ops) {
      if (op.kind != ir::OpKind::kConcat) continue;
      found = true;
      EXPECT_EQ(std::get<ir::ConcatAttrs>(op.attrs).axis, axis == 2 ? 2 : 3);
      EXPECT_EQ(op.inputs.size(), 3u);
    }
    EXPECT_TRUE(found);
    ExpectPlansMatchTheReference(g, Pattern(8 * 8 * 4, 7));
  }
}

TEST(GraphOps, MulSameShapeAndBroadcastSqueezeExciteAndGeneral) {
  // in1 shape, in2 shape (NHWC), in2 first?
  struct Case {
    std::vector<int32_t> a, b;
  };
  for (const Case& k : {Case{{1, 6, 6, 8}, {1, 6, 6, 8}}, Case{{1, 6, 6, 8}, {1, 1, 1, 8}},
                        Case{{1, 1, 1, 8}, {1, 6, 6, 8}}, Case{{1, 6, 6, 8}, {1, 6, 6, 1}},
                        Case{{1, 6, 1, 8}, {1, 1, 6, 8}}}) {
    TfliteBuilder b;
    const int32_t xa = b.Int8("xa", k.a, 0.05f, 3);
    const int32_t xb = b.Int8("xb", k.b, 0.03f, -7);
    const int32_t m = b.Int8("m", {1, 6, 6, 8}, 0.02f, 1);
    b.Op(frontend::kMul, {xa, xb}, {m}, tfl::BuiltinOptions_MulOptions,
         [](Fbb& f) { return tfl::CreateMulOptions(f, tfl::ActivationFunctionType_RELU).Union(); });
    const int32_t y = Conv(b, m, {1, 6, 6, 8}, 4, 3, 1, 0.1f, 0, 9, "y");
    // Two graph inputs: the model input is both tensors, concatenated.
    const ir::Graph g = Load(b.Finish({xa, xb}, {y}));
    size_t n = 0;
    for (ir::TensorId t : g.inputs) n += static_cast<size_t>(g.tensor(t).Bytes());
    const Checked c = ExpectPlansMatchTheReference(g, Pattern(n, 10));
    if (k.a == k.b) {
      EXPECT_GT(c.fused_plans, 0) << "an elementwise MUL runs inside fused blocks";
    }
  }
}

TEST(GraphOps, LogisticAndHardSwishFuseInBlocks) {
  for (const int32_t code : {frontend::kLogistic, frontend::kHardSwish}) {
    TfliteBuilder b;
    const int32_t x = b.Int8("x", {1, 12, 12, 3}, 0.05f, -1);
    const int32_t c = Conv(b, x, {1, 12, 12, 3}, 8, 3, 2, 0.06f, 4, 11, "c");
    const bool logistic = code == frontend::kLogistic;
    const int32_t a = b.Int8("a", {1, 6, 6, 8}, logistic ? 1.0f / 256.0f : 0.03f, logistic ? -128 : -20);
    b.Op(code, {c}, {a});
    const int32_t y = Conv(b, a, {1, 6, 6, 8}, 4, 3, 1, 0.1f, 0, 12, "y");
    const ir::Graph g = Load(b.Finish({x}, {y}));
    const Checked checked = ExpectPlansMatchTheReference(g, Pattern(12 * 12 * 3, 13));
    EXPECT_GT(checked.fused_plans, 0) << "the activation runs inside fused blocks";
  }
}

// A PyTorch export: NCHW input transposed to NHWC first.
TEST(GraphOps, TransposeOfAnNchwInput) {
  TfliteBuilder b;
  const int32_t x = b.Int8("x", {1, 3, 10, 12}, 0.05f, 2);
  const int32_t perm = b.Tensor("perm", {4}, tfl::TensorType_INT32, {}, {}, test::Int32Bytes({0, 2, 3, 1}));
  const int32_t t = b.Int8("t", {1, 10, 12, 3}, 0.05f, 2);
  b.Op(frontend::kTranspose, {x, perm}, {t});
  const int32_t y = Conv(b, t, {1, 10, 12, 3}, 8, 3, 2, 0.07f, -5, 14, "y");
  const ir::Graph g = Load(b.Finish({x}, {y}));
  EXPECT_EQ(g.ops[0].kind, ir::OpKind::kTranspose);
  ExpectPlansMatchTheReference(g, Pattern(3 * 10 * 12, 15));
  // The transposed tensor is the input's pixels in NHWC order.
  const std::vector<int8_t> in = Pattern(3 * 10 * 12, 15);
  const std::vector<std::vector<int8_t>> all = exec::RunReferenceAll(g, in);
  const std::vector<int8_t>& nhwc = all[static_cast<size_t>(g.ops[0].output())];
  for (int c = 0; c < 3; ++c) {
    for (int y = 0; y < 10; ++y) {
      for (int xx = 0; xx < 12; ++xx) EXPECT_EQ(nhwc[static_cast<size_t>((y * 12 + xx) * 3 + c)], in[static_cast<size_t>((c * 10 + y) * 12 + xx)]);
    }
  }
}

// Float in, an FPN-like branch and merge with upsampling, two float outputs.
TEST(GraphOps, FloatInputBranchesMergesAndSeveralOutputs) {
  TfliteBuilder b;
  const int32_t xf = b.Tensor("xf", {1, 16, 16, 3}, tfl::TensorType_FLOAT32);
  const int32_t x = b.Int8("x", {1, 16, 16, 3}, 0.02f, -4);
  b.Op(frontend::kQuantize, {xf}, {x});
  const int32_t c1 = Conv(b, x, {1, 16, 16, 3}, 8, 3, 2, 0.05f, -128, 21, "c1");      // 8x8x8
  const int32_t c2 = Conv(b, c1, {1, 8, 8, 8}, 8, 3, 2, 0.05f, -128, 22, "c2");       // 4x4x8
  const int32_t head1 = Conv(b, c2, {1, 4, 4, 8}, 6, 1, 1, 0.09f, 3, 23, "head1");  // output 1
  const int32_t size = b.Tensor("size", {2}, tfl::TensorType_INT32, {}, {}, test::Int32Bytes({8, 8}));
  const int32_t up = b.Int8("up", {1, 8, 8, 8}, 0.05f, -128);
  b.Op(frontend::kResizeNearestNeighbor, {c2, size}, {up}, tfl::BuiltinOptions_ResizeNearestNeighborOptions,
       [](Fbb& f) { return tfl::CreateResizeNearestNeighborOptions(f, false, false).Union(); });
  const int32_t sum = b.Int8("sum", {1, 8, 8, 8}, 0.07f, -100);
  b.Op(frontend::kAdd, {c1, up}, {sum}, tfl::BuiltinOptions_AddOptions,
       [](Fbb& f) { return tfl::CreateAddOptions(f, tfl::ActivationFunctionType_NONE).Union(); });
  const int32_t head2 = Conv(b, sum, {1, 8, 8, 8}, 6, 3, 1, 0.09f, -2, 24, "head2");
  const int32_t out1 = b.Tensor("out1", {1, 4, 4, 6}, tfl::TensorType_FLOAT32);
  const int32_t out2 = b.Tensor("out2", {1, 8, 8, 6}, tfl::TensorType_FLOAT32);
  b.Op(frontend::kDequantize, {head1}, {out1});
  b.Op(frontend::kDequantize, {head2}, {out2});
  const ir::Graph g = Load(b.Finish({xf}, {out1, out2}));
  ASSERT_EQ(g.outputs.size(), 2u);
  const Checked c = ExpectPlansMatchTheReference(g, FloatInput(16 * 16 * 3, 25));
  EXPECT_GT(c.fused_plans, 0);
  // The float outputs are TFLite's: scale * (q - zero point) of the int8 heads.
  const std::vector<int8_t> in = FloatInput(16 * 16 * 3, 25);
  const std::vector<std::vector<int8_t>> all = exec::RunReferenceAll(g, in);
  const std::vector<int8_t>& q = all[static_cast<size_t>(g.ops.back().input())];
  const std::vector<int8_t>& f = all[static_cast<size_t>(g.ops.back().output())];
  const ir::Tensor& qt = g.tensor(g.ops.back().input());
  for (size_t i = 0; i < q.size(); ++i) {
    float v;
    std::memcpy(&v, f.data() + 4 * i, 4);
    EXPECT_EQ(v, qt.quant.Scale() * static_cast<float>(q[i] - qt.quant.ZeroPoint()));
  }
}

// The same tensor as an output and as the input of a later op.
TEST(GraphOps, AnOutputReadByALaterOp) {
  TfliteBuilder b;
  const int32_t x = b.Int8("x", {1, 8, 8, 2}, 0.1f, 0);
  const int32_t y = Conv(b, x, {1, 8, 8, 2}, 4, 3, 1, 0.05f, -128, 31, "y");
  const int32_t z = Conv(b, y, {1, 8, 8, 4}, 4, 3, 2, 0.05f, -128, 32, "z");
  const ir::Graph g = Load(b.Finish({x}, {z, y}));
  ASSERT_EQ(g.outputs.size(), 2u);
  EXPECT_EQ(g.tensor(g.outputs[0]).name, "z");
  ExpectPlansMatchTheReference(g, Pattern(8 * 8 * 2, 33));
}

}  // namespace
}  // namespace msf
