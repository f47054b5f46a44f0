// SPDX-License-Identifier: MIT
#include "calib/graph_builder.h"

#include <cmath>
#include <cstring>
#include <utility>

#include "ir/canonicalize.h"

namespace msf::calib {
namespace {

constexpr float kWeightScale = 0.01f;

// Output scale that keeps a `taps`-term accumulation of this input in range.
float OutScale(float in_scale, int64_t taps) {
  return in_scale * kWeightScale * 60.0f * std::sqrt(static_cast<float>(taps));
}

// prefix + number (written out: GCC 12 warns falsely on "x" + std::to_string).
std::string Numbered(const char* prefix, size_t n) {
  std::string s = prefix;
  s += std::to_string(n);
  return s;
}

}  // namespace

GraphBuilder::GraphBuilder(std::string name, std::vector<int32_t> input_shape, uint64_t seed)
    : state_(seed * 0x9E3779B97F4A7C15ull + 1) {
  g_.name = std::move(name);
  cur_ = Activation(std::move(input_shape), 1.0f / 128.0f, -1);
  g_.inputs = {cur_};
}

int32_t GraphBuilder::Int(int32_t lo, int32_t hi) {
  uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);  // splitmix64
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return lo + static_cast<int32_t>(z % static_cast<uint64_t>(hi - lo + 1));
}

std::vector<uint8_t> GraphBuilder::RandomBytes(size_t n, int lo, int hi) {
  std::vector<uint8_t> b(n);
  for (uint8_t& x : b) x = static_cast<uint8_t>(static_cast<int8_t>(Int(lo, hi)));
  return b;
}

ir::TensorId GraphBuilder::Activation(std::vector<int32_t> shape, float scale, int32_t zero_point) {
  ir::Quant q;
  q.scale = {scale};
  q.zero_point = {zero_point};
  return g_.AddActivation(Numbered("t", g_.tensors.size()), std::move(shape), q);
}

void GraphBuilder::Push(ir::OpKind kind, std::vector<ir::TensorId> inputs, ir::TensorId out, ir::OpAttrs attrs) {
  g_.ops.push_back({kind, std::move(inputs), {out}, std::move(attrs), static_cast<int32_t>(g_.ops.size())});
  cur_ = out;
}

void GraphBuilder::ConvOp(ir::OpKind kind, int32_t cout, int32_t k, int32_t stride, int32_t multiplier,
                          ir::Activation act) {
  const ir::Tensor in = g_.tensor(cur_);
  const bool dw = kind == ir::OpKind::kDepthwiseConv2D;
  const int32_t p = k / 2;
  const int32_t oh = (in.H() + 2 * p - k) / stride + 1, ow = (in.W() + 2 * p - k) / stride + 1;
  ir::Quant wq;
  wq.axis = dw ? 3 : 0;
  wq.scale.assign(static_cast<size_t>(cout), kWeightScale);
  wq.zero_point.assign(static_cast<size_t>(cout), 0);
  const int64_t per_channel = int64_t{k} * k * (dw ? 1 : in.C());
  const std::vector<int32_t> wshape = dw ? std::vector<int32_t>{1, k, k, cout} : std::vector<int32_t>{cout, k, k, in.C()};
  const ir::TensorId w = g_.AddConstant(Numbered("w", g_.ops.size()), ir::DType::kInt8, wshape,
                                        RandomBytes(static_cast<size_t>(per_channel * cout), -127, 127), wq);
  std::vector<int32_t> bias(static_cast<size_t>(cout));
  for (int32_t& b : bias) b = Int(-2000, 2000);
  std::vector<uint8_t> bias_bytes(bias.size() * 4);
  std::memcpy(bias_bytes.data(), bias.data(), bias_bytes.size());
  ir::Quant bq;
  bq.scale.assign(static_cast<size_t>(cout), in.quant.Scale() * kWeightScale);
  bq.zero_point.assign(static_cast<size_t>(cout), 0);
  const ir::TensorId b = g_.AddConstant(Numbered("b", g_.ops.size()), ir::DType::kInt32, {cout},
                                        std::move(bias_bytes), bq);
  const ir::TensorId out = Activation({1, oh, ow, cout}, OutScale(in.quant.Scale(), per_channel),
                                      act == ir::Activation::kNone ? 3 : -128);
  ir::ConvAttrs a;
  a.kernel_h = a.kernel_w = k;
  a.stride_h = a.stride_w = stride;
  a.pad = {p, p, p, p};
  a.depth_multiplier = multiplier;
  a.act = act;
  Push(kind, {cur_, w, b}, out, a);
}

GraphBuilder& GraphBuilder::Conv(int32_t cout, int32_t k, int32_t stride, ir::Activation act) {
  ConvOp(ir::OpKind::kConv2D, cout, k, stride, 1, act);
  return *this;
}

