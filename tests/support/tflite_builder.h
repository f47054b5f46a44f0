// SPDX-License-Identifier: MIT
// Builds small .tflite files in memory for tests, with the flatbuffer
// builders generated from msf's own schema subset.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "tflite_subset_generated.h"

namespace msf::test {

class TfliteBuilder {
 public:
  using OptionsFn = std::function<flatbuffers::Offset<void>(flatbuffers::FlatBufferBuilder&)>;

  // Returns the tensor index. Empty `data` makes an activation.
  int32_t Tensor(const std::string& name, std::vector<int32_t> shape, tfl::TensorType type,
                 std::vector<float> scales = {}, std::vector<int64_t> zero_points = {},
                 std::vector<uint8_t> data = {}, int32_t quantized_dimension = 0);
  int32_t Int8(const std::string& name, std::vector<int32_t> shape, float scale, int64_t zp) {
    return Tensor(name, std::move(shape), tfl::TensorType_INT8, {scale}, {zp});
  }
  void Op(int32_t builtin_code, std::vector<int32_t> inputs, std::vector<int32_t> outputs,
          tfl::BuiltinOptions options_type = tfl::BuiltinOptions_NONE, OptionsFn options = nullptr,
          const std::string& custom_code = "");
  std::vector<uint8_t> Finish(std::vector<int32_t> inputs, std::vector<int32_t> outputs);

 private:
  struct PendingTensor {
    std::string name;
    std::vector<int32_t> shape;
    tfl::TensorType type;
    std::vector<float> scales;
    std::vector<int64_t> zero_points;
    int32_t quantized_dimension;
    int32_t buffer;
  };
  struct PendingOp {
    int32_t opcode;
    std::vector<int32_t> inputs, outputs;
    tfl::BuiltinOptions options_type;
    OptionsFn options;
  };
  std::vector<PendingTensor> tensors_;
  std::vector<std::vector<uint8_t>> buffers_{{}};  // buffer 0: empty sentinel
  std::vector<std::pair<int32_t, std::string>> codes_;
  std::vector<PendingOp> ops_;
};

// Little-endian bytes of int32 / int8 values.
std::vector<uint8_t> Int32Bytes(const std::vector<int32_t>& v);
std::vector<uint8_t> Int8Bytes(const std::vector<int8_t>& v);

}  // namespace msf::test
