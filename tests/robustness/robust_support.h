// SPDX-License-Identifier: MIT
// Helpers of the error-path tests: tiny .tflite models built in memory, and
// a CLI check that a refusal is exit code 2 with one "msf: error:" line,
// writes nothing and leaves every input file as it was.
#pragma once
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "frontend/builtin_op_names.h"
#include "support/test_support.h"
#include "support/tflite_builder.h"

namespace msf::test {

// 1x8x8x3 int8 input -> CONV_2D 3x3 SAME (8) -> DEPTHWISE_CONV_2D 3x3 SAME ->
// CONV_2D 1x1 (3) -> ADD (skip from the input) -> MEAN -> FULLY_CONNECTED (4)
// -> SOFTMAX: 7 ops, every one msf supports, a residual and a dense head.
inline constexpr int kSmallModelOps = 7;
inline constexpr int kSmallModelInputBytes = 8 * 8 * 3;

// `float_model`: the same network with float32 tensors throughout (a model
// converted without int8 quantisation), so no op has an int8 path.
inline std::vector<uint8_t> SmallModel(bool float_model) {
  TfliteBuilder b;
  const tfl::TensorType act_type = float_model ? tfl::TensorType_FLOAT32 : tfl::TensorType_INT8;
  const tfl::TensorType bias_type = float_model ? tfl::TensorType_FLOAT32 : tfl::TensorType_INT32;
  const auto act = [&](const std::string& name, std::vector<int32_t> shape, float scale, int64_t zp) {
    if (float_model) return b.Tensor(name, std::move(shape), tfl::TensorType_FLOAT32);
    return b.Int8(name, std::move(shape), scale, zp);
  };
  const auto weights = [&](const std::string& name, std::vector<int32_t> shape, int channels, int32_t axis) {
    int64_t n = 1;
    for (int32_t d : shape) n *= d;
    std::vector<int8_t> w(static_cast<size_t>(n));
    for (size_t i = 0; i < w.size(); ++i) w[i] = static_cast<int8_t>(static_cast<int>(i * 37 % 255) - 127);
    std::vector<uint8_t> data = Int8Bytes(w);
    if (float_model) data.resize(data.size() * 4, 0);  // float32 zeros: only the type matters
    return b.Tensor(name, std::move(shape), act_type, std::vector<float>(static_cast<size_t>(channels), 0.01f),
                    std::vector<int64_t>(static_cast<size_t>(channels), 0), data, axis);
  };
  const auto bias = [&](const std::string& name, int32_t n) {
    return b.Tensor(name, {n}, bias_type, {}, {}, Int32Bytes(std::vector<int32_t>(static_cast<size_t>(n), 100)));
  };
  using Fbb = flatbuffers::FlatBufferBuilder;
  const int32_t in = act("input", {1, 8, 8, 3}, 0.05f, -3);
  const int32_t t0 = act("conv0", {1, 8, 8, 8}, 0.1f, -128);
  b.Op(frontend::kConv2D, {in, weights("w0", {8, 3, 3, 3}, 8, 0), bias("b0", 8)}, {t0},
       tfl::BuiltinOptions_Conv2DOptions, [](Fbb& f) {
         return tfl::CreateConv2DOptions(f, tfl::Padding_SAME, 1, 1, tfl::ActivationFunctionType_RELU6).Union();
       });
  const int32_t t1 = act("dw1", {1, 8, 8, 8}, 0.1f, -128);
  b.Op(frontend::kDepthwiseConv2D, {t0, weights("w1", {1, 3, 3, 8}, 8, 3), bias("b1", 8)}, {t1},
       tfl::BuiltinOptions_DepthwiseConv2DOptions, [](Fbb& f) {
         return tfl::CreateDepthwiseConv2DOptions(f, tfl::Padding_SAME, 1, 1, 1, tfl::ActivationFunctionType_RELU6)
             .Union();
       });
  const int32_t t2 = act("project2", {1, 8, 8, 3}, 0.08f, 2);
  b.Op(frontend::kConv2D, {t1, weights("w2", {3, 1, 1, 8}, 3, 0), bias("b2", 3)}, {t2},
       tfl::BuiltinOptions_Conv2DOptions,
       [](Fbb& f) { return tfl::CreateConv2DOptions(f, tfl::Padding_VALID, 1, 1).Union(); });
  const int32_t t3 = act("add3", {1, 8, 8, 3}, 0.1f, 0);
  b.Op(frontend::kAdd, {in, t2}, {t3}, tfl::BuiltinOptions_AddOptions,
       [](Fbb& f) { return tfl::CreateAddOptions(f).Union(); });
  const int32_t axes = b.Tensor("axes", {2}, tfl::TensorType_INT32, {}, {}, Int32Bytes({1, 2}));
  const int32_t t4 = act("mean4", {1, 1, 1, 3}, 0.1f, 0);
  b.Op(frontend::kMean, {t3, axes}, {t4}, tfl::BuiltinOptions_ReducerOptions,
       [](Fbb& f) { return tfl::CreateReducerOptions(f, true).Union(); });
  const int32_t t5 = act("fc5", {1, 4}, 0.05f, 0);
  b.Op(frontend::kFullyConnected, {t4, weights("w5", {4, 3}, 1, 0), bias("b5", 4)}, {t5},
       tfl::BuiltinOptions_FullyConnectedOptions, [](Fbb& f) { return tfl::CreateFullyConnectedOptions(f).Union(); });
  const int32_t t6 = act("softmax6", {1, 4}, 1.0f / 256, -128);
  b.Op(frontend::kSoftmax, {t5}, {t6}, tfl::BuiltinOptions_SoftmaxOptions,
       [](Fbb& f) { return tfl::CreateSoftmaxOptions(f, 1.0f).Union(); });
  return b.Finish({in}, {t6});
}
inline std::vector<uint8_t> SmallInt8Model() { return SmallModel(false); }

// One MAX_POOL_2D 1x1 VALID on an int8 tensor of `shape` (activations have no
// data, so any shape fits in a few hundred bytes).
inline std::vector<uint8_t> PoolModel(const std::vector<int32_t>& shape) {
  TfliteBuilder b;
  const int32_t in = b.Int8("input", shape, 0.05f, 0);
  const int32_t out = b.Int8("output", shape, 0.05f, 0);
  b.Op(frontend::kMaxPool2D, {in}, {out}, tfl::BuiltinOptions_Pool2DOptions, [](flatbuffers::FlatBufferBuilder& f) {
    return tfl::CreatePool2DOptions(f, tfl::Padding_VALID, 1, 1, 1, 1).Union();
  });
  return b.Finish({in}, {out});
}

// A file's bytes and modification time, to prove it was not touched.
struct FileState {
  bool exists = false;
  std::vector<uint8_t> bytes;
  int64_t mtime_ns = 0;
  bool operator==(const FileState&) const = default;
};
inline FileState StateOf(const std::string& path) {
  FileState s;
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return s;
  s.exists = true;
  s.mtime_ns = int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec;
  s.bytes = ReadFile(path);
  return s;
}

// Runs the CLI and expects a refusal: exit code 2, stderr exactly one line
// "msf: error: ..." containing `needle`, `outputs` in the same state as
// before (normally: not created, no temporary left beside them) and every
// file in `inputs` unchanged (bytes and mtime).
inline void ExpectRefused(const std::vector<std::string>& args, const std::string& needle,
                          const std::vector<std::string>& inputs, const std::vector<std::string>& outputs) {
  std::vector<FileState> before_in, before_out;
  for (const std::string& p : inputs) before_in.push_back(StateOf(p));
  for (const std::string& p : outputs) before_out.push_back(StateOf(p));
  const CliResult r = RunCli(args);
  std::string cmd;
  for (const std::string& a : args) cmd += " " + a;
  EXPECT_EQ(r.exit_code, 2) << "msf" << cmd << "\nstderr: " << r.err;
  EXPECT_EQ(r.err.rfind("msf: error: ", 0), 0u) << "msf" << cmd << "\nstderr: " << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "msf" << cmd << "\nstderr: " << r.err;
  EXPECT_NE(r.err.find(needle), std::string::npos) << "msf" << cmd << "\nexpected: " << needle << "\nstderr: " << r.err;
  for (size_t i = 0; i < inputs.size(); ++i) {
    EXPECT_TRUE(StateOf(inputs[i]) == before_in[i]) << inputs[i] << " was modified by msf" << cmd;
  }
  for (size_t i = 0; i < outputs.size(); ++i) {
    EXPECT_TRUE(StateOf(outputs[i]) == before_out[i]) << outputs[i] << " was written by msf" << cmd;
    EXPECT_FALSE(StateOf(outputs[i] + ".msf-tmp").exists) << outputs[i] << ".msf-tmp left behind by msf" << cmd;
  }
}

}  // namespace msf::test