GraphBuilder& GraphBuilder::Depthwise(int32_t k, int32_t stride, int32_t multiplier) {
  ConvOp(ir::OpKind::kDepthwiseConv2D, g_.tensor(cur_).C() * multiplier, k, stride, multiplier,
         ir::Activation::kRelu6);
  return *this;
}

void GraphBuilder::PoolOp(ir::OpKind kind, int32_t k, int32_t stride) {
  const ir::Tensor in = g_.tensor(cur_);
  ir::PoolAttrs a;
  a.filter_h = a.filter_w = k;
  a.stride_h = a.stride_w = stride;
  const int32_t oh = (in.H() - k) / stride + 1, ow = (in.W() - k) / stride + 1;
  Push(kind, {cur_}, Activation({1, oh, ow, in.C()}, in.quant.Scale(), in.quant.ZeroPoint()), a);
}

GraphBuilder& GraphBuilder::AvgPool(int32_t k, int32_t stride) {
  PoolOp(ir::OpKind::kAveragePool2D, k, stride);
  return *this;
}

GraphBuilder& GraphBuilder::MaxPool(int32_t k, int32_t stride) {
  PoolOp(ir::OpKind::kMaxPool2D, k, stride);
  return *this;
}

GraphBuilder& GraphBuilder::GlobalAvgPool() {
  const ir::Tensor in = g_.tensor(cur_);
  ir::PoolAttrs a;
  a.filter_h = in.H(), a.filter_w = in.W();
  Push(ir::OpKind::kAveragePool2D, {cur_}, Activation({1, 1, 1, in.C()}, in.quant.Scale(), in.quant.ZeroPoint()), a);
  return *this;
}

GraphBuilder& GraphBuilder::Mean() {
  const ir::Tensor in = g_.tensor(cur_);
  ir::MeanAttrs a;
  a.keep_dims = true;
  Push(ir::OpKind::kMean, {cur_}, Activation({1, 1, 1, in.C()}, in.quant.Scale() * 0.7f, 3), a);
  return *this;
}

GraphBuilder& GraphBuilder::Pad(int32_t p) {
  const ir::Tensor in = g_.tensor(cur_);
  ir::PadAttrs a;
  a.pad = {p, p, p, p};
  Push(ir::OpKind::kPad, {cur_},
       Activation({1, in.H() + 2 * p, in.W() + 2 * p, in.C()}, in.quant.Scale(), in.quant.ZeroPoint()), a);
  return *this;
}

GraphBuilder& GraphBuilder::Requantize() {
  const ir::Tensor in = g_.tensor(cur_);
  Push(ir::OpKind::kQuantize, {cur_}, Activation(in.shape, in.quant.Scale() * 1.7f, 5), {});
  return *this;
}

GraphBuilder& GraphBuilder::FullyConnected(int32_t cout) {
  const ir::Tensor in = g_.tensor(cur_);
  const int32_t cin = static_cast<int32_t>(in.NumElements());
  ir::Quant wq;
  wq.scale = {kWeightScale};
  wq.zero_point = {0};
  const ir::TensorId w = g_.AddConstant(Numbered("fc_w", g_.ops.size()), ir::DType::kInt8, {cout, cin},
                                        RandomBytes(static_cast<size_t>(cout) * cin, -127, 127), wq);
  Push(ir::OpKind::kFullyConnected, {cur_, w, ir::kNoTensor},
       Activation({1, cout}, OutScale(in.quant.Scale(), cin), 2), ir::FullyConnectedAttrs{});
  return *this;
}

GraphBuilder& GraphBuilder::Flatten() {
  const ir::Tensor in = g_.tensor(cur_);
  Push(ir::OpKind::kReshape, {cur_}, Activation({1, static_cast<int32_t>(in.NumElements())}, in.quant.Scale(),
                                                in.quant.ZeroPoint()), {});
  return *this;
}

GraphBuilder& GraphBuilder::Softmax() {
  ir::SoftmaxAttrs a;
  a.beta = 1.0f;
  Push(ir::OpKind::kSoftmax, {cur_}, Activation(g_.tensor(cur_).shape, 1.0f / 256.0f, -128), a);
  return *this;
}

GraphBuilder& GraphBuilder::AddFrom(ir::TensorId skip) {
  const ir::Tensor in = g_.tensor(cur_);
  ir::AddAttrs a;
  Push(ir::OpKind::kAdd, {skip, cur_}, Activation(in.shape, in.quant.Scale() * 1.3f, 2), a);
  return *this;
}

ir::Graph GraphBuilder::Take() {
  g_.outputs = {cur_};
  ir::Canonicalize(g_);
  ir::Verify(g_);
  return std::move(g_);
}

}  // namespace msf::calib
