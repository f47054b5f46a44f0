// SPDX-License-Identifier: MIT
// The edges of what msf can hold (issue 12): sizes, shapes, sums and
// quantisation the int32 device tables and the int8 kernels cannot
// represent are refused at import or plan building with one line naming the
// tensor or op (nothing reaches `msf run --plan` or `msf codegen` as a
// wrapped value), or run bit-exactly; calibration coefficients are bounded
// and predictions saturate; planning work is estimated and bounded.
// Models come from the tests' own .tflite writer.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <regex>

#include "base/error.h"
#include "search/exact_dag.h"
#include "cost/latency_model.h"
#include "search/instruction_dag.h"
#include "step/step_memory.h"
#include "exec/fused_executor.h"
#include "exec/reference_executor.h"
#include "plan/plan_json.h"
#include "search/solvers.h"
#include "frontend/tflite_importer.h"
#include "geometry/op_window.h"
#include "ir/canonicalize.h"
#include "frontend/model_loader.h"
#include "plan/device_plan.h"
#include "robustness/robust_support.h"
#include "support/random_graph.h"

namespace msf {
namespace {

using test::ExpectRefused;
using test::TfliteBuilder;
using Fbb = flatbuffers::FlatBufferBuilder;

ir::Graph Import(const std::vector<uint8_t>& bytes) {
  ir::Graph g = frontend::ImportTfliteBuffer(std::make_shared<const std::vector<uint8_t>>(bytes), "m.tflite");
  ir::Canonicalize(g);
  return g;
}

std::string ImportError(const std::vector<uint8_t>& bytes) {
  try {
    Import(bytes);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

std::string Written(const std::string& name, const std::vector<uint8_t>& bytes) {
  const std::string path = test::TempPath(name);
  test::WriteFile(path, bytes);
  return path;
}

// Layer-by-layer plan without building fused edges (cheap on huge tensors).
plan::Plan LayerPlan(const ir::Graph& g) {
  search::ExactOptions options;
  options.max_block_ops = 1;
  const search::FusionDag dag = search::BuildExactDag(g, options);
  plan::Plan plan = plan::MakePlan(dag, search::SolveMinRam(dag));
  plan.model = "m.tflite", plan.strategy = "layer", plan.cost_model = "exact";
  return plan;
}

// A plan file for a model with `ops` ops, valid for any model of that size
// whose tensors are small enough to plan (written from a 1x2x2x1 pool chain).
std::string LayerPlanFile(const std::string& name, int ops) {
  TfliteBuilder b;
  int32_t t = b.Int8("t0", {1, 2, 2, 1}, 0.1f, 0);
  const int32_t in = t;
  for (int i = 0; i < ops; ++i) {
    const int32_t next = b.Int8(std::string("t") + std::to_string(i + 1), {1, 2, 2, 1}, 0.1f, 0);
    b.Op(frontend::kMaxPool2D, {t}, {next}, tfl::BuiltinOptions_Pool2DOptions,
         [](Fbb& f) { return tfl::CreatePool2DOptions(f, tfl::Padding_VALID, 1, 1, 1, 1).Union(); });
    t = next;
  }
  const std::string path = test::TempPath(name);
  plan::WritePlanFile(path, LayerPlan(Import(b.Finish({in}, {t}))));
  return path;
}

std::vector<int8_t> Pattern(size_t n) {
  std::vector<int8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<int8_t>(i * 37 + 11);
  return v;
}

// The min-RAM plan (fused where possible) runs bit-exactly like the reference.
void ExpectBitExact(const std::vector<uint8_t>& bytes, const std::vector<int8_t>& input) {
  const ir::Graph g = Import(bytes);
  const std::vector<int8_t> expected = exec::RunReference(g, input);
  const search::FusionDag dag = search::BuildExactDag(g);
  const plan::Plan plan = plan::MakePlan(dag, search::SolveMinRam(dag));
  const exec::PlanRun run = exec::RunPlan(g, plan, input);
  EXPECT_EQ(run.output, expected);
  EXPECT_EQ(run.measured_peak_bytes, run.planned_arena_bytes);
}

// ---------------------------------------------------------------- item 1

TEST(RobustLimits, TensorOfExactly2To31ElementsIsRefusedByEveryCommand) {
  // 1 x 32768 x 65536 x 1 = 2^31 elements passed the old `>` check and became
  // INT32_MIN in the device tables: a negative memmove under `msf run --plan`,
  // `.count = (-2147483647 - 1)` in generated C.
  const std::vector<uint8_t> bytes = test::PoolModel({1, 32768, 65536, 1});
  const std::string err = ImportError(bytes);
  EXPECT_NE(err.find("m.tflite: tensor 0 'input' is too large (2^31 elements or more; device sizes are int32)"),
            std::string::npos)
      << err;
  const std::string model = Written("limits_2p31.tflite", bytes);
  const std::string plan = LayerPlanFile("limits_2p31_plan.json", 1);
  const std::string input = Written("limits_2p31_in.bin", std::vector<uint8_t>(4, 0));
  const std::string output = test::TempPath("limits_2p31_out.bin");
  const std::string json = test::TempPath("limits_2p31.json");
  const std::string pkg = test::TempPath("limits_2p31_pkg");
  const std::string needle = "tensor 0 'input' is too large";
  ExpectRefused({"info", model}, needle, {model}, {});
  ExpectRefused({"plan", model, "--min-ram", "--json", json}, needle, {model}, {json});
  ExpectRefused({"run", model, "--input", input, "--output", output, "--plan", plan}, needle, {model, input, plan},
                {output});
  ExpectRefused({"codegen", model, "--plan", plan, "--target", "host", "--out", pkg}, needle, {model, plan}, {pkg});
  // One element less imports (its arena is checked when a plan is built).
  EXPECT_EQ(ImportError(test::PoolModel({1, 32767, 65536, 1})), "");
}

// 1x1x1x1 input -> PAD to 1x32769x32768x1 ('a', 2^30 + 32768 bytes) -> MAX_POOL 1x1
// ('b', as large) -> MAX_POOL over the whole map -> 1x1x1x1: step 1 holds a and b,
// an arena beyond INT32_MAX although every tensor fits.
std::vector<uint8_t> HugeArenaModel() {
  TfliteBuilder b;
  const int32_t in = b.Int8("x", {1, 1, 1, 1}, 0.1f, 0);
  const int32_t pads = b.Tensor("pads", {4, 2}, tfl::TensorType_INT32, {}, {},
                                test::Int32Bytes({0, 0, 16384, 16384, 16384, 16383, 0, 0}));
  const int32_t a = b.Int8("a", {1, 32769, 32768, 1}, 0.1f, 0);
  b.Op(frontend::kPad, {in, pads}, {a});
  const int32_t big = b.Int8("b", {1, 32769, 32768, 1}, 0.1f, 0);
  b.Op(frontend::kMaxPool2D, {a}, {big}, tfl::BuiltinOptions_Pool2DOptions,
       [](Fbb& f) { return tfl::CreatePool2DOptions(f, tfl::Padding_VALID, 1, 1, 1, 1).Union(); });
  const int32_t out = b.Int8("y", {1, 1, 1, 1}, 0.1f, 0);
  b.Op(frontend::kMaxPool2D, {big}, {out}, tfl::BuiltinOptions_Pool2DOptions,
       [](Fbb& f) { return tfl::CreatePool2DOptions(f, tfl::Padding_VALID, 1, 1, 32768, 32769).Union(); });
  return b.Finish({in}, {out});
}

TEST(RobustLimits, ArenaBeyondInt32IsRefusedNamingTheTensor) {
  const std::vector<uint8_t> bytes = HugeArenaModel();
  const ir::Graph g = Import(bytes);
  ASSERT_EQ(g.ops.size(), 3u);
  const plan::Plan plan = LayerPlan(g);
  std::string err;
  try {
    const plan::DevicePlan device(g, plan);
  } catch (const Error& e) {
    err = e.what();
  }
  EXPECT_EQ(err, "the plan needs an arena of 2147549184 bytes, more than the device tables can address (2^31 - 1 "
                 "bytes) (tensor 'b': 1073774592 bytes at offset 1073774592)");

  const std::string model = Written("limits_arena.tflite", bytes);
  const std::string plan_file = test::TempPath("limits_arena_plan.json");
  plan::WritePlanFile(plan_file, plan);
  const std::string input = Written("limits_arena_in.bin", std::vector<uint8_t>(1, 0));
  const std::string output = test::TempPath("limits_arena_out.bin");
  const std::string pkg = test::TempPath("limits_arena_pkg");
  const std::string needle = "the plan needs an arena of 2147549184 bytes, more than the device tables can address";
  ExpectRefused({"run", model, "--input", input, "--output", output, "--plan", plan_file}, needle,
                {model, input, plan_file}, {output});
  ExpectRefused({"codegen", model, "--plan", plan_file, "--target", "host", "--out", pkg}, needle, {model, plan_file},
                {pkg});
}

// ---------------------------------------------------------------- item 2

std::vector<uint8_t> QuantizeModel(const std::vector<int32_t>& shape) {
  TfliteBuilder b;
  const int32_t in = b.Int8("x", shape, 0.1f, 0);
  const int32_t out = b.Int8("y", shape, 0.05f, 3);
  b.Op(frontend::kQuantize, {in}, {out});
  return b.Finish({in}, {out});
}

std::vector<uint8_t> QuantizeModelScales(float in_scale, float out_scale) {
  TfliteBuilder b;
  const int32_t in = b.Int8("x", {1, 2, 2, 1}, in_scale, 0);
  const int32_t out = b.Int8("y", {1, 2, 2, 1}, out_scale, 0);
  b.Op(frontend::kQuantize, {in}, {out});
  return b.Finish({in}, {out});
}

std::vector<uint8_t> AddModel(const std::vector<int32_t>& shape) {
  TfliteBuilder b;
  const int32_t in = b.Int8("x", shape, 0.1f, 0);
  const int32_t mid = b.Int8("m", shape, 0.1f, 0);
  b.Op(frontend::kQuantize, {in}, {mid});
  const int32_t out = b.Int8("y", shape, 0.05f, 3);
  b.Op(frontend::kAdd, {in, mid}, {out}, tfl::BuiltinOptions_AddOptions,
       [](Fbb& f) { return tfl::CreateAddOptions(f).Union(); });
  return b.Finish({in}, {out});
}

TEST(RobustLimits, BatchOrRank5ActivationsAreRefusedNamingTheOp) {
  // Both used to fill only part of their output under `msf run --plan` and in
  // generated C (the whole-tensor slot dropped the batch / fifth dimension).
  std::string err = ImportError(QuantizeModel({2, 3, 3, 2}));
  EXPECT_NE(err.find("m.tflite: op 0 (QUANTIZE): tensor 0 'x' has shape 2x3x3x2; msf runs activations of batch 1 "
                     "and rank <= 4 only"),
            std::string::npos)
      << err;
  err = ImportError(AddModel({1, 2, 3, 3, 2}));
  EXPECT_NE(err.find("op 0 (QUANTIZE): tensor 0 'x' has shape 1x2x3x3x2;"), std::string::npos) << err;
  {  // the ADD itself: its operands come straight from a rank-5 reshape
    TfliteBuilder b;
    const int32_t in = b.Int8("x", {1, 18, 2}, 0.1f, 0);
    const int32_t r = b.Int8("r", {1, 2, 3, 3, 2}, 0.1f, 0);
    b.Op(frontend::kReshape, {in}, {r});
    const int32_t out = b.Int8("y", {1, 2, 3, 3, 2}, 0.05f, 3);
    b.Op(frontend::kAdd, {r, r}, {out}, tfl::BuiltinOptions_AddOptions,
         [](Fbb& f) { return tfl::CreateAddOptions(f).Union(); });
    err = ImportError(b.Finish({in}, {out}));
    EXPECT_NE(err.find("op 0 (RESHAPE): tensor 1 'r' has shape 1x2x3x3x2;"), std::string::npos) << err;
  }
  const std::string model = Written("limits_batch2.tflite", QuantizeModel({2, 3, 3, 2}));
  const std::string plan = LayerPlanFile("limits_batch2_plan.json", 1);
  const std::string input = Written("limits_batch2_in.bin", std::vector<uint8_t>(36, 1));
  const std::string output = test::TempPath("limits_batch2_out.bin");
  const std::string pkg = test::TempPath("limits_batch2_pkg");
  ExpectRefused({"info", model}, "op 0 (QUANTIZE): tensor 0 'x' has shape 2x3x3x2", {model}, {});
  ExpectRefused({"run", model, "--input", input, "--output", output, "--plan", plan}, "has shape 2x3x3x2",
                {model, input, plan}, {output});
  ExpectRefused({"codegen", model, "--plan", plan, "--target", "host", "--out", pkg}, "has shape 2x3x3x2",
                {model, plan}, {pkg});
}

TEST(RobustLimits, ElementwiseOpsOfRankUpTo4RunBitExact) {
  for (const std::vector<int32_t>& shape :
       {std::vector<int32_t>{1, 3, 3, 2}, {3, 3, 2}, {6, 3}, {18}, {1, 1, 1, 18}}) {
    SCOPED_TRACE(::testing::PrintToString(shape));
    ExpectBitExact(QuantizeModel(shape), Pattern(18));
    ExpectBitExact(AddModel(shape), Pattern(18));
  }
}

// ---------------------------------------------------------------- item 6 (sums)

std::vector<uint8_t> AvgPoolModel(int32_t h, int32_t w, int32_t fh, int32_t fw, tfl::Padding padding) {
  TfliteBuilder b;
  const int32_t in = b.Int8("x", {1, h, w, 1}, 0.1f, 0);
  const int32_t oh = padding == tfl::Padding_SAME ? h : h - fh + 1, ow = padding == tfl::Padding_SAME ? w : w - fw + 1;
  const int32_t out = b.Int8("y", {1, oh, ow, 1}, 0.1f, 0);
  b.Op(frontend::kAveragePool2D, {in}, {out}, tfl::BuiltinOptions_Pool2DOptions,
       [=](Fbb& f) { return tfl::CreatePool2DOptions(f, padding, 1, 1, fw, fh).Union(); });
  return b.Finish({in}, {out});
}

std::vector<uint8_t> MeanModel(int32_t h, int32_t w, int32_t c, float out_scale, int64_t in_zp, int64_t out_zp) {
  TfliteBuilder b;
  const int32_t in = b.Int8("x", {1, h, w, c}, 0.1f, in_zp);
  const int32_t axes = b.Tensor("axes", {2}, tfl::TensorType_INT32, {}, {}, test::Int32Bytes({1, 2}));
  const int32_t out = b.Int8("y", {1, 1, 1, c}, out_scale, out_zp);
  b.Op(frontend::kMean, {in, axes}, {out}, tfl::BuiltinOptions_ReducerOptions,
       [](Fbb& f) { return tfl::CreateReducerOptions(f, true).Union(); });
  return b.Finish({in}, {out});
}

TEST(RobustLimits, SummedWindowsOver2To23CellsAreRefused) {
  // A 4097 x 4097 average window summed 16.8 M int8 values into a signed
  // int32 (undefined behaviour past 2^31 / 128 cells, reported by UBSan and
  // shipped in the generated C). The importer now caps the cells of one sum.
  std::string err = ImportError(AvgPoolModel(4097, 4097, 4097, 4097, tfl::Padding_VALID));
  EXPECT_NE(err.find("op 0 (AVERAGE_POOL_2D): averaging window of 16785409 input cells is too large (summed "
                     "windows are limited to 2^23 cells"),
            std::string::npos)
      << err;
  // The window counts what it covers inside the input: a huge SAME filter on
  // a small map is fine, a 2897 x 2897 one on a 2897 x 2897 map is not.
  EXPECT_EQ(ImportError(AvgPoolModel(64, 64, 1 << 20, 1 << 20, tfl::Padding_SAME)), "");
  EXPECT_NE(ImportError(AvgPoolModel(2897, 2897, 2897, 2897, tfl::Padding_VALID)).find("8392609 input cells"),
            std::string::npos);
  err = ImportError(MeanModel(4097, 4097, 1, 0.1f, 0, 0));
  EXPECT_NE(err.find("op 0 (MEAN): MEAN over 16785409 cells is too large"), std::string::npos) << err;
  err = ImportError(MeanModel(1, 1, 1 << 29, 0.1f, 0, 0));
  EXPECT_NE(err.find("op 0 (MEAN): MEAN over 536870912 channels needs more int32 sums"), std::string::npos) << err;
  const std::string model = Written("limits_pool.tflite", AvgPoolModel(4097, 4097, 4097, 4097, tfl::Padding_VALID));
  ExpectRefused({"info", model}, "averaging window of 16785409 input cells is too large", {model}, {});
}

TEST(RobustLimits, SumsAtTheWindowLimitAreExact) {
  // 2^23 cells of -128 (and of 127): the extreme sums and their rounding,
  // through the reference kernels and the fused path (the sanitizer build
  // checks that no int32 overflows).
  const int32_t h = 4096, w = 2048;
  for (const int8_t v : {int8_t{-128}, int8_t{127}}) {
    SCOPED_TRACE(static_cast<int>(v));
    const std::vector<int8_t> input(static_cast<size_t>(h) * w, v);
    for (const std::vector<uint8_t>& bytes :
         {AvgPoolModel(h, w, h, w, tfl::Padding_VALID), MeanModel(h, w, 1, 0.1f, 0, 0)}) {
      const ir::Graph g = Import(bytes);
      const std::vector<int8_t> ref = exec::RunReference(g, input);
      EXPECT_EQ(ref, std::vector<int8_t>{v});
      EXPECT_EQ(exec::RunPlan(g, LayerPlan(g), input).output, ref);
    }
    // MEAN with requantisation: sum - input_zp * n reaches 255 * 2^23.
    const ir::Graph g = Import(MeanModel(h, w, 1, 0.2f, v == 127 ? -128 : 127, 0));
    const std::vector<int8_t> ref = exec::RunReference(g, input);
    EXPECT_EQ(ref, std::vector<int8_t>{static_cast<int8_t>(v == 127 ? 127 : -128)});
    EXPECT_EQ(exec::RunPlan(g, LayerPlan(g), input).output, ref);
  }
}

// ---------------------------------------------------------------- item 9

// One ADD of two int8 inputs with the given scales.
std::vector<uint8_t> ScaledAddModel(float in_scale, float out_scale) {
  TfliteBuilder b;
  const int32_t in = b.Int8("x", {1, 2, 2, 1}, in_scale, 0);
  const int32_t mid = b.Int8("m", {1, 2, 2, 1}, in_scale, 0);
  b.Op(frontend::kMaxPool2D, {in}, {mid}, tfl::BuiltinOptions_Pool2DOptions,
       [](Fbb& f) { return tfl::CreatePool2DOptions(f, tfl::Padding_VALID, 1, 1, 1, 1).Union(); });
  const int32_t out = b.Int8("y", {1, 2, 2, 1}, out_scale, 0);
  b.Op(frontend::kAdd, {in, mid}, {out}, tfl::BuiltinOptions_AddOptions,
       [](Fbb& f) { return tfl::CreateAddOptions(f).Union(); });
  return b.Finish({in}, {out});
}

std::vector<uint8_t> SoftmaxModel(float in_scale, float beta) {
  TfliteBuilder b;
  const int32_t in = b.Int8("x", {1, 4}, in_scale, 0);
  const int32_t out = b.Int8("y", {1, 4}, 1.0f / 256, -128);
  b.Op(frontend::kSoftmax, {in}, {out}, tfl::BuiltinOptions_SoftmaxOptions,
       [=](Fbb& f) { return tfl::CreateSoftmaxOptions(f, beta).Union(); });
  return b.Finish({in}, {out});
}

// A 1x1 convolution with the given scales and fused activation.
std::vector<uint8_t> ScaledConvModel(float in_scale, float w_scale, float out_scale,
                                     tfl::ActivationFunctionType act = tfl::ActivationFunctionType_NONE) {
  TfliteBuilder b;
  const int32_t in = b.Int8("x", {1, 2, 2, 1}, in_scale, 0);
  const int32_t w = b.Tensor("w", {1, 1, 1, 1}, tfl::TensorType_INT8, {w_scale}, {0}, std::vector<uint8_t>(1, 3));
  const int32_t out = b.Int8("y", {1, 2, 2, 1}, out_scale, 0);
  b.Op(frontend::kConv2D, {in, w}, {out}, tfl::BuiltinOptions_Conv2DOptions,
       [=](Fbb& f) { return tfl::CreateConv2DOptions(f, tfl::Padding_VALID, 1, 1, act).Union(); });
  return b.Finish({in}, {out});
}

TEST(RobustLimits, UnrepresentableQuantisationIsRefusedAtImportNamingTheOp) {
  // Each used to import (`msf info` exit 0) and fail later with an unlabelled
  // "QuantizeMultiplierSmallerThanOneExp: ... is not in (0, 1)" or similar.
  struct Case {
    std::vector<uint8_t> bytes;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {ScaledAddModel(1.0f, 1e-6f),
       "op 1 (ADD): output scale 1e-06 is too small for input scales 1 and 1 (the int8 ADD needs 2 * max(input "
       "scales) < 2^20 * output scale)"},
      {SoftmaxModel(1e-9f, 1.0f),
       "op 0 (SOFTMAX): beta * input scale = 1e-09 is too small (the int8 SOFTMAX needs it above 2^-26)"},
      {ScaledConvModel(1e5f, 1e5f, 1e-3f),
       "op 0 (CONV_2D): quantisation the int8 kernels cannot represent: rescaling factor 1e+13 is too large (the "
       "int8 kernels need less than 2^31)"},
      {ScaledConvModel(0.1f, 0.1f, 1e-12f, tfl::ActivationFunctionType_RELU6),
       "op 0 (CONV_2D): quantisation the int8 kernels cannot represent: fused activation bound 6 / output scale "
       "1e-12 does not fit int32"},
      {QuantizeModelScales(1e10f, 1e-10f),
       "op 0 (QUANTIZE): quantisation the int8 kernels cannot represent: rescaling factor 1e+20 is too large"},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    const std::string err = ImportError(cases[i].bytes);
    EXPECT_NE(err.find("m.tflite: " + cases[i].expected), std::string::npos) << err;
    const std::string model = Written("limits_quant_" + std::to_string(i) + ".tflite", cases[i].bytes);
    ExpectRefused({"info", model}, cases[i].expected, {model}, {});
  }
  // Just inside the limits: import and run bit-exactly.
  ExpectBitExact(ScaledAddModel(1.0f, 2.0f / (1 << 20) * 1.001f), Pattern(4));
  ExpectBitExact(SoftmaxModel(1.0f / (1 << 25), 1.0f), Pattern(4));
  ExpectBitExact(ScaledConvModel(1e4f, 1e4f, 1.0f), Pattern(4));
}

// ---------------------------------------------------------------- item 7

std::string CalibrationWith(const std::string& value) {
  std::string text = cost::LatencyModelToJson(cost::BuiltinLatencyModel("cortex-m4"));
  // Every coefficient (the per_* fields and the per-step constants).
  return std::regex_replace(text, std::regex(R"re(("(per_[a-z_]+|layer|fused)"): [-0-9.eE+]+)re"), "$1: " + value);
}

TEST(RobustCalibration, CoefficientsOutOfRangeAreRefusedAtLoad) {
  // 1e19 instructions per MAC used to load, then overflow an int64 in the
  // latency model (llround of the prediction, then the solvers' sums).
  for (const char* bad : {"1e19", "1000000001", "1e308"}) {
    try {
      cost::LatencyModelFromJson(CalibrationWith(bad));
      ADD_FAILURE() << "accepted " << bad;
    } catch (const Error& e) {
      EXPECT_EQ(std::string(e.what()), "invalid latency model: model.per_invoke must be a non-negative number of at "
                                       "most 1e9 instructions");
    }
  }
  EXPECT_NO_THROW(cost::LatencyModelFromJson(CalibrationWith("1e9")));
  // The fuzz regression input holds the current format (a stale one would
  // be refused for a missing field, not for its coefficients).
  const std::vector<uint8_t> corpus = test::ReadFile(std::string(MSF_SOURCE_DIR) +
                                                     "/tests/corpus/calibration_json/coefficients_1e19_overflowed_int64.json");
  try {
    cost::LatencyModelFromJson(std::string(corpus.begin(), corpus.end()));
    ADD_FAILURE() << "corpus file accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("must be a non-negative number of at most 1e9 instructions"), std::string::npos)
        << e.what();
  }
  const std::string file = Written("limits_calib.json", [] {
    const std::string t = CalibrationWith("1e19");
    return std::vector<uint8_t>(t.begin(), t.end());
  }());
  const std::string json = test::TempPath("limits_calib_plan.json");
  ExpectRefused({"plan", "zoo:mcunet-vww-5fps-r80", "--min-ram", "--calibration", file, "--json", json},
                "limits_calib.json: invalid latency model: model.per_invoke must be a non-negative number of at most "
                "1e9 instructions",
                {file}, {json});
}

TEST(RobustCalibration, HugeWorkTimesLargeCoefficientsSaturates) {
  // The largest valid coefficients on the largest work counts: every edge's
  // prediction saturates so that any path of the DAG sums without overflow
  // (UBSan checks the solvers' additions in the sanitizer build).
  const cost::LatencyModel m = cost::LatencyModelFromJson(CalibrationWith("1e9"));
  const ir::Graph g = test::RandomGraph(3);
  search::ExactOptions options;
  options.max_block_ops = 4;
  search::FusionDag dag = search::BuildExactDag(g, options);
  std::vector<step::StepWork> work;
  for (search::Edge& e : dag.edges) {
    for (auto* counts : {&e.work.executed_macs, &e.work.taps, &e.work.tap_rows, &e.work.out_bytes, &e.work.calls,
                         &e.work.pixels, &e.work.border_pixels, &e.work.tail_elems, &e.work.lines,
                         &e.work.lone_macs, &e.work.clamp_bytes, &e.work.wide_bytes,
                         &e.work.loop_macs, &e.work.k16_macs, &e.work.border_bytes}) {
      counts->fill(std::numeric_limits<int64_t>::max());
    }
  }
  const search::FusionDag idag = search::InstructionDag(dag, m);
  const int64_t cap = std::numeric_limits<int64_t>::max() / 2 / (dag.num_nodes + 1);
  for (const search::Edge& e : idag.edges) EXPECT_EQ(e.macs, cap);
  EXPECT_EQ(idag.vanilla_macs, cap * static_cast<int64_t>(g.ops.size()));
  const search::Setting s = search::SolveMinRam(idag);
  EXPECT_GT(s.macs, 0);
  EXPECT_LE(s.macs, cap * static_cast<int64_t>(g.ops.size()));
  EXPECT_FALSE(search::ParetoFront(idag).empty());
  plan::Plan plan = plan::MakePlan(dag, s);
  for (int32_t e : s.edges) work.push_back(dag.edges[static_cast<size_t>(e)].work);
  plan::PredictPlan(&plan, work, m);
  EXPECT_EQ(plan.predicted_instructions, std::numeric_limits<int64_t>::max() / 2);
  for (const plan::PlanStep& step : plan.steps) EXPECT_EQ(step.predicted_instructions, plan.predicted_instructions);
  EXPECT_EQ(cost::RoundPrediction(-5), 0);
  EXPECT_EQ(cost::RoundPrediction(std::nan("")), 0);
  EXPECT_EQ(cost::RoundPrediction(2.5), 3);
}

// ---------------------------------------------------------------- item 8

// `layers` depthwise 3x3 SAME convolutions on a 1 x hw x hw x 1 map, sharing
// one weight tensor: 400 layers on 1024 x 1024 is a 60 kB file that took
// `msf plan --min-ram` 157 s (every block of up to 64 ops, every variant and
// patch size, over a million cells each).
std::vector<uint8_t> DeepModel(int layers, int32_t hw) {
  TfliteBuilder b;
  int32_t t = b.Int8("x", {1, hw, hw, 1}, 0.1f, 0);
  const int32_t in = t;
  const int32_t w = b.Tensor("w", {1, 3, 3, 1}, tfl::TensorType_INT8, {0.01f}, {0}, std::vector<uint8_t>(9, 3));
  const int32_t bias = b.Tensor("b", {1}, tfl::TensorType_INT32, {}, {}, test::Int32Bytes({1}));
  for (int i = 0; i < layers; ++i) {
    const int32_t next = b.Int8(std::to_string(i), {1, hw, hw, 1}, 0.1f, 0);
    b.Op(frontend::kDepthwiseConv2D, {t, w, bias}, {next}, tfl::BuiltinOptions_DepthwiseConv2DOptions,
         [](Fbb& f) { return tfl::CreateDepthwiseConv2DOptions(f, tfl::Padding_SAME, 1, 1, 1).Union(); });
    t = next;
  }
  return b.Finish({in}, {t});
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

TEST(RobustWork, DeepHugeModelIsPlannedWithinTheWorkLimit) {
  const std::vector<uint8_t> bytes = DeepModel(400, 1024);
  ASSERT_LT(bytes.size(), 100'000u);
  const ir::Graph g = Import(bytes);
  // The estimate is quick and far over the default limit; the blocks the
  // build falls back to fit it (the build itself then takes ~10 s: not run).
  auto start = std::chrono::steady_clock::now();
  search::ExactOptions options;
  const int64_t full = search::EstimateExactDagWork(g, options);
  EXPECT_GT(full, search::kDefaultWorkLimit);
  options.max_block_ops = 16;
  EXPECT_LE(search::EstimateExactDagWork(g, options), search::kDefaultWorkLimit);
  options.max_block_ops = 64;
  EXPECT_LT(SecondsSince(start), 10.0);  // milliseconds; generous for sanitizer builds

  // Below what even blocks of 2 ops need: refused at once, naming the option.
  options.work_limit = 10'000'000;
  start = std::chrono::steady_clock::now();
  try {
    search::BuildExactDag(g, options);
    ADD_FAILURE() << "no refusal";
  } catch (const Error& e) {
    std::smatch m;
    const std::string what = e.what();
    ASSERT_TRUE(std::regex_search(what, m,
                                  std::regex(R"(^planning this model needs about [0-9.e+]+ work units even with fused )"
                                             R"(blocks of 2 ops, over the limit of 1e\+07 \(raise it with )"
                                             R"(--work-limit ([0-9.e+]+)\)$)")))
        << what;
    // The suggested limit suffices (rounded up).
    search::ExactOptions two = options;
    two.max_block_ops = 2;
    EXPECT_GE(std::stod(m[1].str()), static_cast<double>(search::EstimateExactDagWork(g, two))) << what;
  }
  EXPECT_LT(SecondsSince(start), 10.0);
  const std::string model = Written("limits_deep.tflite", bytes);
  const std::string json = test::TempPath("limits_deep_plan.json");
  start = std::chrono::steady_clock::now();
  ExpectRefused({"plan", model, "--min-ram", "--work-limit", "1e7", "--json", json}, "(raise it with --work-limit ",
                {model}, {json});
  ExpectRefused({"pareto", model, "--work-limit", "1e7", "--json", json}, "over the limit of 1e+07", {model}, {json});
  EXPECT_LT(SecondsSince(start), 30.0);  // was minutes
}

TEST(RobustWork, OverTheLimitTheBuildConsidersShorterBlocks) {
  const ir::Graph g = Import(DeepModel(24, 48));
  search::ExactOptions options;
  const int64_t full = search::EstimateExactDagWork(g, options);
  options.work_limit = full / 3;
  search::ExactDagInfo info;
  std::vector<double> progress;
  options.progress = [&](double f) { progress.push_back(f); };
  const search::FusionDag dag = search::BuildExactDag(g, options, &info);
  EXPECT_EQ(info.full_work, full);
  EXPECT_LE(info.work, options.work_limit);
  EXPECT_LT(info.max_block_ops, 24);
  EXPECT_GE(info.max_block_ops, 2);
  for (const search::Edge& e : dag.edges) EXPECT_LE(e.to - e.from, info.max_block_ops);
  ASSERT_FALSE(progress.empty());
  EXPECT_TRUE(std::is_sorted(progress.begin(), progress.end()));
  EXPECT_DOUBLE_EQ(progress.back(), 1.0);
  // Through the CLI: a note on stderr, and a plan that runs bit-exactly.
  const std::string model = Written("limits_deep_small.tflite", DeepModel(24, 48));
  const std::string plan = test::TempPath("limits_deep_small_plan.json");
  const test::CliResult r =
      test::RunCli({"plan", model, "--min-ram", "--work-limit", std::to_string(full / 3), "--json", plan});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("msf: note: fused blocks limited to " + std::to_string(info.max_block_ops) +
                       " ops to keep planning within --work-limit"),
            std::string::npos)
      << r.err;
  const std::string input = Written("limits_deep_small_in.bin", std::vector<uint8_t>(48 * 48, 7));
  const std::string output = test::TempPath("limits_deep_small_out.bin");
  const test::CliResult run = test::RunCli({"run", model, "--input", input, "--output", output, "--plan", plan, "--check"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("bit-exact: yes"), std::string::npos) << run.out;
  // Without a limit, nothing is coarsened and nothing printed.
  const test::CliResult full_run = test::RunCli({"plan", model, "--min-ram", "--work-limit", "inf"});
  EXPECT_EQ(full_run.exit_code, 0) << full_run.err;
  EXPECT_EQ(full_run.err, "");
}

TEST(RobustWork, WorkLimitOptionValues) {
  for (const char* bad : {"abc", "0", "-5", "", "1e400", "nan"}) {
    ExpectRefused({"plan", "zoo:mcunet-vww-5fps-r80", "--min-ram", "--work-limit", bad}, "invalid work limit", {}, {});
  }
  const test::CliResult r = test::RunCli({"plan", "zoo:mcunet-vww-5fps-r80", "--min-ram", "--work-limit", "2e9"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
}

TEST(RobustWork, RealModelsAreFarBelowTheDefaultLimit) {
  for (const char* zoo : {"zoo:mbv2-w0.35-r144", "zoo:mcunet-vww-5fps-r80", "zoo:mcunet-320kb-r176"}) {
    const ir::Graph g = frontend::LoadModel(zoo);
    EXPECT_LT(search::EstimateExactDagWork(g, {}), search::kDefaultWorkLimit / 100) << zoo;
  }
}

TEST(RobustWork, LivenessWindowCountsAreExactForHugeWindows) {
  // The in-input taps per output cell, now in O(1) per cell (a loop over the
  // taps made a SAME window of 2^20 rows cost 2^20 per output row: seconds
  // for this 500-byte model, in every command that plans or runs it).
  TfliteBuilder b;
  const int32_t in = b.Int8("x", {1, 4096, 9, 1}, 0.1f, 0);
  const int32_t out = b.Int8("y", {1, 4096, 9, 1}, 0.1f, 0);
  b.Op(frontend::kAveragePool2D, {in}, {out}, tfl::BuiltinOptions_Pool2DOptions,
       [](Fbb& f) { return tfl::CreatePool2DOptions(f, tfl::Padding_SAME, 1, 1, 5, 1 << 20).Union(); });
  const ir::Graph g = Import(b.Finish({in}, {out}));
  const auto start = std::chrono::steady_clock::now();
  const step::GraphLiveness live = step::ComputeLiveness(g);
  EXPECT_LT(SecondsSince(start), 1.0);  // milliseconds (the tap loop: seconds)
  const std::vector<int64_t>& rows = live.inside_prefix[0][0];
  ASSERT_EQ(rows.size(), 4097u);
  for (size_t o = 0; o < 4096; ++o) ASSERT_EQ(rows[o + 1] - rows[o], 4096) << o;  // the whole input column
  const std::vector<int64_t>& cols = live.inside_prefix[0][1];
  const int64_t expected_cols[] = {3, 4, 5, 5, 5, 5, 5, 4, 3};
  for (size_t o = 0; o < 9; ++o) EXPECT_EQ(cols[o + 1] - cols[o], expected_cols[o]) << o;
  // Strided and dilated windows against the tap loop.
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    const ir::Graph r = test::RandomGraph(seed);
    const step::GraphLiveness l = step::ComputeLiveness(r);
    for (size_t i = 0; i < r.ops.size(); ++i) {
      if (l.inside_prefix[i][0].empty()) continue;
      for (int axis = 0; axis < 2; ++axis) {
        const geometry::AxisWindow w =
            geometry::OpAxisWindow(r, r.ops[i], axis == 0 ? geometry::Axis::kH : geometry::Axis::kW);
        const std::vector<int64_t>& p = l.inside_prefix[i][static_cast<size_t>(axis)];
        for (size_t o = 0; o + 1 < p.size(); ++o) {
          int64_t inside = 0;
          for (int32_t j = 0; j < w.kernel; ++j) {
            const int64_t x = static_cast<int64_t>(o) * w.stride - w.pad_before + int64_t{j} * w.dilation;
            inside += x >= 0 && x < w.in_size ? 1 : 0;
          }
          ASSERT_EQ(p[o + 1] - p[o], inside) << "seed " << seed << " op " << i << " axis " << axis << " cell " << o;
        }
      }
    }
  }
}

}  // namespace
}  // namespace msf
