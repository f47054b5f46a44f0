// SPDX-License-Identifier: MIT
#include "support/random_graph.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

namespace msf::test {
namespace {

class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed * 0x9E3779B97F4A7C15ull + 1) {}
  uint64_t Next() {
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  int Int(int lo, int hi) { return lo + static_cast<int>(Next() % static_cast<uint64_t>(hi - lo + 1)); }
  bool Coin(int percent) { return Int(0, 99) < percent; }
  template <typename T>
  T Pick(std::initializer_list<T> v) { return *(v.begin() + Int(0, static_cast<int>(v.size()) - 1)); }

 private:
  uint64_t s_;
};

class Builder {
 public:
  explicit Builder(uint64_t seed) : rng_(seed) {}

  ir::Graph Build() {
    g_.name = "random";
    const int h = rng_.Int(5, 18), w = rng_.Int(5, 18), c = rng_.Int(1, 6);
    cur_ = Activation({1, h, w, c}, 0.02f + 0.001f * rng_.Int(0, 20), rng_.Int(-10, 10));
    g_.inputs = {cur_};
    const int units = rng_.Int(2, 7);
    for (int u = 0; u < units; ++u) {
      const int choice = rng_.Int(0, 9);
      if (choice <= 3) Conv();
      else if (choice <= 5) Depthwise();
      else if (choice <= 6) Pool();
      else Residual();
    }
    if (rng_.Coin(50)) Head();
    g_.outputs = {cur_};
    return std::move(g_);
  }

 private:
  const ir::Tensor& Cur() const { return g_.tensor(cur_); }

  ir::TensorId Activation(std::vector<int32_t> shape, float scale, int32_t zp) {
    ir::Quant q;
    q.scale = {scale};
    q.zero_point = {zp};
    return g_.AddActivation("t" + std::to_string(g_.tensors.size()), std::move(shape), q);
  }

  std::vector<uint8_t> RandomBytes(size_t n, int lo, int hi) {
    std::vector<uint8_t> b(n);
    for (auto& x : b) x = static_cast<uint8_t>(static_cast<int8_t>(rng_.Int(lo, hi)));
    return b;
  }

  // Output scale that keeps a k-tap accumulation of this input in range.
  float OutScale(float in_scale, float w_scale, int taps) const {
    return in_scale * w_scale * 70.0f * std::sqrt(static_cast<float>(taps));
  }

  ir::Activation RandomAct() { return rng_.Pick({ir::Activation::kNone, ir::Activation::kRelu, ir::Activation::kRelu6}); }

  // Picks k, stride and symmetric-or-not padding that keep the output >= 1.
  bool Window(int in_h, int in_w, int* k, int* s, ir::Pad2D* pad) {
    *k = rng_.Pick({1, 3, 3, 5, 7});
    *s = rng_.Pick({1, 1, 2});
    const int p = *k / 2;
    *pad = rng_.Coin(70) ? ir::Pad2D{p, p, p, p} : ir::Pad2D{rng_.Int(0, p), rng_.Int(0, p), rng_.Int(0, p), rng_.Int(0, p)};
    return in_h + pad->top + pad->bottom >= *k && in_w + pad->left + pad->right >= *k;
  }

