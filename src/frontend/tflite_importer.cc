// SPDX-License-Identifier: MIT
#include "frontend/tflite_importer.h"

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
#include "tflite_subset_generated.h"

namespace msf::frontend {
namespace {

namespace tfl = msf::tfl;
using ir::Activation;
using ir::DType;
using ir::OpKind;
using ir::TensorId;

// Element counts, byte sizes and offsets are int32 in the device tables
// (msf_slot, msf_kernel.count, msf_plan.arena_bytes): a tensor holds at most
// INT32_MAX elements (the arena that holds it is checked at plan building).
constexpr int64_t kMaxTensorElements = std::numeric_limits<int32_t>::max();
// Padded spatial extents, strides and windows stay below this, so every
// int32 window computation of the geometry and the runtime (o * stride -
// pad + (k - 1) * dilation + 1, pad sums after PAD folding) cannot overflow.
constexpr int64_t kMaxSpatialExtent = int64_t{1} << 24;
// Cells one int32 sum of the pooling kernels may cover (an AVERAGE_POOL_2D
// window clipped to its input, a MEAN's or global pool's H * W): 2^23 cells
// of int8 values keep every sum, its rounding and MEAN's zero-point
// correction (up to 255 * 2^23 < 2^31) inside int32, so the device path has
// no overflow and matches TFLite exactly.
constexpr int64_t kMaxSummedCells = int64_t{1} << 23;

class Importer {
 public:
  Importer(std::shared_ptr<const std::vector<uint8_t>> bytes, std::string label)
      : bytes_(std::move(bytes)), label_(std::move(label)) {}

  ir::Graph Run();

 private:
  [[noreturn]] void Fail(const std::string& what) const { throw Error(label_ + ": " + what); }
  std::string OpLabel() const {
    return "op " + std::to_string(op_index_) + " (" + op_name_ + ")";
  }
  [[noreturn]] void FailOp(const std::string& what) const { Fail(OpLabel() + ": " + what); }

  const tfl::Tensor* FileTensor(int32_t index) const;
  std::string TensorLabel(int32_t index) const;
  // Bytes of a tensor's buffer, or nullopt when it has none (an activation).
  std::optional<std::pair<const uint8_t*, size_t>> BufferData(const tfl::Tensor* t) const;
  std::vector<int32_t> Shape(int32_t index) const;
  static std::optional<DType> MapType(tfl::TensorType type);
  ir::Quant ReadQuant(const tfl::Tensor* t) const;

  TensorId Activation8(int32_t index);             // int8 activation, per-tensor quant
  TensorId Constant(int32_t index, DType type);     // weights / bias
  std::vector<int32_t> IntConstant(int32_t index);  // int32/int64 parameter tensor

  int32_t InputIndex(size_t i, bool required = true) const;
  int32_t OutputIndex() const;
  Activation ReadActivation(tfl::ActivationFunctionType f) const;
  ir::Pad2D ResolvePadding(tfl::Padding padding, int32_t in_h, int32_t in_w, int32_t k_h,
                           int32_t k_w, int32_t s_h, int32_t s_w, int32_t d_h, int32_t d_w,
                           int32_t out_h, int32_t out_w) const;
  void CheckSpatialOutput(const ir::Tensor& in, const ir::Tensor& out, const ir::Pad2D& pad,
                          int32_t k_h, int32_t k_w, int32_t s_h, int32_t s_w, int32_t d_h,
                          int32_t d_w) const;

  void ImportOp(const tfl::Operator* op);
  void ImportConv(const tfl::Operator* op, bool depthwise);
  void ImportPool(const tfl::Operator* op, OpKind kind);
  void ImportPad();
  void ImportAdd(const tfl::Operator* op);
  void ImportMean(const tfl::Operator* op);
  void ImportFullyConnected(const tfl::Operator* op);
  void ImportReshape();
  void ImportSoftmax(const tfl::Operator* op);
  void ImportQuantize(OpKind kind);
  void CheckProducedBeforeUse(const ir::Op& op) const;
  void CheckKernelParams(const ir::Op& op) const;
  TensorId GraphInputId() const;  // kNoTensor until an op touches the model input

