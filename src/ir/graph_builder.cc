// SPDX-License-Identifier: MIT
#include "ir/graph_builder.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "base/error.h"

namespace msf::ir {
namespace {

// prefix + number (written out: GCC 12 warns falsely on "x" + std::to_string).
std::string Numbered(const char* prefix, size_t n) {
  std::string s = prefix;
  s += std::to_string(n);
  return s;
}

int32_t WindowOut(int32_t in, int32_t before, int32_t after, int32_t k, int32_t stride) {
  if (in + before + after < k) {
    throw Error("graph builder: a " + std::to_string(k) + "-wide window does not fit an input of " +
                std::to_string(in) + " padded by " + std::to_string(before) + "+" + std::to_string(after));
  }
  return (in + before + after - k) / stride + 1;
}

}  // namespace

std::string WeightPolicy::Name(const Graph& g, const Op& op, TensorRole role) {
  switch (role) {
    case TensorRole::kFilter: return Numbered(op.kind == OpKind::kFullyConnected ? "fc_w" : "w", g.ops.size());
    case TensorRole::kBias: return Numbered("b", g.ops.size());
    case TensorRole::kOutput: break;
  }
  return Numbered("t", g.tensors.size());
}

std::vector<uint8_t> Int32Bytes(const std::vector<int32_t>& values) {
  std::vector<uint8_t> bytes(values.size() * sizeof(int32_t));
  if (!bytes.empty()) std::memcpy(bytes.data(), values.data(), bytes.size());
  return bytes;
}

Quant PerTensor(float scale, int32_t zero_point) {
  Quant q;
  q.scale = {scale};
  q.zero_point = {zero_point};
  return q;
}

GraphBuilder::GraphBuilder(std::string graph_name, std::unique_ptr<WeightPolicy> policy)
    : policy_(std::move(policy)) {
  g_.name = std::move(graph_name);
}

GraphBuilder& GraphBuilder::Input(std::vector<int32_t> shape, Quant quant, std::string name) {
  if (name.empty()) name = Numbered("t", g_.tensors.size());
  cur_ = g_.AddActivation(std::move(name), std::move(shape), std::move(quant));
  g_.inputs.push_back(cur_);
  return *this;
}

GraphBuilder& GraphBuilder::FloatInput(std::vector<int32_t> shape, std::string name) {
  if (name.empty()) name = Numbered("t", g_.tensors.size());
  cur_ = g_.AddActivation(std::move(name), std::move(shape), {}, DType::kFloat32);
  g_.inputs.push_back(cur_);
  return *this;
}

GraphBuilder& GraphBuilder::From(TensorId t) {
  if (t < 0 || static_cast<size_t>(t) >= g_.tensors.size() || g_.tensor(t).IsConstant()) {
    throw Error("graph builder: no such activation");
  }
  cur_ = t;
  return *this;
}

TensorId GraphBuilder::AddConstant(const Op& op, TensorRole role, DType type, std::vector<int32_t> shape,
                                   ConstantData data) {
  return g_.AddConstant(policy_->Name(g_, op, role), type, std::move(shape), std::move(data.bytes),
                        std::move(data.quant));
}

GraphBuilder& GraphBuilder::Push(Op op, std::vector<int32_t> shape, std::optional<Quant> out, DType type) {
  op.source_index = static_cast<int32_t>(g_.ops.size());
  Quant q = out ? std::move(*out) : policy_->Output(g_, op, shape);
  const TensorId y =
      g_.AddActivation(policy_->Name(g_, op, TensorRole::kOutput), std::move(shape), std::move(q), type);
  op.outputs = {y};
  g_.ops.push_back(std::move(op));
  cur_ = y;
  return *this;
}

GraphBuilder& GraphBuilder::ConvOp(OpKind kind, int32_t cout, int32_t k, int32_t stride, int32_t multiplier,
                                   Activation act, std::optional<Pad2D> pad) {
  const Tensor in = Current();
  const bool dw = kind == OpKind::kDepthwiseConv2D;
  ConvAttrs a;
  a.kernel_h = a.kernel_w = k;
  a.stride_h = a.stride_w = stride;
  a.pad = pad.value_or(Pad2D{k / 2, k / 2, k / 2, k / 2});
  a.depth_multiplier = multiplier;
  a.act = act;
  const int32_t oh = WindowOut(in.H(), a.pad.top, a.pad.bottom, k, stride);
  const int32_t ow = WindowOut(in.W(), a.pad.left, a.pad.right, k, stride);
  Op op{kind, {cur_}, {}, a, -1};
  op.source_index = static_cast<int32_t>(g_.ops.size());
  const std::vector<int32_t> wshape =
      dw ? std::vector<int32_t>{1, k, k, cout} : std::vector<int32_t>{cout, k, k, in.C()};
  ConstantData filter = policy_->Filter(g_, op, wshape);
  filter.quant.axis = dw ? 3 : 0;
  op.inputs.push_back(AddConstant(op, TensorRole::kFilter, DType::kInt8, wshape, std::move(filter)));
  op.inputs.push_back(AddConstant(op, TensorRole::kBias, DType::kInt32, {cout}, policy_->Bias(g_, op, cout)));
  return Push(std::move(op), {1, oh, ow, cout});
}

GraphBuilder& GraphBuilder::Conv(int32_t cout, int32_t k, int32_t stride, Activation act, std::optional<Pad2D> pad) {
  return ConvOp(OpKind::kConv2D, cout, k, stride, 1, act, pad);
}

GraphBuilder& GraphBuilder::Depthwise(int32_t k, int32_t stride, int32_t multiplier, Activation act,
                                      std::optional<Pad2D> pad) {
  return ConvOp(OpKind::kDepthwiseConv2D, Current().C() * multiplier, k, stride, multiplier, act, pad);
}

GraphBuilder& GraphBuilder::Pool(OpKind kind, int32_t k, int32_t stride, Pad2D pad) {
  if (kind != OpKind::kAveragePool2D && kind != OpKind::kMaxPool2D) throw Error("graph builder: not a pool");
  const Tensor& in = Current();
  PoolAttrs a;
  a.filter_h = a.filter_w = k;
  a.stride_h = a.stride_w = stride;
  a.pad = pad;
  const int32_t oh = WindowOut(in.H(), pad.top, pad.bottom, k, stride);
  const int32_t ow = WindowOut(in.W(), pad.left, pad.right, k, stride);
  return Push({kind, {cur_}, {}, a}, {1, oh, ow, in.C()});
}

GraphBuilder& GraphBuilder::GlobalAvgPool() {
  const Tensor& in = Current();
  PoolAttrs a;
  a.filter_h = in.H();
  a.filter_w = in.W();
  return Push({OpKind::kAveragePool2D, {cur_}, {}, a}, {1, 1, 1, in.C()});
}

GraphBuilder& GraphBuilder::Mean(std::optional<Quant> out) {
  MeanAttrs a;
  a.keep_dims = true;
  return Push({OpKind::kMean, {cur_}, {}, a}, {1, 1, 1, Current().C()}, std::move(out));
}

GraphBuilder& GraphBuilder::Pad(Pad2D pad) {
  const Tensor& in = Current();
  PadAttrs a;
  a.pad = pad;
  return Push({OpKind::kPad, {cur_}, {}, a}, {1, in.H() + pad.top + pad.bottom, in.W() + pad.left + pad.right, in.C()});
}

GraphBuilder& GraphBuilder::Requantize() { return Push({OpKind::kQuantize, {cur_}, {}, {}}, Current().shape); }

GraphBuilder& GraphBuilder::FullyConnected(int32_t units) {
  const int32_t cin = static_cast<int32_t>(Current().NumElements());
  Op op{OpKind::kFullyConnected, {cur_}, {}, FullyConnectedAttrs{}};
  op.source_index = static_cast<int32_t>(g_.ops.size());
  const std::vector<int32_t> wshape{units, cin};
  ConstantData filter = policy_->Filter(g_, op, wshape);
  filter.quant.axis = 0;
  op.inputs.push_back(AddConstant(op, TensorRole::kFilter, DType::kInt8, wshape, std::move(filter)));
  op.inputs.push_back(kNoTensor);
  return Push(std::move(op), {1, units});
}

GraphBuilder& GraphBuilder::Flatten() {
  return Push({OpKind::kReshape, {cur_}, {}, {}}, {1, static_cast<int32_t>(Current().NumElements())});
}

GraphBuilder& GraphBuilder::Softmax() {
  SoftmaxAttrs a;
  a.beta = 1.0f;
  return Push({OpKind::kSoftmax, {cur_}, {}, a}, Current().shape);
}

GraphBuilder& GraphBuilder::AddFrom(TensorId skip, Activation act, bool skip_first, std::optional<Quant> out) {
  if (g_.tensor(skip).shape != Current().shape) throw Error("graph builder: ADD of tensors of different shapes");
  AddAttrs a;
  a.act = act;
  std::vector<TensorId> inputs = skip_first ? std::vector<TensorId>{skip, cur_} : std::vector<TensorId>{cur_, skip};
  return Push({OpKind::kAdd, std::move(inputs), {}, a}, Current().shape, std::move(out));
}

GraphBuilder& GraphBuilder::Quantize(Quant out) {
  if (Current().type != DType::kFloat32) throw Error("graph builder: QUANTIZE from float of an int8 tensor");
  return Push({OpKind::kQuantize, {cur_}, {}, {}}, Current().shape, std::move(out));
}

GraphBuilder& GraphBuilder::Dequantize() {
  if (Current().type != DType::kInt8) throw Error("graph builder: DEQUANTIZE of a float tensor");
  return Push({OpKind::kDequantize, {cur_}, {}, {}}, Current().shape, Quant{}, DType::kFloat32);
}

GraphBuilder& GraphBuilder::ResizeNearest(int32_t out_h, int32_t out_w, bool align_corners, bool half_pixel_centers) {
  const Tensor& in = Current();
  if (in.shape.size() != 4 || out_h < 1 || out_w < 1) throw Error("graph builder: RESIZE_NEAREST_NEIGHBOR needs 4-D NHWC");
  ResizeAttrs a;
  a.align_corners = align_corners;
  a.half_pixel_centers = half_pixel_centers;
  Quant q = in.quant;
  return Push({OpKind::kResizeNearest, {cur_}, {}, a}, {1, out_h, out_w, in.C()}, std::move(q));
}

GraphBuilder& GraphBuilder::Concat(std::vector<TensorId> inputs, int32_t axis) {
  if (inputs.empty() || axis < 0 || axis > 3) throw Error("graph builder: CONCATENATION needs inputs and an axis 0..3");
  const Tensor& first = g_.tensor(inputs[0]);
  if (first.shape.size() != 4) throw Error("graph builder: CONCATENATION needs 4-D NHWC");
  std::vector<int32_t> shape = first.shape;
  shape[static_cast<size_t>(axis)] = 0;
  for (TensorId t : inputs) {
    const Tensor& in = g_.tensor(t);
    if (in.shape.size() != 4) throw Error("graph builder: CONCATENATION needs 4-D NHWC");
    for (size_t d = 0; d < 4; ++d) {
      if (d != static_cast<size_t>(axis) && in.shape[d] != first.shape[d]) {
        throw Error("graph builder: CONCATENATION inputs differ outside the axis");
      }
    }
    if (in.quant.Scale() != first.quant.Scale() || in.quant.ZeroPoint() != first.quant.ZeroPoint()) {
      throw Error("graph builder: CONCATENATION inputs are quantised differently");
    }
    shape[static_cast<size_t>(axis)] += in.shape[static_cast<size_t>(axis)];
  }
  ConcatAttrs a;
  a.axis = axis;
  Quant q = first.quant;
  return Push({OpKind::kConcat, std::move(inputs), {}, a}, std::move(shape), std::move(q));
}

GraphBuilder& GraphBuilder::MulFrom(TensorId other, Activation act, bool other_first, std::optional<Quant> out) {
  const std::vector<int32_t>& sa = g_.tensor(other).shape;
  const std::vector<int32_t>& sb = Current().shape;
  if (sa.size() != sb.size()) throw Error("graph builder: MUL of tensors of different ranks");
  std::vector<int32_t> shape(sa.size());
  for (size_t d = 0; d < sa.size(); ++d) {
    if (sa[d] != sb[d] && sa[d] != 1 && sb[d] != 1) throw Error("graph builder: MUL of shapes that do not broadcast");
    shape[d] = std::max(sa[d], sb[d]);
  }
  MulAttrs a;
  a.act = act;
  std::vector<TensorId> inputs = other_first ? std::vector<TensorId>{other, cur_} : std::vector<TensorId>{cur_, other};
  return Push({OpKind::kMul, std::move(inputs), {}, a}, std::move(shape), std::move(out));
}

GraphBuilder& GraphBuilder::Logistic() {
  return Push({OpKind::kLogistic, {cur_}, {}, {}}, Current().shape, PerTensor(1.0f / 256.0f, -128));
}

GraphBuilder& GraphBuilder::HardSwish(std::optional<Quant> out) {
  return Push({OpKind::kHardSwish, {cur_}, {}, {}}, Current().shape, std::move(out));
}

Graph GraphBuilder::Take(std::vector<TensorId> outputs) {
  if (outputs.empty()) throw Error("graph builder: a graph needs an output");
  g_.outputs = std::move(outputs);
  return std::move(g_);
}

Graph GraphBuilder::Take() {
  g_.outputs = {cur_};
  return std::move(g_);
}

}  // namespace msf::ir