  void AddConvOp(ir::OpKind kind, int k, int s, ir::Pad2D pad, int cout, int multiplier, ir::Activation act) {
    const ir::Tensor in = Cur();
    const int oh = (in.H() + pad.top + pad.bottom - k) / s + 1, ow = (in.W() + pad.left + pad.right - k) / s + 1;
    const bool dw = kind == ir::OpKind::kDepthwiseConv2D;
    const int cin = in.C();
    const int taps = dw ? k * k : k * k * cin;
    ir::Quant wq;
    wq.axis = dw ? 3 : 0;
    for (int c = 0; c < cout; ++c) {
      wq.scale.push_back(0.005f + 0.0005f * rng_.Int(0, 20));
      wq.zero_point.push_back(0);
    }
    const std::vector<int32_t> wshape = dw ? std::vector<int32_t>{1, k, k, cout} : std::vector<int32_t>{cout, k, k, cin};
    const ir::TensorId wt = g_.AddConstant("w", ir::DType::kInt8, wshape, RandomBytes(static_cast<size_t>(k * k * cout * (dw ? 1 : cin)), -127, 127), wq);
    std::vector<int32_t> bias(static_cast<size_t>(cout));
    for (auto& b : bias) b = rng_.Int(-2000, 2000);
    std::vector<uint8_t> bias_bytes(bias.size() * 4);
    std::memcpy(bias_bytes.data(), bias.data(), bias_bytes.size());
    ir::Quant bq;
    const ir::TensorId bt = g_.AddConstant("b", ir::DType::kInt32, {cout}, bias_bytes, bq);
    const ir::TensorId out = Activation({1, oh, ow, cout}, OutScale(in.quant.Scale(), wq.scale[0], taps), act == ir::Activation::kNone ? rng_.Int(-5, 5) : -128);
    ir::ConvAttrs a;
    a.kernel_h = a.kernel_w = k;
    a.stride_h = a.stride_w = s;
    a.pad = pad;
    a.depth_multiplier = multiplier;
    a.act = act;
    g_.ops.push_back({kind, {cur_, wt, bt}, {out}, a, static_cast<int32_t>(g_.ops.size())});
    cur_ = out;
  }

  void Conv() {
    int k, s;
    ir::Pad2D pad;
    if (!Window(Cur().H(), Cur().W(), &k, &s, &pad)) return;
    AddConvOp(ir::OpKind::kConv2D, k, s, pad, rng_.Int(1, 8), 1, RandomAct());
  }

  void Depthwise() {
    int k, s;
    ir::Pad2D pad;
    if (!Window(Cur().H(), Cur().W(), &k, &s, &pad)) return;
    const int m = rng_.Pick({1, 1, 2});
    AddConvOp(ir::OpKind::kDepthwiseConv2D, k, s, pad, Cur().C() * m, m, RandomAct());
  }

  void Pool() {
    const ir::Tensor in = Cur();
    ir::PoolAttrs a;
    a.filter_h = a.filter_w = rng_.Pick({2, 3});
    a.stride_h = a.stride_w = rng_.Pick({1, 2});
    if (rng_.Coin(50)) {  // an explicit PAD (kept: it does not fold into a pool)
      ir::PadAttrs p;
      p.pad = {rng_.Int(0, 1), rng_.Int(0, 1), rng_.Int(0, 1), rng_.Int(0, 1)};
      if (!p.pad.IsZero()) {
        const ir::TensorId out = Activation({1, in.H() + p.pad.top + p.pad.bottom, in.W() + p.pad.left + p.pad.right, in.C()}, in.quant.Scale(), in.quant.ZeroPoint());
        g_.ops.push_back({ir::OpKind::kPad, {cur_}, {out}, p, static_cast<int32_t>(g_.ops.size())});
        cur_ = out;
      }
    } else if (rng_.Coin(50)) {
      a.pad = {1, 1, 1, 1};
    }
    const ir::Tensor src = Cur();
    if (src.H() + a.pad.top + a.pad.bottom < a.filter_h || src.W() + a.pad.left + a.pad.right < a.filter_w) return;
    const int oh = (src.H() + a.pad.top + a.pad.bottom - a.filter_h) / a.stride_h + 1;
    const int ow = (src.W() + a.pad.left + a.pad.right - a.filter_w) / a.stride_w + 1;
    const ir::TensorId out = Activation({1, oh, ow, src.C()}, src.quant.Scale(), src.quant.ZeroPoint());
    const ir::OpKind kind = rng_.Coin(50) ? ir::OpKind::kAveragePool2D : ir::OpKind::kMaxPool2D;
    g_.ops.push_back({kind, {cur_}, {out}, a, static_cast<int32_t>(g_.ops.size())});
    cur_ = out;
  }

