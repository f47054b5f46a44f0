// SPDX-License-Identifier: MIT

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <set>
#include <fstream>
#include <limits>
#include <map>
#include <optional>

#include "base/error.h"
#include "base/read_file.h"
#include "frontend/builtin_op_names.h"
#include "lower/lowering.h"
#include "frontend/tflite_importer_internal.h"

namespace msf::frontend::detail {

const tfl::Tensor* Importer::FileTensor(int32_t index) const {
  const auto* tensors = subgraph_->tensors();
  if (tensors == nullptr || index < 0 || static_cast<uint32_t>(index) >= tensors->size()) {
    Fail((op_index_ >= 0 ? OpLabel() + ": " : std::string()) + "tensor index " +
         std::to_string(index) + " out of range (model has " +
         std::to_string(tensors ? tensors->size() : 0) + " tensors)");
  }
  return tensors->Get(static_cast<uint32_t>(index));
}

std::string Importer::TensorLabel(int32_t index) const {
  const tfl::Tensor* t = FileTensor(index);
  std::string name = t->name() ? t->name()->str() : std::string();
  return "tensor " + std::to_string(index) + (name.empty() ? "" : " '" + name + "'");
}

std::optional<std::pair<const uint8_t*, size_t>> Importer::BufferData(const tfl::Tensor* t) const {
  const auto* buffers = model_->buffers();
  const uint32_t b = t->buffer();
  if (b == 0) return std::nullopt;  // buffer 0 is the empty sentinel
  if (buffers == nullptr || b >= buffers->size()) {
    Fail("buffer index " + std::to_string(b) + " out of range (model has " +
         std::to_string(buffers ? buffers->size() : 0) + " buffers)");
  }
  const tfl::Buffer* buf = buffers->Get(b);
  if (buf->data() != nullptr && buf->data()->size() > 0) {
    return std::make_pair(buf->data()->data(), static_cast<size_t>(buf->data()->size()));
  }
  if (buf->offset() > 1) {  // large-model layout: data stored after the flatbuffer
    const uint64_t end = buf->offset() + buf->size();
    if (end < buf->offset() || end > bytes_->size()) {
      Fail("buffer " + std::to_string(b) + " points outside the file (offset " +
           std::to_string(buf->offset()) + ", size " + std::to_string(buf->size()) + ")");
    }
    return std::make_pair(bytes_->data() + buf->offset(), static_cast<size_t>(buf->size()));
  }
  return std::nullopt;
}

std::vector<int32_t> Importer::Shape(int32_t index) const {
  const tfl::Tensor* t = FileTensor(index);
  std::vector<int32_t> shape;
  int64_t elements = 1;
  if (t->shape() != nullptr) {
    for (int32_t d : *t->shape()) {
      if (d <= 0) Fail(TensorLabel(index) + " has a non-positive dimension " + std::to_string(d));
      elements *= d;  // <= INT32_MAX * INT32_MAX before the check: no int64 overflow
      if (elements > kMaxTensorElements) {
        Fail(TensorLabel(index) + " is too large (2^31 elements or more; device sizes are int32)");
      }
      shape.push_back(d);
    }
  }
  return shape;
}

std::optional<DType> Importer::MapType(tfl::TensorType type) {
  switch (type) {
    case tfl::TensorType_INT8: return DType::kInt8;
    case tfl::TensorType_INT32: return DType::kInt32;
    case tfl::TensorType_FLOAT32: return DType::kFloat32;
    default: return std::nullopt;
  }
}

ir::Quant Importer::ReadQuant(const tfl::Tensor* t) const {
  ir::Quant q;
  const tfl::QuantizationParameters* qp = t->quantization();
  if (qp == nullptr) return q;
  if (qp->scale()) q.scale.assign(qp->scale()->begin(), qp->scale()->end());
  if (const auto* zp = qp->zero_point()) {
    // flatbuffers' verifier checks only 4-byte alignment of vectors, so an
    // int64 element may be misaligned in a corrupt file: copy the bytes.
    const auto* raw = reinterpret_cast<const uint8_t*>(zp->Data());
    q.zero_point.resize(zp->size());
    for (size_t i = 0; i < q.zero_point.size(); ++i) {
      int64_t v;
      std::memcpy(&v, raw + i * sizeof v, sizeof v);
      q.zero_point[i] = flatbuffers::EndianScalar(v);
    }
  }
  q.axis = qp->quantized_dimension();
  return q;
}

namespace {

const char* TypeName(tfl::TensorType type) {
  const char* name = tfl::EnumNameTensorType(type);
  return (name != nullptr && name[0] != '\0') ? name : "unknown type";
}

}  // namespace

TensorId Importer::FloatActivation(int32_t index) {
  if (auto it = tensor_map_.find(index); it != tensor_map_.end()) {
    if (graph_.tensor(it->second).type != DType::kFloat32) FailOp(TensorLabel(index) + " is not float32");
    return it->second;
  }
  const tfl::Tensor* t = FileTensor(index);
  if (t->type() != tfl::TensorType_FLOAT32) FailOp(TensorLabel(index) + " is " + TypeName(t->type()) + ", expected FLOAT32");
  if (BufferData(t)) FailOp(TensorLabel(index) + " is a constant; constant activations are not supported");
  std::vector<int32_t> shape = Shape(index);
  if (shape.size() > 4 || (shape.size() == 4 && shape[0] != 1)) {
    FailOp(TensorLabel(index) + ": msf runs activations of batch 1 and rank <= 4 only");
  }
  const TensorId id = graph_.AddActivation(t->name() ? t->name()->str() : std::string(), std::move(shape), {},
                                           DType::kFloat32);
  tensor_map_[index] = id;
  return id;
}

bool Importer::IsGraphInput(int32_t index) const {
  for (int32_t x : *subgraph_->inputs()) if (x == index) return true;
  return false;
}

bool Importer::IsGraphOutput(int32_t index) const {
  for (int32_t x : *subgraph_->outputs()) if (x == index) return true;
  return false;
}

TensorId Importer::Activation8(int32_t index) {
  if (auto it = tensor_map_.find(index); it != tensor_map_.end()) {
    if (graph_.tensor(it->second).IsConstant()) FailOp(TensorLabel(index) + " is constant where an activation is expected");
    return it->second;
  }
  const tfl::Tensor* t = FileTensor(index);
  if (t->type() != tfl::TensorType_INT8) {
    FailOp(TensorLabel(index) + " is " + TypeName(t->type()) +
           "; msf runs int8 models only (no int8 path for this op)");
  }
  if (BufferData(t)) FailOp(TensorLabel(index) + " is a constant; constant activations are not supported");
  ir::Quant q = ReadQuant(t);
  if (q.scale.size() != 1 || q.zero_point.size() > 1) {
    FailOp(TensorLabel(index) + " needs per-tensor quantisation (one scale and zero point)");
  }
  if (!std::isfinite(q.scale[0]) || q.scale[0] <= 0.0f) FailOp(TensorLabel(index) + " has an invalid scale");
  if (q.ZeroPoint() < -128 || q.ZeroPoint() > 127) FailOp(TensorLabel(index) + " has a zero point outside int8");
  std::string name = t->name() ? t->name()->str() : std::string();
  std::vector<int32_t> shape = Shape(index);
  // The kernels see every activation as one H x W x C image (rank < 4 is
  // left-padded with 1): a batch or a fifth dimension would be dropped.
  if (shape.size() > 4 || (shape.size() == 4 && shape[0] != 1)) {
    std::string dims;
    for (int32_t d : shape) dims.append(dims.empty() ? "" : "x").append(std::to_string(d));
    FailOp(TensorLabel(index) + " has shape " + dims + "; msf runs activations of batch 1 and rank <= 4 only");
  }
  const TensorId id = graph_.AddActivation(name, std::move(shape), q);
  tensor_map_[index] = id;
  return id;
}

TensorId Importer::Constant(int32_t index, DType type) {
  if (auto it = tensor_map_.find(index); it != tensor_map_.end()) {
    // Shared weights are fine; a tensor used as an activation or with another type is not.
    const ir::Tensor& seen = graph_.tensor(it->second);
    if (!seen.IsConstant()) FailOp(TensorLabel(index) + " is an activation where constant weights are expected");
    if (seen.type != type) {
      FailOp(TensorLabel(index) + " is " + ir::DTypeName(seen.type) + ", expected " + ir::DTypeName(type));
    }
    return it->second;
  }
  const tfl::Tensor* t = FileTensor(index);
  const std::optional<DType> mapped = MapType(t->type());
  if (!mapped || *mapped != type) {
    FailOp(TensorLabel(index) + " is " + TypeName(t->type()) + ", expected " + ir::DTypeName(type));
  }
  const auto data = BufferData(t);
  if (!data) FailOp(TensorLabel(index) + " has no constant data (weights must be constant)");
  ir::Tensor tensor;
  tensor.name = t->name() ? t->name()->str() : std::string();
  tensor.type = type;
  tensor.shape = Shape(index);
  tensor.quant = ReadQuant(t);
  if (static_cast<int64_t>(data->second) != tensor.Bytes()) {
    FailOp(TensorLabel(index) + " has " + std::to_string(data->second) + " data bytes but its shape needs " +
           std::to_string(tensor.Bytes()));
  }
  tensor.data = data->first;
  tensor.data_size = data->second;
  graph_.tensors.push_back(std::move(tensor));
  const TensorId id = static_cast<TensorId>(graph_.tensors.size() - 1);
  tensor_map_[index] = id;
  return id;
}

std::vector<int32_t> Importer::IntConstant(int32_t index) {
  const tfl::Tensor* t = FileTensor(index);
  const auto data = BufferData(t);
  if (!data) FailOp(TensorLabel(index) + " must be a constant");
  std::vector<int32_t> shape = Shape(index);
  int64_t n = 1;
  for (int32_t d : shape) n *= d;
  std::vector<int32_t> values;
  if (t->type() == tfl::TensorType_INT32 || t->type() == tfl::TensorType_INT64) {
    const size_t width = t->type() == tfl::TensorType_INT32 ? 4 : 8;
    if (data->second != static_cast<size_t>(n) * width) FailOp(TensorLabel(index) + " data size does not match its shape");
    for (int64_t i = 0; i < n; ++i) {
      int64_t v = 0;
      if (width == 4) {
        int32_t v32;
        std::memcpy(&v32, data->first + i * 4, 4);
        v = v32;
      } else {
        std::memcpy(&v, data->first + i * 8, 8);
      }
      if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()) {
        FailOp(TensorLabel(index) + " holds a value outside int32");
      }
      values.push_back(static_cast<int32_t>(v));
    }
    return values;
  }
  FailOp(TensorLabel(index) + " is " + TypeName(t->type()) + ", expected int32 or int64");
}

