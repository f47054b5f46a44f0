// SPDX-License-Identifier: MIT
// Importer behaviour on small hand-built models: op mapping, SAME padding,
// PAD folding, float I/O peeling and the error messages for what msf refuses.
#include <gtest/gtest.h>

#include <memory>

#include "base/error.h"
#include "exec/reference_executor.h"
#include "frontend/builtin_op_names.h"
#include "frontend/tflite_importer.h"
#include "ir/analysis.h"
#include "ir/canonicalize.h"
#include "support/test_support.h"
#include "support/tflite_builder.h"

namespace msf {
namespace {

using test::TfliteBuilder;

ir::Graph Import(const std::vector<uint8_t>& bytes) {
  return frontend::ImportTfliteBuffer(std::make_shared<const std::vector<uint8_t>>(bytes), "t.tflite");
}

std::string ImportError(const std::vector<uint8_t>& bytes) {
  try {
    Import(bytes);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

// input 1x8x8x2 -> [PAD 1] -> conv 3x3 (VALID) -> 1x8x8x4
std::vector<uint8_t> PadConvModel(bool zero_pad, tfl::Padding conv_padding = tfl::Padding_VALID) {
  TfliteBuilder b;
  const int32_t in = b.Int8("in", {1, 8, 8, 2}, 0.05f, -3);
  const int p = zero_pad ? 0 : 1;
  const int32_t pads = b.Tensor("pads", {4, 2}, tfl::TensorType_INT32, {}, {}, test::Int32Bytes({0, 0, p, p, p, p, 0, 0}));
  const int32_t padded = b.Int8("padded", {1, 8 + 2 * p, 8 + 2 * p, 2}, 0.05f, -3);
  std::vector<int8_t> w(4 * 3 * 3 * 2);
  for (size_t i = 0; i < w.size(); ++i) w[i] = static_cast<int8_t>(static_cast<int>(i * 37 % 255) - 127);
  const int32_t filter = b.Tensor("w", {4, 3, 3, 2}, tfl::TensorType_INT8, {0.01f, 0.02f, 0.015f, 0.03f}, {0, 0, 0, 0}, test::Int8Bytes(w));
  const int32_t bias = b.Tensor("b", {4}, tfl::TensorType_INT32, {}, {}, test::Int32Bytes({10, -20, 30, 0}));
  const int out_hw = (conv_padding == tfl::Padding_SAME) ? 8 + 2 * p : 8 + 2 * p - 2;
  const int32_t out = b.Int8("out", {1, out_hw, out_hw, 4}, 0.1f, 5);
  b.Op(frontend::kPad, {in, pads}, {padded});
  b.Op(frontend::kConv2D, {padded, filter, bias}, {out}, tfl::BuiltinOptions_Conv2DOptions,
       [=](flatbuffers::FlatBufferBuilder& fbb) {
         return tfl::CreateConv2DOptions(fbb, conv_padding, 1, 1, tfl::ActivationFunctionType_RELU).Union();
       });
  return b.Finish({in}, {out});
}

TEST(Importer, MapsOpsAndQuantisation) {
  const ir::Graph g = Import(PadConvModel(false));
  ASSERT_EQ(g.ops.size(), 2u);
  EXPECT_EQ(g.ops[0].kind, ir::OpKind::kPad);
  EXPECT_EQ(g.ops[1].kind, ir::OpKind::kConv2D);
  EXPECT_EQ(g.ops[1].conv().act, ir::Activation::kRelu);
  EXPECT_EQ(g.tensor(g.ops[1].input(1)).quant.scale.size(), 4u);
  EXPECT_EQ(g.tensor(g.input()).quant.ZeroPoint(), -3);
}

TEST(Importer, FoldingPadIntoConvIsExact) {
  ir::Graph unfolded = Import(PadConvModel(false));
  ir::Graph folded = Import(PadConvModel(false));
  const ir::CanonicalizeStats stats = ir::Canonicalize(folded);
  EXPECT_EQ(stats.pads_folded, 1);
  ASSERT_EQ(folded.ops.size(), 1u);
  EXPECT_EQ(folded.ops[0].conv().pad.top, 1);
  EXPECT_EQ(folded.ops[0].conv().pad.right, 1);
  std::vector<int8_t> input(8 * 8 * 2);
  for (size_t i = 0; i < input.size(); ++i) input[i] = static_cast<int8_t>(i * 13 % 256 - 128);
  EXPECT_EQ(exec::RunReference(unfolded, input), exec::RunReference(folded, input));
}

TEST(Importer, IdentityPadIsRemoved) {
  ir::Graph g = Import(PadConvModel(true));
  const ir::CanonicalizeStats stats = ir::Canonicalize(g);
  EXPECT_EQ(stats.identity_pads_removed, 1);
  EXPECT_EQ(g.ops.size(), 1u);
}

TEST(Importer, SamePaddingMatchesTfliteRule) {
  // 8x8 input, no PAD, 3x3 SAME stride 1: one cell each side.
  const ir::Graph g = Import(PadConvModel(true, tfl::Padding_SAME));
  const ir::ConvAttrs& a = g.ops[1].conv();
  EXPECT_EQ(a.pad.top, 1);
  EXPECT_EQ(a.pad.bottom, 1);
}

TEST(Importer, UnsupportedOpIsNamed) {
  TfliteBuilder b;
  const int32_t x = b.Int8("x", {1, 4, 4, 2}, 0.1f, 0);
  const int32_t y = b.Int8("y", {1, 4, 4, 2}, 0.1f, 0);
  const int32_t z = b.Int8("z", {1, 4, 4, 2}, 0.1f, 0);
  b.Op(frontend::kAdd, {x, x}, {y});
  b.Op(27 /* SVDF */, {y, y}, {z});
  const std::string err = ImportError(b.Finish({x}, {z}));
  EXPECT_NE(err.find("op 1 (SVDF): unsupported op"), std::string::npos) << err;
  EXPECT_NE(err.find("t.tflite"), std::string::npos) << err;
}

TEST(Importer, CustomOpIsNamed) {
  TfliteBuilder b;
  const int32_t x = b.Int8("x", {1, 4, 4, 2}, 0.1f, 0);
  const int32_t y = b.Int8("y", {1, 4, 4, 2}, 0.1f, 0);
  b.Op(frontend::kCustom, {x}, {y}, tfl::BuiltinOptions_NONE, nullptr, "Ethos-U");
  EXPECT_NE(ImportError(b.Finish({x}, {y})).find("CUSTOM 'Ethos-U'"), std::string::npos);
}

TEST(Importer, FloatModelIsRefusedNamingTheOp) {
  TfliteBuilder b;
  const int32_t x = b.Tensor("x", {1, 4, 4, 2}, tfl::TensorType_FLOAT32);
  const int32_t w = b.Tensor("w", {2, 1, 1, 2}, tfl::TensorType_FLOAT32, {}, {}, std::vector<uint8_t>(16, 0));
  const int32_t y = b.Tensor("y", {1, 4, 4, 2}, tfl::TensorType_FLOAT32);
  b.Op(frontend::kConv2D, {x, w}, {y}, tfl::BuiltinOptions_Conv2DOptions, [](flatbuffers::FlatBufferBuilder& fbb) {
    return tfl::CreateConv2DOptions(fbb, tfl::Padding_VALID, 1, 1).Union();
  });
  const std::string err = ImportError(b.Finish({x}, {y}));
  EXPECT_NE(err.find("op 0 (CONV_2D)"), std::string::npos) << err;
  EXPECT_NE(err.find("FLOAT32"), std::string::npos) << err;
  EXPECT_NE(err.find("int8"), std::string::npos) << err;
}

// A float32 model input and output are kept as QUANTIZE / DEQUANTIZE ops
// that read the caller's float input and write its float output.
TEST(Importer, FloatBoundaryQuantizeDequantizeAreKept) {
  TfliteBuilder b;
  const int32_t xf = b.Tensor("xf", {1, 4, 4, 2}, tfl::TensorType_FLOAT32);
  const int32_t x = b.Int8("x", {1, 4, 4, 2}, 0.1f, 0);
  const int32_t y = b.Int8("y", {1, 4, 4, 2}, 0.2f, 1);
  const int32_t yf = b.Tensor("yf", {1, 4, 4, 2}, tfl::TensorType_FLOAT32);
  b.Op(frontend::kQuantize, {xf}, {x});
  b.Op(frontend::kAdd, {x, x}, {y});
  b.Op(frontend::kDequantize, {y}, {yf});
  const ir::Graph g = Import(b.Finish({xf}, {yf}));
  ASSERT_EQ(g.ops.size(), 3u);
  EXPECT_EQ(g.ops[0].kind, ir::OpKind::kQuantize);
  EXPECT_EQ(g.ops[2].kind, ir::OpKind::kDequantize);
  EXPECT_EQ(g.tensor(g.input()).name, "xf");
  EXPECT_EQ(g.tensor(g.input()).type, ir::DType::kFloat32);
  EXPECT_EQ(g.tensor(g.output()).name, "yf");
  EXPECT_EQ(g.tensor(g.output()).type, ir::DType::kFloat32);
}

TEST(Importer, QuantizeOfAFloatTensorInsideTheGraphIsRefused) {
  TfliteBuilder b;
  const int32_t x = b.Int8("x", {1, 4}, 0.1f, 0);
  const int32_t f = b.Tensor("f", {1, 4}, tfl::TensorType_FLOAT32);
  const int32_t y = b.Int8("y", {1, 4}, 0.1f, 0);
  b.Op(frontend::kDequantize, {x}, {f});
  b.Op(frontend::kQuantize, {f}, {y});
  const std::string err = ImportError(b.Finish({x}, {y}));
  EXPECT_NE(err.find("op 0 (DEQUANTIZE): DEQUANTIZE inside the graph has no int8 path"), std::string::npos) << err;
}

TEST(Importer, BadTensorIndexIsReported) {
  TfliteBuilder b;
  const int32_t x = b.Int8("x", {1, 4, 4, 2}, 0.1f, 0);
  const int32_t y = b.Int8("y", {1, 4, 4, 2}, 0.1f, 0);
  b.Op(frontend::kAdd, {x, 42}, {y});
  const std::string err = ImportError(b.Finish({x}, {y}));
  EXPECT_NE(err.find("tensor index 42 out of range"), std::string::npos) << err;
}

TEST(Importer, WeightSizeMismatchIsReported) {
  TfliteBuilder b;
  const int32_t x = b.Int8("x", {1, 4, 4, 2}, 0.1f, 0);
  const int32_t w = b.Tensor("w", {2, 1, 1, 2}, tfl::TensorType_INT8, {0.1f}, {0}, std::vector<uint8_t>(3, 1));
  const int32_t y = b.Int8("y", {1, 4, 4, 2}, 0.1f, 0);
  b.Op(frontend::kConv2D, {x, w}, {y}, tfl::BuiltinOptions_Conv2DOptions, [](flatbuffers::FlatBufferBuilder& fbb) {
    return tfl::CreateConv2DOptions(fbb, tfl::Padding_VALID, 1, 1).Union();
  });
  const std::string err = ImportError(b.Finish({x}, {y}));
  EXPECT_NE(err.find("has 3 data bytes but its shape needs 4"), std::string::npos) << err;
}

TEST(Importer, ReadBeforeWriteIsReported) {
  TfliteBuilder b;
  const int32_t x = b.Int8("x", {1, 4, 4, 2}, 0.1f, 0);
  const int32_t y = b.Int8("y", {1, 4, 4, 2}, 0.1f, 0);
  const int32_t z = b.Int8("z", {1, 4, 4, 2}, 0.1f, 0);
  b.Op(frontend::kAdd, {x, z}, {y});
  b.Op(frontend::kAdd, {x, x}, {z});
  EXPECT_NE(ImportError(b.Finish({x}, {y})).find("before any op writes it"), std::string::npos);
}

TEST(Importer, OverflowingShapeIsReported) {
  TfliteBuilder b;
  const int32_t x = b.Int8("x", {1, 65536, 65536, 8}, 0.1f, 0);
  const int32_t y = b.Int8("y", {1, 65536, 65536, 8}, 0.1f, 0);
  b.Op(frontend::kAdd, {x, x}, {y});
  EXPECT_NE(ImportError(b.Finish({x}, {y})).find("too large"), std::string::npos);
}

TEST(Importer, OpNamesCoverTheBuiltinTable) {
  EXPECT_EQ(frontend::BuiltinOpName(3), "CONV_2D");
  EXPECT_EQ(frontend::BuiltinOpName(114), "QUANTIZE");
  EXPECT_EQ(frontend::BuiltinOpName(999), "BUILTIN_999");
}

}  // namespace
}  // namespace msf
