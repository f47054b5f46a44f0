// SPDX-License-Identifier: MIT
#include "support/tflite_builder.h"

#include <cstring>

namespace msf::test {

int32_t TfliteBuilder::Tensor(const std::string& name, std::vector<int32_t> shape, tfl::TensorType type,
                              std::vector<float> scales, std::vector<int64_t> zero_points,
                              std::vector<uint8_t> data, int32_t quantized_dimension) {
  int32_t buffer = 0;
  if (!data.empty()) {
    buffers_.push_back(std::move(data));
    buffer = static_cast<int32_t>(buffers_.size() - 1);
  }
  tensors_.push_back({name, std::move(shape), type, std::move(scales), std::move(zero_points),
                      quantized_dimension, buffer});
  return static_cast<int32_t>(tensors_.size() - 1);
}

void TfliteBuilder::Op(int32_t builtin_code, std::vector<int32_t> inputs, std::vector<int32_t> outputs,
                       tfl::BuiltinOptions options_type, OptionsFn options, const std::string& custom_code) {
  int32_t opcode = -1;
  for (size_t i = 0; i < codes_.size(); ++i) {
    if (codes_[i].first == builtin_code && codes_[i].second == custom_code) opcode = static_cast<int32_t>(i);
  }
  if (opcode < 0) {
    codes_.emplace_back(builtin_code, custom_code);
    opcode = static_cast<int32_t>(codes_.size() - 1);
  }
  ops_.push_back({opcode, std::move(inputs), std::move(outputs), options_type, std::move(options)});
}

std::vector<uint8_t> TfliteBuilder::Finish(std::vector<int32_t> inputs, std::vector<int32_t> outputs) {
  flatbuffers::FlatBufferBuilder fbb;
  std::vector<flatbuffers::Offset<tfl::Buffer>> buffers;
  for (const auto& b : buffers_) {
    buffers.push_back(tfl::CreateBuffer(fbb, b.empty() ? 0 : fbb.CreateVector(b)));
  }
  std::vector<flatbuffers::Offset<tfl::Tensor>> tensors;
  for (const PendingTensor& t : tensors_) {
    flatbuffers::Offset<tfl::QuantizationParameters> q = 0;
    if (!t.scales.empty()) {
      q = tfl::CreateQuantizationParameters(fbb, 0, 0, fbb.CreateVector(t.scales), fbb.CreateVector(t.zero_points),
                                            t.quantized_dimension);
    }
    tensors.push_back(tfl::CreateTensor(fbb, fbb.CreateVector(t.shape), t.type, static_cast<uint32_t>(t.buffer),
                                        fbb.CreateString(t.name), q));
  }
  std::vector<flatbuffers::Offset<tfl::Operator>> ops;
  for (const PendingOp& op : ops_) {
    const flatbuffers::Offset<void> options = op.options ? op.options(fbb) : 0;
    ops.push_back(tfl::CreateOperator(fbb, static_cast<uint32_t>(op.opcode), fbb.CreateVector(op.inputs),
                                      fbb.CreateVector(op.outputs), op.options_type, options));
  }
  std::vector<flatbuffers::Offset<tfl::OperatorCode>> codes;
  for (const auto& [code, custom] : codes_) {
    codes.push_back(tfl::CreateOperatorCode(fbb, static_cast<int8_t>(code < 127 ? code : 127),
                                            custom.empty() ? 0 : fbb.CreateString(custom), 1, code));
  }
  auto subgraph = tfl::CreateSubGraph(fbb, fbb.CreateVector(tensors), fbb.CreateVector(inputs),
                                      fbb.CreateVector(outputs), fbb.CreateVector(ops), fbb.CreateString("main"));
  std::vector<flatbuffers::Offset<tfl::SubGraph>> subgraphs = {subgraph};
  auto model = tfl::CreateModel(fbb, 3, fbb.CreateVector(codes), fbb.CreateVector(subgraphs),
                                fbb.CreateString("msf test"), fbb.CreateVector(buffers));
  tfl::FinishModelBuffer(fbb, model);
  return std::vector<uint8_t>(fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize());
}

std::vector<uint8_t> Int32Bytes(const std::vector<int32_t>& v) {
  std::vector<uint8_t> b(v.size() * 4);
  std::memcpy(b.data(), v.data(), b.size());
  return b;
}

std::vector<uint8_t> Int8Bytes(const std::vector<int8_t>& v) { return std::vector<uint8_t>(v.begin(), v.end()); }

}  // namespace msf::test