  std::shared_ptr<const std::vector<uint8_t>> bytes_;
  std::string label_;
  const tfl::Model* model_ = nullptr;
  const tfl::SubGraph* subgraph_ = nullptr;
  ir::Graph graph_;
  std::map<int32_t, TensorId> tensor_map_;
  std::set<TensorId> produced_;
  // Float boundary ops that were peeled off: file tensor -> replacement.
  std::map<int32_t, int32_t> peeled_;
  const tfl::Operator* op_ = nullptr;
  int32_t op_index_ = -1;
  std::string op_name_;
};

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

const char* TypeName(tfl::TensorType type) {
  const char* name = tfl::EnumNameTensorType(type);
  return (name != nullptr && name[0] != '\0') ? name : "unknown type";
}

TensorId Importer::Activation8(int32_t index) {
  if (auto it = peeled_.find(index); it != peeled_.end()) index = it->second;
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
    for (int32_t d : shape) dims += (dims.empty() ? "" : "x") + std::to_string(d);
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

TensorId Importer::GraphInputId() const {
  int32_t input_file = subgraph_->inputs()->Get(0);
  if (auto it = peeled_.find(input_file); it != peeled_.end()) input_file = it->second;
  const auto input_it = tensor_map_.find(input_file);
  return input_it == tensor_map_.end() ? ir::kNoTensor : input_it->second;
}

void Importer::CheckProducedBeforeUse(const ir::Op& op) const {
  const TensorId graph_input = GraphInputId();
  for (TensorId t : op.inputs) {
    if (t == ir::kNoTensor || t == graph_input || graph_.tensor(t).IsConstant()) continue;
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

void Importer::ImportConv(const tfl::Operator* op, bool depthwise) {
  ir::Op out_op{depthwise ? OpKind::kDepthwiseConv2D : OpKind::kConv2D, {}, {}, {}, op_index_};
  const TensorId in = Activation8(InputIndex(0));
  const TensorId w = Constant(InputIndex(1), DType::kInt8);
  const int32_t bias_index = InputIndex(2, false);
  const TensorId b = bias_index >= 0 ? Constant(bias_index, DType::kInt32) : ir::kNoTensor;
  const TensorId out = Activation8(OutputIndex());
  const ir::Tensor& ti = graph_.tensor(in);
  const ir::Tensor& tw = graph_.tensor(w);
  const ir::Tensor& to = graph_.tensor(out);
  if (ti.shape.size() != 4 || ti.shape[0] != 1) FailOp("input must be 1xHxWxC");
  if (tw.shape.size() != 4) FailOp("filter must be 4-D");

  ir::ConvAttrs a;
  tfl::Padding padding;
  tfl::ActivationFunctionType act;
  if (depthwise) {
    const auto* o = op->builtin_options_as_DepthwiseConv2DOptions();
    if (o == nullptr) FailOp("missing DepthwiseConv2DOptions");
    padding = o->padding();
    a.stride_w = o->stride_w(), a.stride_h = o->stride_h();
    a.dilation_w = o->dilation_w_factor(), a.dilation_h = o->dilation_h_factor();
    act = o->fused_activation_function();
    if (tw.shape[0] != 1) FailOp("depthwise filter must be 1xKHxKWxC");
    if (tw.shape[3] % ti.C() != 0) FailOp("depthwise output channels are not a multiple of input channels");
    a.depth_multiplier = tw.shape[3] / ti.C();  // TFLite derives it from shapes too
    if (to.C() != tw.shape[3]) FailOp("output channels do not match the filter");
  } else {
    const auto* o = op->builtin_options_as_Conv2DOptions();
    if (o == nullptr) FailOp("missing Conv2DOptions");
    padding = o->padding();
    a.stride_w = o->stride_w(), a.stride_h = o->stride_h();
    a.dilation_w = o->dilation_w_factor(), a.dilation_h = o->dilation_h_factor();
    act = o->fused_activation_function();
    if (tw.shape[3] != ti.C()) FailOp("filter input channels do not match the input (grouped conv is not supported)");
    if (to.C() != tw.shape[0]) FailOp("output channels do not match the filter");
  }
  if (a.stride_h < 1 || a.stride_w < 1 || a.dilation_h < 1 || a.dilation_w < 1) FailOp("stride and dilation must be >= 1");
  a.kernel_h = tw.shape[1];
  a.kernel_w = tw.shape[2];
  a.act = ReadActivation(act);
  a.pad = ResolvePadding(padding, ti.H(), ti.W(), a.kernel_h, a.kernel_w, a.stride_h, a.stride_w,
                         a.dilation_h, a.dilation_w, to.H(), to.W());
  CheckSpatialOutput(ti, to, a.pad, a.kernel_h, a.kernel_w, a.stride_h, a.stride_w, a.dilation_h, a.dilation_w);

  const int32_t cout = to.C();
  const ir::Quant& wq = tw.quant;
  if (wq.scale.empty()) FailOp("filter has no quantisation scales");
  if (wq.scale.size() != 1 && static_cast<int32_t>(wq.scale.size()) != cout) FailOp("filter has a scale count that matches neither 1 nor the output channels");
  // Zero and even negative per-channel scales occur in real files (mcunet-in3);
  // TFLite accepts them and so do we: the multiplier just takes their sign.
  for (float s : wq.scale) if (!std::isfinite(s)) FailOp("filter has a non-finite scale");
  for (int64_t zp : wq.zero_point) if (zp != 0) FailOp("filter zero points must be 0 (symmetric int8 weights)");
  if (b != ir::kNoTensor && graph_.tensor(b).NumElements() != cout) FailOp("bias size does not match the output channels");
  out_op.inputs = {in, w, b};
  out_op.outputs = {out};
  out_op.attrs = a;
  CheckProducedBeforeUse(out_op);
  graph_.ops.push_back(std::move(out_op));
}

void Importer::ImportPool(const tfl::Operator* op, OpKind kind) {
  const auto* o = op->builtin_options_as_Pool2DOptions();
  if (o == nullptr) FailOp("missing Pool2DOptions");
  const TensorId in = Activation8(InputIndex(0));
  const TensorId out = Activation8(OutputIndex());
  const ir::Tensor& ti = graph_.tensor(in);
  const ir::Tensor& to = graph_.tensor(out);
  if (ti.shape.size() != 4 || ti.shape[0] != 1) FailOp("input must be 1xHxWxC");
  if (to.C() != ti.C()) FailOp("pool changes the channel count");
  ir::PoolAttrs a;
  a.filter_h = o->filter_height(), a.filter_w = o->filter_width();
  a.stride_h = o->stride_h(), a.stride_w = o->stride_w();
  if (a.filter_h < 1 || a.filter_w < 1 || a.stride_h < 1 || a.stride_w < 1) FailOp("filter and stride must be >= 1");
  a.act = ReadActivation(o->fused_activation_function());
  a.pad = ResolvePadding(o->padding(), ti.H(), ti.W(), a.filter_h, a.filter_w, a.stride_h, a.stride_w, 1, 1, to.H(), to.W());
  CheckSpatialOutput(ti, to, a.pad, a.filter_h, a.filter_w, a.stride_h, a.stride_w, 1, 1);
  if (ti.quant.Scale() != to.quant.Scale() || ti.quant.ZeroPoint() != to.quant.ZeroPoint()) {
    FailOp("input and output quantisation differ (TFLite int8 pooling requires them equal)");
  }
  if (kind == OpKind::kAveragePool2D) {
    const int64_t cells = std::min<int64_t>(a.filter_h, ti.H()) * std::min<int64_t>(a.filter_w, ti.W());
    if (cells > kMaxSummedCells) {
      FailOp("averaging window of " + std::to_string(cells) +
             " input cells is too large (summed windows are limited to 2^23 cells, so int32 sums cannot overflow)");
    }
  }
  ir::Op out_op{kind, {in}, {out}, a, op_index_};
  CheckProducedBeforeUse(out_op);
  graph_.ops.push_back(std::move(out_op));
}

void Importer::ImportPad() {
  const TensorId in = Activation8(InputIndex(0));
  const std::vector<int32_t> p = IntConstant(InputIndex(1));
  const TensorId out = Activation8(OutputIndex());
  const ir::Tensor& ti = graph_.tensor(in);
  const ir::Tensor& to = graph_.tensor(out);
  if (ti.shape.size() != 4 || ti.shape[0] != 1 || p.size() != 8) FailOp("only 4-D NHWC PAD is supported");
  for (int32_t v : p) if (v < 0) FailOp("negative padding");
  if (p[0] != 0 || p[1] != 0 || p[6] != 0 || p[7] != 0) FailOp("padding of batch or channel dimensions is not supported");
  if (int64_t{ti.H()} + p[2] + p[3] > kMaxSpatialExtent || int64_t{ti.W()} + p[4] + p[5] > kMaxSpatialExtent) {
    FailOp("padding too large (padded extents are limited to 2^24)");
  }
  ir::PadAttrs a;
  a.pad = {p[2], p[3], p[4], p[5]};
  if (to.shape.size() != 4 || to.H() != ti.H() + p[2] + p[3] || to.W() != ti.W() + p[4] + p[5] || to.C() != ti.C()) {
    FailOp("output shape does not match input plus padding");
  }
  if (ti.quant.Scale() != to.quant.Scale() || ti.quant.ZeroPoint() != to.quant.ZeroPoint()) {
    FailOp("input and output quantisation differ");
  }
  ir::Op out_op{OpKind::kPad, {in}, {out}, a, op_index_};
  CheckProducedBeforeUse(out_op);
  graph_.ops.push_back(std::move(out_op));
}

void Importer::ImportAdd(const tfl::Operator* op) {
  const TensorId a_in = Activation8(InputIndex(0));
  const TensorId b_in = Activation8(InputIndex(1));
  const TensorId out = Activation8(OutputIndex());
  if (graph_.tensor(a_in).shape != graph_.tensor(b_in).shape || graph_.tensor(a_in).shape != graph_.tensor(out).shape) {
    FailOp("ADD with broadcasting is not supported (input shapes differ)");
  }
  ir::AddAttrs a;
  if (const auto* o = op->builtin_options_as_AddOptions()) a.act = ReadActivation(o->fused_activation_function());
  // TFLite's int8 ADD (QuantizeMultiplierSmallerThanOneExp) rescales the sum
  // by 2 * max(input scales) / (2^20 * output scale), which must be below 1.
  const double s1 = graph_.tensor(a_in).quant.Scale(), s2 = graph_.tensor(b_in).quant.Scale();
  const double so = graph_.tensor(out).quant.Scale();
  if (!(2 * std::max(s1, s2) / (static_cast<double>(1 << 20) * so) < 1.0)) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "output scale %g is too small for input scales %g and %g", so, s1, s2);
    FailOp(std::string(buf) + " (the int8 ADD needs 2 * max(input scales) < 2^20 * output scale)");
  }
  ir::Op out_op{OpKind::kAdd, {a_in, b_in}, {out}, a, op_index_};
  CheckProducedBeforeUse(out_op);
  graph_.ops.push_back(std::move(out_op));
}

void Importer::ImportMean(const tfl::Operator* op) {
  const TensorId in = Activation8(InputIndex(0));
  std::vector<int32_t> axes = IntConstant(InputIndex(1));
  const TensorId out = Activation8(OutputIndex());
  const ir::Tensor& ti = graph_.tensor(in);
  if (ti.shape.size() != 4 || ti.shape[0] != 1) FailOp("input must be 1xHxWxC");
  for (int32_t& ax : axes) if (ax < 0) ax += 4;
  std::sort(axes.begin(), axes.end());
  if (axes != std::vector<int32_t>{1, 2}) FailOp("only the spatial MEAN over axes {1, 2} is supported");
  ir::MeanAttrs a;
  if (const auto* o = op->builtin_options_as_ReducerOptions()) a.keep_dims = o->keep_dims();
  if (graph_.tensor(out).NumElements() != ti.C()) FailOp("output size does not match the channel count");
  if (int64_t{ti.H()} * ti.W() > kMaxSummedCells) {
    FailOp("MEAN over " + std::to_string(int64_t{ti.H()} * ti.W()) +
           " cells is too large (summed windows are limited to 2^23 cells, so int32 sums cannot overflow)");
  }
  if (int64_t{ti.C()} * 4 > std::numeric_limits<int32_t>::max()) {
    FailOp("MEAN over " + std::to_string(ti.C()) + " channels needs more int32 sums than the device tables address");
  }
  ir::Op out_op{OpKind::kMean, {in}, {out}, a, op_index_};
  CheckProducedBeforeUse(out_op);
  graph_.ops.push_back(std::move(out_op));
}

void Importer::ImportFullyConnected(const tfl::Operator* op) {
  const TensorId in = Activation8(InputIndex(0));
  const TensorId w = Constant(InputIndex(1), DType::kInt8);
  const int32_t bias_index = InputIndex(2, false);
  const TensorId b = bias_index >= 0 ? Constant(bias_index, DType::kInt32) : ir::kNoTensor;
  const TensorId out = Activation8(OutputIndex());
  const ir::Tensor& tw = graph_.tensor(w);
  if (tw.shape.size() != 2) FailOp("weights must be 2-D [out, in]");
  const int64_t in_features = tw.shape[1], out_features = tw.shape[0];
  if (graph_.tensor(in).NumElements() != in_features) FailOp("input size does not match the weights (batch > 1 is not supported)");
  if (graph_.tensor(out).NumElements() != out_features) FailOp("output size does not match the weights");
  if (tw.quant.scale.empty()) FailOp("weights have no quantisation scales");
  if (tw.quant.scale.size() != 1 && static_cast<int64_t>(tw.quant.scale.size()) != out_features) FailOp("weights scale count matches neither 1 nor the output size");
  if (tw.quant.scale.size() > 1) {
    for (int64_t zp : tw.quant.zero_point) if (zp != 0) FailOp("per-channel weight zero points must be 0");
  }
  for (int64_t zp : tw.quant.zero_point) if (zp < -128 || zp > 127) FailOp("weight zero point outside int8");
  if (b != ir::kNoTensor && graph_.tensor(b).NumElements() != out_features) FailOp("bias size does not match the output size");
  ir::FullyConnectedAttrs a;
  if (const auto* o = op->builtin_options_as_FullyConnectedOptions()) {
    a.act = ReadActivation(o->fused_activation_function());
    if (o->weights_format() != 0) FailOp("shuffled weight formats are not supported");
  }
  ir::Op out_op{OpKind::kFullyConnected, {in, w, b}, {out}, a, op_index_};
  CheckProducedBeforeUse(out_op);
  graph_.ops.push_back(std::move(out_op));
}

void Importer::ImportReshape() {
  const TensorId in = Activation8(InputIndex(0));
  const TensorId out = Activation8(OutputIndex());
  if (graph_.tensor(in).NumElements() != graph_.tensor(out).NumElements()) FailOp("element counts differ");
  // TFLite's RESHAPE copies bytes and ignores quantisation; some files
  // (mcunet-in3) give the two tensors different parameters, so do we ignore it.
  ir::Op out_op{OpKind::kReshape, {in}, {out}, {}, op_index_};
  CheckProducedBeforeUse(out_op);
  graph_.ops.push_back(std::move(out_op));
}

void Importer::ImportSoftmax(const tfl::Operator* op) {
  const TensorId in = Activation8(InputIndex(0));
  const TensorId out = Activation8(OutputIndex());
  if (graph_.tensor(in).shape != graph_.tensor(out).shape) FailOp("input and output shapes differ");
  ir::SoftmaxAttrs a;
  if (const auto* o = op->builtin_options_as_SoftmaxOptions()) a.beta = o->beta();
  if (!std::isfinite(a.beta) || a.beta <= 0.0f) FailOp("beta must be positive");
  // TFLite's PreprocessSoftmaxScaling needs beta * input_scale * 2^26 > 1.
  const double beta_scale = static_cast<double>(a.beta) * graph_.tensor(in).quant.Scale();
  if (!(beta_scale * static_cast<double>(1 << 26) > 1.0)) {
    char buf[128];
    std::snprintf(buf, sizeof buf, "beta * input scale = %g is too small", beta_scale);
    FailOp(std::string(buf) + " (the int8 SOFTMAX needs it above 2^-26)");
  }
  const ir::Quant& oq = graph_.tensor(out).quant;
  if (oq.Scale() != 1.0f / 256 || oq.ZeroPoint() != -128) FailOp("int8 softmax output must have scale 1/256 and zero point -128");
  ir::Op out_op{OpKind::kSoftmax, {in}, {out}, a, op_index_};
  CheckProducedBeforeUse(out_op);
  graph_.ops.push_back(std::move(out_op));
}

void Importer::ImportQuantize(OpKind kind) {
  const int32_t in_index = InputIndex(0);
  const int32_t out_index = OutputIndex();
  const tfl::Tensor* tin = FileTensor(in_index);
  const tfl::Tensor* tout = FileTensor(out_index);
  const auto is_graph_io = [](const flatbuffers::Vector<int32_t>* v, int32_t t) {
    if (v == nullptr) return false;
    for (int32_t x : *v) if (x == t) return true;
    return false;
  };
  // Float I/O boundary: run the int8 core and report the float quantisation.
  if (kind == OpKind::kQuantize && tin->type() == tfl::TensorType_FLOAT32 &&
      is_graph_io(subgraph_->inputs(), in_index)) {
    peeled_[in_index] = out_index;
    graph_.notes.push_back("float input '" + (tin->name() ? tin->name()->str() : std::string()) +
                           "' is quantised by op " + std::to_string(op_index_) +
                           "; msf takes the int8 tensor as the model input");
    return;
  }
  if (kind == OpKind::kDequantize && tout->type() == tfl::TensorType_FLOAT32 &&
      is_graph_io(subgraph_->outputs(), out_index)) {
    peeled_[out_index] = in_index;
    graph_.notes.push_back("float output is dequantised by op " + std::to_string(op_index_) +
                           "; msf returns the int8 tensor as the model output");
    return;
  }
  if (kind == OpKind::kDequantize) FailOp("DEQUANTIZE inside the graph has no int8 path");
  const TensorId in = Activation8(in_index);
  const TensorId out = Activation8(out_index);
  if (graph_.tensor(in).shape != graph_.tensor(out).shape) FailOp("input and output shapes differ");
  ir::Op out_op{OpKind::kQuantize, {in}, {out}, {}, op_index_};
  CheckProducedBeforeUse(out_op);
  graph_.ops.push_back(std::move(out_op));
}

void Importer::ImportOp(const tfl::Operator* op) {
  const auto* codes = model_->operator_codes();
  if (codes == nullptr || op->opcode_index() >= codes->size()) {
    Fail("op " + std::to_string(op_index_) + ": opcode index " + std::to_string(op->opcode_index()) + " out of range");
  }
  const tfl::OperatorCode* code = codes->Get(op->opcode_index());
  // The builtin code is the larger of the two fields (schema v3a convention).
  const int32_t builtin = std::max<int32_t>(code->deprecated_builtin_code(), code->builtin_code());
  op_name_ = BuiltinOpName(builtin);
  if (builtin == kCustom) {
    op_name_ = "CUSTOM '" + (code->custom_code() ? code->custom_code()->str() : std::string()) + "'";
  }
  switch (builtin) {
    case kConv2D: return ImportConv(op, false);
    case kDepthwiseConv2D: return ImportConv(op, true);
    case kAveragePool2D: return ImportPool(op, OpKind::kAveragePool2D);
    case kMaxPool2D: return ImportPool(op, OpKind::kMaxPool2D);
    case kPad: return ImportPad();
    case kAdd: return ImportAdd(op);
    case kMean: return ImportMean(op);
    case kFullyConnected: return ImportFullyConnected(op);
    case kReshape: return ImportReshape();
    case kSoftmax: return ImportSoftmax(op);
    case kQuantize: return ImportQuantize(OpKind::kQuantize);
    case kDequantize: return ImportQuantize(OpKind::kDequantize);
    default: FailOp("unsupported op");
  }
}

ir::Graph Importer::Run() {
  const std::vector<uint8_t>& b = *bytes_;
  if (b.size() < 8) Fail("file too small to be a TFLite model (" + std::to_string(b.size()) + " bytes)");
  if (!flatbuffers::BufferHasIdentifier(b.data(), "TFL3")) Fail("not a TFLite model (file identifier is not TFL3)");
  if (b.size() >= (size_t{1} << 31)) Fail("files of 2 GiB or more are not supported");
  flatbuffers::Verifier verifier(b.data(), b.size(), /*max_depth=*/64, /*max_tables=*/10'000'000);
  if (!tfl::VerifyModelBuffer(verifier)) Fail("corrupt TFLite flatbuffer (structure check failed: truncated or bad offsets)");
  model_ = tfl::GetModel(b.data());
  if (model_->subgraphs() == nullptr || model_->subgraphs()->size() == 0) Fail("model has no subgraph");
  if (model_->subgraphs()->size() != 1) Fail("models with " + std::to_string(model_->subgraphs()->size()) + " subgraphs are not supported");
  subgraph_ = model_->subgraphs()->Get(0);
  if (subgraph_->operators() == nullptr || subgraph_->operators()->size() == 0) Fail("model has no operators");
  if (subgraph_->inputs() == nullptr || subgraph_->inputs()->size() != 1) Fail("models must have exactly one input");
  if (subgraph_->outputs() == nullptr || subgraph_->outputs()->size() == 0) Fail("model has no output");
  // The executors return one output tensor, in the caller's one output buffer.
  if (subgraph_->outputs()->size() != 1) {
    Fail("models with " + std::to_string(subgraph_->outputs()->size()) + " outputs are not supported (one output only)");
  }
  graph_.file_bytes = bytes_;

  for (uint32_t i = 0; i < subgraph_->operators()->size(); ++i) {
    op_ = subgraph_->operators()->Get(i);
    op_index_ = static_cast<int32_t>(i);
    op_name_.clear();
    const size_t ops_before = graph_.ops.size();
    ImportOp(op_);
    if (graph_.ops.size() > ops_before) {
      CheckKernelParams(graph_.ops.back());
      const TensorId out = graph_.ops.back().output();
      // The model input is the caller's buffer (read-only in the fused executor).
      if (out == GraphInputId()) FailOp("writes the model input tensor");
      if (!produced_.insert(out).second) FailOp("writes a tensor that was already written");
    }
  }
  op_index_ = -1;
  if (graph_.ops.empty()) Fail("model has no int8 operators");

  int32_t in_file = subgraph_->inputs()->Get(0);
  if (auto it = peeled_.find(in_file); it != peeled_.end()) in_file = it->second;
  auto in_it = tensor_map_.find(in_file);
  if (in_it == tensor_map_.end()) Fail("the model input is not read by any supported op");
  graph_.inputs = {in_it->second};
  for (int32_t out_file : *subgraph_->outputs()) {
    if (auto it = peeled_.find(out_file); it != peeled_.end()) out_file = it->second;
    auto out_it = tensor_map_.find(out_file);
    if (out_it == tensor_map_.end() || !produced_.count(out_it->second)) {
      Fail("model output tensor " + std::to_string(out_file) + " is not written by any op");
    }
    graph_.outputs.push_back(out_it->second);
  }
  return std::move(graph_);
}

}  // namespace

ir::Graph ImportTfliteBuffer(std::shared_ptr<const std::vector<uint8_t>> bytes, const std::string& label) {
  Importer importer(std::move(bytes), label);
  ir::Graph g = importer.Run();
  return g;
}

ir::Graph ImportTfliteFile(const std::string& path) {
  auto bytes = std::make_shared<std::vector<uint8_t>>(ReadWholeFile(path, "file"));
  ir::Graph g = ImportTfliteBuffer(std::move(bytes), path);
  const size_t slash = path.find_last_of('/');
  g.name = path.substr(slash == std::string::npos ? 0 : slash + 1);
  return g;
}

}  // namespace msf::frontend