int32_t Importer::InputIndex(size_t i, bool required) const {
  const auto* inputs = op_->inputs();
  if (inputs == nullptr || i >= inputs->size() || inputs->Get(static_cast<uint32_t>(i)) < 0) {
    if (required) FailOp("missing input " + std::to_string(i));
    return -1;
  }
  return inputs->Get(static_cast<uint32_t>(i));
}

int32_t Importer::OutputIndex() const {
  const auto* outputs = op_->outputs();
  if (outputs == nullptr || outputs->size() != 1) FailOp("expected exactly one output");
  return outputs->Get(0);
}

Activation Importer::ReadActivation(tfl::ActivationFunctionType f) const {
  switch (f) {
    case tfl::ActivationFunctionType_NONE: return Activation::kNone;
    case tfl::ActivationFunctionType_RELU: return Activation::kRelu;
    case tfl::ActivationFunctionType_RELU6: return Activation::kRelu6;
    default: {
      const char* name = tfl::EnumNameActivationFunctionType(f);
      FailOp(std::string("fused activation ") + (name && name[0] ? name : "unknown") + " is not supported");
    }
  }
}

ir::Pad2D Importer::ResolvePadding(tfl::Padding padding, int32_t in_h, int32_t in_w, int32_t k_h,
                                   int32_t k_w, int32_t s_h, int32_t s_w, int32_t d_h, int32_t d_w,
                                   int32_t out_h, int32_t out_w) const {
  ir::Pad2D pad;
  if (padding == tfl::Padding_VALID) return pad;
  if (padding != tfl::Padding_SAME) FailOp("unknown padding type");
  // TFLite ComputePaddingHeightWidth: the extra cell goes to bottom/right.
  const int64_t eff_h = int64_t{k_h - 1} * d_h + 1, eff_w = int64_t{k_w - 1} * d_w + 1;
  const int64_t total_h = std::max<int64_t>((int64_t{out_h} - 1) * s_h + eff_h - in_h, 0);
  const int64_t total_w = std::max<int64_t>((int64_t{out_w} - 1) * s_w + eff_w - in_w, 0);
  if (int64_t{in_h} + total_h > kMaxSpatialExtent || int64_t{in_w} + total_w > kMaxSpatialExtent) {
    FailOp("SAME padding of " + std::to_string(total_h) + "x" + std::to_string(total_w) +
           " cells is too large (padded extents are limited to 2^24)");
  }
  pad.top = static_cast<int32_t>(total_h / 2);
  pad.bottom = static_cast<int32_t>(total_h - total_h / 2);
  pad.left = static_cast<int32_t>(total_w / 2);
  pad.right = static_cast<int32_t>(total_w - total_w / 2);
  return pad;
}

