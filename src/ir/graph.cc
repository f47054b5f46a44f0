// SPDX-License-Identifier: MIT
#include "ir/graph.h"

#include <utility>

namespace msf::ir {

const char* OpKindName(OpKind kind) {
  switch (kind) {
    case OpKind::kConv2D: return "CONV_2D";
    case OpKind::kDepthwiseConv2D: return "DEPTHWISE_CONV_2D";
    case OpKind::kPad: return "PAD";
    case OpKind::kAdd: return "ADD";
    case OpKind::kAveragePool2D: return "AVERAGE_POOL_2D";
    case OpKind::kMaxPool2D: return "MAX_POOL_2D";
    case OpKind::kMean: return "MEAN";
    case OpKind::kFullyConnected: return "FULLY_CONNECTED";
    case OpKind::kReshape: return "RESHAPE";
    case OpKind::kSoftmax: return "SOFTMAX";
    case OpKind::kQuantize: return "QUANTIZE";
    case OpKind::kDequantize: return "DEQUANTIZE";
    case OpKind::kResizeNearest: return "RESIZE_NEAREST_NEIGHBOR";
    case OpKind::kConcat: return "CONCATENATION";
    case OpKind::kMul: return "MUL";
    case OpKind::kLogistic: return "LOGISTIC";
    case OpKind::kHardSwish: return "HARD_SWISH";
    case OpKind::kTranspose: return "TRANSPOSE";
    case OpKind::kReadInput: return "READ_INPUT";
  }
  return "?";
}

const char* InputModeName(InputMode mode) {
  switch (mode) {
    case InputMode::kResident: return "resident";
    case InputMode::kStream: return "stream";
    case InputMode::kReread: return "reread";
  }
  return "?";
}

const char* DTypeName(DType type) {
  switch (type) {
    case DType::kInt8: return "int8";
    case DType::kInt32: return "int32";
    case DType::kFloat32: return "float32";
  }
  return "?";
}

const char* ActivationName(Activation act) {
  switch (act) {
    case Activation::kNone: return "NONE";
    case Activation::kRelu: return "RELU";
    case Activation::kRelu6: return "RELU6";
  }
  return "?";
}

int DTypeBytes(DType type) {
  switch (type) {
    case DType::kInt8: return 1;
    case DType::kInt32: return 4;
    case DType::kFloat32: return 4;
  }
  return 1;
}

int64_t Tensor::NumElements() const {
  int64_t n = 1;
  for (int32_t d : shape) n *= d;
  return n;
}

int32_t Tensor::Dim(int from_back) const {
  const int rank = static_cast<int>(shape.size());
  const int index = rank - from_back;
  return index >= 0 ? shape[static_cast<size_t>(index)] : 1;
}

TensorId Graph::AddConstant(std::string tensor_name, DType type, std::vector<int32_t> shape,
                            std::vector<uint8_t> bytes, Quant quant) {
  auto owned = std::make_shared<std::vector<uint8_t>>(std::move(bytes));
  Tensor t;
  t.name = std::move(tensor_name);
  t.type = type;
  t.shape = std::move(shape);
  t.quant = std::move(quant);
  t.data = owned->data();
  t.data_size = owned->size();
  owned_buffers.push_back(std::move(owned));
  tensors.push_back(std::move(t));
  return static_cast<TensorId>(tensors.size() - 1);
}

TensorId Graph::AddActivation(std::string tensor_name, std::vector<int32_t> shape, Quant quant,
                              DType type) {
  Tensor t;
  t.name = std::move(tensor_name);
  t.type = type;
  t.shape = std::move(shape);
  t.quant = std::move(quant);
  tensors.push_back(std::move(t));
  return static_cast<TensorId>(tensors.size() - 1);
}

}  // namespace msf::ir
