// SPDX-License-Identifier: MIT
// Untrusted .tflite files, end to end through the CLI and the importer:
// wrong tensor types, shapes and windows that overflow 32-bit sizes,
// corrupted and truncated shared models in every command (the library-level
// truncation / bit-flip sweeps are in tests/import/malformed_test.cc).
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <functional>
#include <random>

#include "base/error.h"
#include "fuzz/harness.h"
#include "frontend/tflite_importer.h"
#include "ir/canonicalize.h"
#include "robustness/robust_support.h"

namespace msf {
namespace {

using test::ExpectRefused;
using test::TfliteBuilder;
using Fbb = flatbuffers::FlatBufferBuilder;

std::string ImportError(const std::vector<uint8_t>& bytes) {
  try {
    ir::Graph g = frontend::ImportTfliteBuffer(std::make_shared<const std::vector<uint8_t>>(bytes), "m.tflite");
    ir::Canonicalize(g);
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

TEST(RobustImport, SmallModelImportsAndRuns) {
  const std::string model = Written("robust_small.tflite", test::SmallInt8Model());
  const std::string input = Written("robust_small_in.bin", std::vector<uint8_t>(test::kSmallModelInputBytes, 5));
  const std::string output = test::TempPath("robust_small_out.bin");
  const test::CliResult r = test::RunCli({"run", model, "--input", input, "--output", output});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(test::ReadFile(output).size(), 4u);
  const test::CliResult info = test::RunCli({"info", model});
  ASSERT_EQ(info.exit_code, 0) << info.err;
  EXPECT_NE(info.out.find("SOFTMAX"), std::string::npos) << info.out;
}

TEST(RobustImport, FloatModelIsRefusedNamingTheOp) {
  const std::vector<uint8_t> bytes = test::SmallModel(/*float_model=*/true);
  const std::string err = ImportError(bytes);
  EXPECT_NE(err.find("op 0 (CONV_2D)"), std::string::npos) << err;
  EXPECT_NE(err.find("FLOAT32"), std::string::npos) << err;
  EXPECT_NE(err.find("int8"), std::string::npos) << err;
  const std::string model = Written("robust_float.tflite", bytes);
  const std::string json = test::TempPath("robust_float_info.json");
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"info", model, "--json", json}, {"plan", model, "--min-ram", "--json", json},
        {"pareto", model, "--json", json}}) {
    ExpectRefused(args, "op 0 (CONV_2D): tensor 0 'input' is FLOAT32", {model}, {json});
  }
}

TEST(RobustImport, WrongTypesNameTheOpAndTensor) {
  struct Case {
    tfl::TensorType type;
    const char* name;
  };
  for (const Case& c : {Case{tfl::TensorType_UINT8, "UINT8"}, Case{tfl::TensorType_INT16, "INT16"},
                        Case{tfl::TensorType_FLOAT16, "FLOAT16"}, Case{tfl::TensorType_INT32, "INT32"}}) {
    TfliteBuilder b;
    const int32_t in = b.Tensor("x", {1, 4, 4, 2}, c.type, {0.1f}, {0});
    const int32_t out = b.Int8("y", {1, 4, 4, 2}, 0.1f, 0);
    b.Op(frontend::kAveragePool2D, {in}, {out}, tfl::BuiltinOptions_Pool2DOptions,
         [](Fbb& f) { return tfl::CreatePool2DOptions(f, tfl::Padding_SAME, 1, 1, 2, 2).Union(); });
    const std::string err = ImportError(b.Finish({in}, {out}));
    EXPECT_NE(err.find("op 0 (AVERAGE_POOL_2D): tensor 0 'x' is " + std::string(c.name)), std::string::npos) << err;
  }
  {  // int8 activations but float weights
    TfliteBuilder b;
    const int32_t in = b.Int8("x", {1, 4, 4, 2}, 0.1f, 0);
    const int32_t w = b.Tensor("w", {3, 1, 1, 2}, tfl::TensorType_FLOAT32, {}, {}, std::vector<uint8_t>(24, 0));
    const int32_t out = b.Int8("y", {1, 4, 4, 3}, 0.1f, 0);
    b.Op(frontend::kConv2D, {in, w}, {out}, tfl::BuiltinOptions_Conv2DOptions,
         [](Fbb& f) { return tfl::CreateConv2DOptions(f, tfl::Padding_VALID, 1, 1).Union(); });
    const std::string err = ImportError(b.Finish({in}, {out}));
    EXPECT_NE(err.find("op 0 (CONV_2D): tensor 1 'w' is FLOAT32, expected int8"), std::string::npos) << err;
  }
  {  // DEQUANTIZE in the middle of the graph: float in between has no int8 path
    TfliteBuilder b;
    const int32_t in = b.Int8("x", {1, 4}, 0.1f, 0);
    const int32_t f = b.Tensor("f", {1, 4}, tfl::TensorType_FLOAT32);
    const int32_t out = b.Int8("y", {1, 4}, 0.1f, 0);
    b.Op(frontend::kDequantize, {in}, {f});
    b.Op(frontend::kQuantize, {f}, {out});
    const std::string err = ImportError(b.Finish({in}, {out}));
    EXPECT_NE(err.find("op 0 (DEQUANTIZE): DEQUANTIZE inside the graph has no int8 path"), std::string::npos) << err;
  }
  {  // An op msf does not implement, and a custom op: both named
    for (const auto& [code, custom, expected] :
         {std::tuple<int32_t, std::string, std::string>{frontend::kCustom, "TFLite_Detection_PostProcess",
                                                        "op 0 (CUSTOM 'TFLite_Detection_PostProcess'): unsupported op"},
          {28, "", "op 0 (TANH): unsupported op"}}) {
      TfliteBuilder b;
      const int32_t in = b.Int8("x", {1, 4}, 0.1f, 0);
      const int32_t out = b.Int8("y", {1, 4}, 0.1f, 0);
      b.Op(code, {in}, {out}, tfl::BuiltinOptions_NONE, nullptr, custom);
      const std::string err = ImportError(b.Finish({in}, {out}));
      EXPECT_NE(err.find(expected), std::string::npos) << err;
    }
  }
}

TEST(RobustImport, ShapesOver32BitsAreRefused) {
  for (const std::vector<int32_t>& shape :
       {std::vector<int32_t>{1, 65536, 65536, 1}, {1, 46341, 46341, 1}, {2147483647, 2147483647, 2147483647, 2},
        {1, 1, 1, 2147483647, 2}, {1, 4, 1073741824, 1}}) {
    const std::string err = ImportError(test::PoolModel(shape));
    EXPECT_NE(err.find("is too large (2^31 elements or more; device sizes are int32)"), std::string::npos) << err;
  }
  for (const std::vector<int32_t>& shape : {std::vector<int32_t>{1, 0, 4, 1}, {1, -4, 4, 1}, {1, 4, 4, -2147483647 - 1}}) {
    const std::string err = ImportError(test::PoolModel(shape));
    EXPECT_NE(err.find("non-positive dimension"), std::string::npos) << err;
  }
  // Exactly 2^31 elements is one too many: the device tables count in int32
  // (it used to import and wrap to INT32_MIN). 2^31 - 1 elements import, but
  // spatial extents over 2^24 do not: window arithmetic of the runtime is int32.
  EXPECT_NE(ImportError(test::PoolModel({1, 32768, 65536, 1})).find("'input' is too large (2^31 elements or more"),
            std::string::npos);
  EXPECT_EQ(ImportError(test::PoolModel({1, 32768, 65535, 1})), "");
  EXPECT_NE(ImportError(test::PoolModel({1, 1 << 25, 4, 1})).find("limited to 2^24"), std::string::npos);
  // Through the CLI: a model over 2^31 elements, and one whose input needs
  // 2 GiB that `msf run` refuses by its input size before allocating.
  const std::string huge = Written("robust_huge.tflite", test::PoolModel({1, 65536, 65536, 1}));
  ExpectRefused({"info", huge}, "is too large (2^31 elements or more", {huge}, {});
  const std::string big = Written("robust_big.tflite", test::PoolModel({1, 32768, 65535, 1}));
  const std::string input = Written("robust_big_in.bin", std::vector<uint8_t>(16, 0));
  const std::string output = test::TempPath("robust_big_out.bin");
  ExpectRefused({"run", big, "--input", input, "--output", output}, "needs 2147450880", {big, input}, {output});
}

TEST(RobustImport, WeightDataThatDoesNotMatchItsShapeIsRefused) {
  TfliteBuilder b;
  const int32_t in = b.Int8("x", {1, 4, 4, 2}, 0.1f, 0);
  // Claims 65536x65536x1x2 int8 weights (8 GiB) with 8 bytes of data.
  const int32_t w = b.Tensor("w", {65536, 1, 1, 2}, tfl::TensorType_INT8, {0.1f}, {0}, std::vector<uint8_t>(8, 1));
  const int32_t out = b.Int8("y", {1, 4, 4, 65536}, 0.1f, 0);
  b.Op(frontend::kConv2D, {in, w}, {out}, tfl::BuiltinOptions_Conv2DOptions,
       [](Fbb& f) { return tfl::CreateConv2DOptions(f, tfl::Padding_VALID, 1, 1).Union(); });
  const std::string err = ImportError(b.Finish({in}, {out}));
  EXPECT_NE(err.find("tensor 1 'w' has 8 data bytes but its shape needs 131072"), std::string::npos) << err;
}

// A 3x3 convolution on a 1x4x4x1 input whose options and output shape are given.
std::vector<uint8_t> ConvModel(tfl::Padding padding, int32_t stride, int32_t dilation, std::vector<int32_t> out_shape,
                               int32_t bias_value = 10) {
  TfliteBuilder b;
  const int32_t in = b.Int8("x", {1, 4, 4, 1}, 0.1f, -128);
  const int32_t w = b.Tensor("w", {1, 3, 3, 1}, tfl::TensorType_INT8, {0.1f}, {0}, std::vector<uint8_t>(9, 127));
  const int32_t bias = b.Tensor("b", {1}, tfl::TensorType_INT32, {}, {}, test::Int32Bytes({bias_value}));
  const int32_t out = b.Int8("y", std::move(out_shape), 0.5f, 0);
  b.Op(frontend::kConv2D, {in, w, bias}, {out}, tfl::BuiltinOptions_Conv2DOptions, [=](Fbb& f) {
    return tfl::CreateConv2DOptions(f, padding, stride, stride, tfl::ActivationFunctionType_NONE, dilation, dilation)
        .Union();
  });
  return b.Finish({in}, {out});
}

TEST(RobustImport, WindowsThatOverflowInt32AreRefused) {
  // SAME padding with a huge dilation: the padding alone is over 2^30.
  std::string err = ImportError(ConvModel(tfl::Padding_SAME, 1, 1 << 30, {1, 4, 4, 1}));
  EXPECT_NE(err.find("op 0 (CONV_2D): SAME padding of"), std::string::npos) << err;
  EXPECT_NE(err.find("too large"), std::string::npos) << err;
  err = ImportError(ConvModel(tfl::Padding_SAME, 2051, 553648129, {1, 16, 12, 1}));
  EXPECT_NE(err.find("too large"), std::string::npos) << err;
  // A huge stride with VALID padding.
  err = ImportError(ConvModel(tfl::Padding_VALID, 1 << 30, 1, {1, 1, 1, 1}));
  EXPECT_NE(err.find("strides are limited to 2^24"), std::string::npos) << err;
  // A PAD op whose paddings sum past int32.
  TfliteBuilder b;
  const int32_t in = b.Int8("x", {1, 4, 4, 1}, 0.1f, 0);
  const int32_t pads = b.Tensor("pads", {4, 2}, tfl::TensorType_INT32, {}, {},
                                test::Int32Bytes({0, 0, 2147483647, 2147483647, 0, 0, 0, 0}));
  const int32_t out = b.Int8("y", {1, 2, 4, 1}, 0.1f, 0);
  b.Op(frontend::kPad, {in, pads}, {out});
  err = ImportError(b.Finish({in}, {out}));
  EXPECT_NE(err.find("op 0 (PAD): padding too large"), std::string::npos) << err;
}

TEST(RobustImport, AccumulatorOverflowWrapsLikeTheTargetWithoutUndefinedBehaviour) {
  // A bias near INT32_MAX plus a full 3x3 window of 127 * 127 overflows the
  // int32 accumulator; the kernels wrap explicitly (two's complement, as
  // TFLite on the device), so the run is defined and the fused plan matches
  // the reference (the harness checks both; the sanitizer build checks UB).
  const std::vector<uint8_t> bytes = ConvModel(tfl::Padding_SAME, 1, 1, {1, 4, 4, 1}, 2147482171);
  EXPECT_EQ(ImportError(bytes), "");
  EXPECT_NO_THROW(fuzz::TfliteOne(bytes.data(), bytes.size()));
}

TEST(RobustImport, ControlCharactersInNamesStayOnOneLine) {
  TfliteBuilder b;
  const int32_t in = b.Tensor("evil\nname\r\x01", {1, 4, 4, 2}, tfl::TensorType_FLOAT32);
  const int32_t out = b.Int8("y", {1, 4, 4, 2}, 0.1f, 0);
  b.Op(frontend::kMaxPool2D, {in}, {out}, tfl::BuiltinOptions_Pool2DOptions,
       [](Fbb& f) { return tfl::CreatePool2DOptions(f, tfl::Padding_SAME, 1, 1, 1, 1).Union(); });
  const std::string model = Written("robust_evil_name.tflite", b.Finish({in}, {out}));
  ExpectRefused({"info", model}, "tensor 0 'evil\\nname\\r\\x01' is FLOAT32", {model}, {});
  // A file name with a newline is quoted the same way.
  const std::string odd = test::TempPath("odd\nname.tflite");
  ExpectRefused({"info", odd}, "odd\\nname.tflite: cannot open file", {}, {});
}

TEST(RobustImport, InvalidUtf8NamesDoNotBreakJsonOutput) {
  TfliteBuilder b;
  const int32_t in = b.Int8("bad\xff\xfe utf8", {1, 4, 4, 2}, 0.1f, 0);
  const int32_t out = b.Int8("y", {1, 4, 4, 2}, 0.1f, 0);
  b.Op(frontend::kMaxPool2D, {in}, {out}, tfl::BuiltinOptions_Pool2DOptions,
       [](Fbb& f) { return tfl::CreatePool2DOptions(f, tfl::Padding_SAME, 1, 1, 2, 2).Union(); });
  const std::string model = Written("robust_utf8.tflite", b.Finish({in}, {out}));
  const std::string json = test::TempPath("robust_utf8.json");
  const test::CliResult r = test::RunCli({"info", model, "--json", json});
  EXPECT_EQ(r.exit_code, 0) << r.err;  // was an internal error (exit 3): invalid UTF-8 in JSON
  EXPECT_NE(test::ReadFile(json).size(), 0u);
}

TEST(RobustImport, CorruptedSharedModelsInEveryCommand) {
  MSF_REQUIRE_MODELS();
  const std::vector<uint8_t> full = test::ReadFile(test::ModelsDir() + "/person_detect/person_detect.tflite");
  const std::string input = Written("robust_pd_in.bin", std::vector<uint8_t>(96 * 96, 1));
  std::mt19937 rng(4242);
  int refused = 0, accepted = 0;
  for (int trial = 0; trial < 12; ++trial) {
    std::vector<uint8_t> bytes = full;
    if (trial < 4) {
      bytes.resize(static_cast<size_t>(rng() % full.size()));  // truncated
    } else {
      for (int k = 0; k < 1 + trial % 3; ++k) bytes[rng() % 2048] ^= static_cast<uint8_t>(1u << (rng() % 8));
    }
    const std::string model = Written("robust_pd_" + std::to_string(trial) + ".tflite", bytes);
    const std::string output = test::TempPath("robust_pd_out_" + std::to_string(trial) + ".bin");
    const std::string json = test::TempPath("robust_pd_" + std::to_string(trial) + ".json");
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"info", model, "--json", json}, {"run", model, "--input", input, "--output", output},
          {"plan", model, "--min-ram", "--json", json}}) {
      const test::FileState model_before = test::StateOf(model), input_before = test::StateOf(input);
      const test::CliResult r = test::RunCli(args);
      ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 2) << args[0] << " trial " << trial << ": " << r.exit_code << " " << r.err;
      EXPECT_TRUE(test::StateOf(model) == model_before);
      EXPECT_TRUE(test::StateOf(input) == input_before);
      if (r.exit_code == 2) {
        ++refused;
        EXPECT_EQ(r.err.rfind("msf: error: ", 0), 0u) << r.err;
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
        EXPECT_FALSE(test::StateOf(args[0] == "run" ? output : json).exists) << args[0] << " trial " << trial;
      } else {
        ++accepted;
      }
    }
  }
  EXPECT_GT(refused, 0);
}