void Importer::CheckSpatialOutput(const ir::Tensor& in, const ir::Tensor& out, const ir::Pad2D& pad,
                                  int32_t k_h, int32_t k_w, int32_t s_h, int32_t s_w, int32_t d_h,
                                  int32_t d_w) const {
  const int64_t eff_h = int64_t{k_h - 1} * d_h + 1, eff_w = int64_t{k_w - 1} * d_w + 1;
  if (int64_t{in.H()} + pad.top + pad.bottom > kMaxSpatialExtent ||
      int64_t{in.W()} + pad.left + pad.right > kMaxSpatialExtent || s_h > kMaxSpatialExtent ||
      s_w > kMaxSpatialExtent) {
    FailOp("spatial size or stride too large (padded extents and strides are limited to 2^24)");
  }
  const int64_t span_h = int64_t{in.H()} + pad.top + pad.bottom - eff_h;
  const int64_t span_w = int64_t{in.W()} + pad.left + pad.right - eff_w;
  if (span_h < 0 || span_w < 0) FailOp("window larger than the padded input");
  const int64_t out_h = span_h / s_h + 1, out_w = span_w / s_w + 1;
  if (out.shape.size() != 4 || out.H() != out_h || out.W() != out_w) {
    FailOp("output shape does not match the input, window and stride (expected " +
           std::to_string(out_h) + "x" + std::to_string(out_w) + ")");
  }
}

bool Importer::IsGraphInputTensor(TensorId t) const {
  for (int32_t file : *subgraph_->inputs()) {
    const auto it = tensor_map_.find(file);
    if (it != tensor_map_.end() && it->second == t) return true;
  }
  return false;
}

void Importer::CheckProducedBeforeUse(const ir::Op& op) const {
  for (TensorId t : op.inputs) {
    if (t == ir::kNoTensor || IsGraphInputTensor(t) || graph_.tensor(t).IsConstant()) continue;
    if (!produced_.count(t)) {
      FailOp("reads tensor '" + graph_.tensor(t).name + "' before any op writes it");
    }
  }
}

// Derives the op's kernel parameters exactly as lowering does, so that
// quantisation the int8 kernels cannot represent (a rescaling factor of 2^31
// or more, an activation bound beyond int32, TFLite's ADD and SOFTMAX
// preconditions) is refused here, by every command, naming the op.
void Importer::CheckKernelParams(const ir::Op& op) const {
  try {
    (void)lower::Lower(graph_, op);
  } catch (const Error& e) {
    FailOp(std::string("quantisation the int8 kernels cannot represent: ") + e.what());
  }
}

}  // namespace msf::frontend::detail