  void Residual() {
    const ir::TensorId skip = cur_;
    const ir::Tensor in = Cur();
    AddConvOp(ir::OpKind::kConv2D, 1, 1, {}, in.C() * rng_.Int(1, 3), 1, ir::Activation::kRelu6);
    const int k = rng_.Pick({3, 5});
    AddConvOp(ir::OpKind::kDepthwiseConv2D, k, 1, {k / 2, k / 2, k / 2, k / 2}, Cur().C(), 1, ir::Activation::kRelu6);
    AddConvOp(ir::OpKind::kConv2D, 1, 1, {}, in.C(), 1, ir::Activation::kNone);
    const ir::TensorId out = Activation(in.shape, Cur().quant.Scale() * 1.3f, rng_.Int(-5, 5));
    ir::AddAttrs a;
    a.act = rng_.Coin(30) ? ir::Activation::kRelu : ir::Activation::kNone;
    const bool swap = rng_.Coin(50);
    g_.ops.push_back({ir::OpKind::kAdd, swap ? std::vector<ir::TensorId>{cur_, skip} : std::vector<ir::TensorId>{skip, cur_}, {out}, a, static_cast<int32_t>(g_.ops.size())});
    cur_ = out;
  }

  void Head() {
    const ir::Tensor in = Cur();
    const bool mean = rng_.Coin(40);
    if (mean) {
      ir::MeanAttrs a;
      a.keep_dims = true;
      const bool same = rng_.Coin(50);
      const ir::TensorId out = Activation({1, 1, 1, in.C()}, same ? in.quant.Scale() : in.quant.Scale() * 0.7f, same ? in.quant.ZeroPoint() : 3);
      g_.ops.push_back({ir::OpKind::kMean, {cur_}, {out}, a, static_cast<int32_t>(g_.ops.size())});
      cur_ = out;
    } else {
      ir::PoolAttrs a;
      a.filter_h = in.H(), a.filter_w = in.W();
      a.stride_h = a.stride_w = 1;
      const ir::TensorId out = Activation({1, 1, 1, in.C()}, in.quant.Scale(), in.quant.ZeroPoint());
      g_.ops.push_back({ir::OpKind::kAveragePool2D, {cur_}, {out}, a, static_cast<int32_t>(g_.ops.size())});
      cur_ = out;
    }
    const int classes = rng_.Int(2, 10);
    if (rng_.Coin(50)) {
      AddConvOp(ir::OpKind::kConv2D, 1, 1, {}, classes, 1, ir::Activation::kNone);
    } else {
      const ir::Tensor x = Cur();
      ir::Quant wq;
      wq.scale = {0.01f};
      wq.zero_point = {0};
      const ir::TensorId wt = g_.AddConstant("fc_w", ir::DType::kInt8, {classes, x.C()}, RandomBytes(static_cast<size_t>(classes * x.C()), -127, 127), wq);
      const ir::TensorId out = Activation({1, classes}, OutScale(x.quant.Scale(), 0.01f, x.C()), rng_.Int(-5, 5));
      g_.ops.push_back({ir::OpKind::kFullyConnected, {cur_, wt, ir::kNoTensor}, {out}, ir::FullyConnectedAttrs{}, static_cast<int32_t>(g_.ops.size())});
      cur_ = out;
    }
    const ir::Tensor logits = Cur();
    if (logits.shape.size() == 4) {
      const ir::TensorId flat = Activation({1, logits.C()}, logits.quant.Scale(), logits.quant.ZeroPoint());
      g_.ops.push_back({ir::OpKind::kReshape, {cur_}, {flat}, {}, static_cast<int32_t>(g_.ops.size())});
      cur_ = flat;
    }
    if (rng_.Coin(50)) {
      const ir::TensorId probs = Activation(Cur().shape, 1.0f / 256, -128);
      ir::SoftmaxAttrs a;
      a.beta = 1.0f;
      g_.ops.push_back({ir::OpKind::kSoftmax, {cur_}, {probs}, a, static_cast<int32_t>(g_.ops.size())});
      cur_ = probs;
    }
  }

  Rng rng_;
  ir::Graph g_;
  ir::TensorId cur_ = ir::kNoTensor;
};

}  // namespace

ir::Graph RandomGraph(uint64_t seed) { return Builder(seed).Build(); }

}  // namespace msf::test