// Graph-structure corner cases a corrupt or hand-made file can have.
TEST(RobustImport, GraphStructureCornerCases) {
  using Pool = std::function<void(TfliteBuilder&, int32_t, int32_t)>;
  const Pool pool = [](TfliteBuilder& b, int32_t in, int32_t out) {
    b.Op(frontend::kMaxPool2D, {in}, {out}, tfl::BuiltinOptions_Pool2DOptions,
         [](Fbb& f) { return tfl::CreatePool2DOptions(f, tfl::Padding_SAME, 1, 1, 3, 3).Union(); });
  };
  {  // an op writes the network input (the caller's buffer)
    TfliteBuilder b;
    const int32_t x = b.Int8("x", {1, 4, 4, 2}, 0.1f, 0), y = b.Int8("y", {1, 4, 4, 2}, 0.1f, 0);
    pool(b, x, y);
    pool(b, y, x);
    const std::vector<uint8_t> bytes = b.Finish({x}, {y});
    EXPECT_NE(ImportError(bytes).find("op 1 (MAX_POOL_2D): writes the model input tensor"), std::string::npos)
        << ImportError(bytes);
    EXPECT_NO_THROW(fuzz::TfliteOne(bytes.data(), bytes.size()));
  }
  {  // two outputs of different sizes
    TfliteBuilder b;
    const int32_t x = b.Int8("x", {1, 8, 8, 2}, 0.1f, 0), y = b.Int8("y", {1, 8, 8, 2}, 0.1f, 0);
    const int32_t z = b.Int8("z", {1, 4, 4, 2}, 0.1f, 0);
    pool(b, x, y);
    b.Op(frontend::kMaxPool2D, {y}, {z}, tfl::BuiltinOptions_Pool2DOptions,
         [](Fbb& f) { return tfl::CreatePool2DOptions(f, tfl::Padding_SAME, 2, 2, 2, 2).Union(); });
    const std::vector<uint8_t> bytes = b.Finish({x}, {z, y});
    EXPECT_EQ(ImportError(bytes), "");  // several outputs are supported (tests/exec/multi_output_test.cc)
    EXPECT_NO_THROW(fuzz::TfliteOne(bytes.data(), bytes.size()));
  }
  {  // an op reads its own output
    TfliteBuilder b;
    const int32_t x = b.Int8("x", {1, 4, 4, 2}, 0.1f, 0), y = b.Int8("y", {1, 4, 4, 2}, 0.1f, 0);
    b.Op(frontend::kAdd, {x, y}, {y});
    const std::vector<uint8_t> bytes = b.Finish({x}, {y});
    EXPECT_NE(ImportError(bytes).find("before any op writes it"), std::string::npos) << ImportError(bytes);
  }
}

TEST(RobustImport, NotAModelAtAll) {
  const std::string empty = Written("robust_empty.tflite", {});
  ExpectRefused({"info", empty}, "file too small to be a TFLite model (0 bytes)", {empty}, {});
  const std::string text = Written("robust_text.tflite", std::vector<uint8_t>(100, 'a'));
  ExpectRefused({"info", text}, "not a TFLite model (file identifier is not TFL3)", {text}, {});
  ExpectRefused({"info", test::TempPath("")}, "cannot open file (it is a directory)", {}, {});
  ExpectRefused({"info", "/nonexistent/m.tflite"}, "/nonexistent/m.tflite: cannot open file", {}, {});
  ExpectRefused({"info", "zoo:no-such-model"}, "no-such-model", {}, {});
}

}  // namespace
}  // namespace msf
