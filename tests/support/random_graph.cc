// SPDX-License-Identifier: MIT
#include "support/random_graph.h"

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "ir/graph_builder.h"

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

// Scales and zero points drawn from the graph's generator, in the order the
// builder asks for them (filter, bias, output).
class RandomPolicy : public ir::WeightPolicy {
 public:
  explicit RandomPolicy(Rng& rng) : rng_(rng) {}

  ir::ConstantData Filter(const ir::Graph&, const ir::Op& op, const std::vector<int32_t>& shape) override {
    ir::ConstantData d;
    int64_t n = 1;
    for (int32_t x : shape) n *= x;
    if (op.kind == ir::OpKind::kFullyConnected) {
      d.quant = ir::PerTensor(0.01f, 0);
    } else {
      const int cout = op.kind == ir::OpKind::kDepthwiseConv2D ? shape[3] : shape[0];
      for (int c = 0; c < cout; ++c) {
        d.quant.scale.push_back(0.005f + 0.0005f * rng_.Int(0, 20));
        d.quant.zero_point.push_back(0);
      }
    }
    d.bytes = RandomBytes(static_cast<size_t>(n), -127, 127);
    return d;
  }

  ir::ConstantData Bias(const ir::Graph&, const ir::Op&, int32_t cout) override {
    std::vector<int32_t> bias(static_cast<size_t>(cout));
    for (auto& b : bias) b = rng_.Int(-2000, 2000);
    return {ir::Int32Bytes(bias), {}};
  }

  ir::Quant Output(const ir::Graph& g, const ir::Op& op, const std::vector<int32_t>& shape) override {
    const ir::Tensor& in = g.tensor(op.input());
    switch (op.kind) {
      case ir::OpKind::kConv2D:
      case ir::OpKind::kDepthwiseConv2D: {
        const ir::Tensor& w = g.tensor(op.input(1));
        const int taps = static_cast<int>(w.NumElements() / shape[3]);
        const float scale = OutScale(in.quant.Scale(), w.quant.scale[0], taps);
        return ir::PerTensor(scale, op.conv().act == ir::Activation::kNone ? rng_.Int(-5, 5) : -128);
      }
      case ir::OpKind::kFullyConnected:
        return ir::PerTensor(OutScale(in.quant.Scale(), 0.01f, in.C()), rng_.Int(-5, 5));
      case ir::OpKind::kSoftmax: return ir::PerTensor(1.0f / 256, -128);
      default: return ir::PerTensor(in.quant.Scale(), in.quant.ZeroPoint());  // pools, PAD, RESHAPE
    }
  }

  std::string Name(const ir::Graph& g, const ir::Op& op, ir::TensorRole role) override {
    switch (role) {
      case ir::TensorRole::kFilter: return op.kind == ir::OpKind::kFullyConnected ? "fc_w" : "w";
      case ir::TensorRole::kBias: return "b";
      case ir::TensorRole::kOutput: break;
    }
    return WeightPolicy::Name(g, op, role);
  }

 private:
  std::vector<uint8_t> RandomBytes(size_t n, int lo, int hi) {
    std::vector<uint8_t> b(n);
    for (auto& x : b) x = static_cast<uint8_t>(static_cast<int8_t>(rng_.Int(lo, hi)));
    return b;
  }

  // Output scale that keeps a k-tap accumulation of this input in range.
  static float OutScale(float in_scale, float w_scale, int taps) {
    return in_scale * w_scale * 70.0f * std::sqrt(static_cast<float>(taps));
  }

  Rng& rng_;
};

class Builder {
 public:
  explicit Builder(uint64_t seed) : rng_(seed), b_("random", std::make_unique<RandomPolicy>(rng_)) {}

  ir::Graph Build() {
    const int h = rng_.Int(5, 18), w = rng_.Int(5, 18), c = rng_.Int(1, 6);
    const int32_t zero_point = rng_.Int(-10, 10);
    const float scale = 0.02f + 0.001f * rng_.Int(0, 20);
    b_.Input({1, h, w, c}, ir::PerTensor(scale, zero_point));
    const int units = rng_.Int(2, 7);
    for (int u = 0; u < units; ++u) {
      const int choice = rng_.Int(0, 9);
      if (choice <= 3) Conv();
      else if (choice <= 5) Depthwise();
      else if (choice <= 6) Pool();
      else Residual();
    }
    if (rng_.Coin(50)) Head();
    return b_.Take();
  }

 private:
  const ir::Tensor& Cur() const { return b_.Current(); }

  ir::Activation RandomAct() { return rng_.Pick({ir::Activation::kNone, ir::Activation::kRelu, ir::Activation::kRelu6}); }

  // Picks k, stride and symmetric-or-not padding that keep the output >= 1.
  bool Window(int in_h, int in_w, int* k, int* s, ir::Pad2D* pad) {
    *k = rng_.Pick({1, 3, 3, 5, 7});
    *s = rng_.Pick({1, 1, 2});
    const int p = *k / 2;
    *pad = rng_.Coin(70) ? ir::Pad2D{p, p, p, p} : ir::Pad2D{rng_.Int(0, p), rng_.Int(0, p), rng_.Int(0, p), rng_.Int(0, p)};
    return in_h + pad->top + pad->bottom >= *k && in_w + pad->left + pad->right >= *k;
  }

  void Conv() {
    int k, s;
    ir::Pad2D pad;
    if (!Window(Cur().H(), Cur().W(), &k, &s, &pad)) return;
    const ir::Activation act = RandomAct();
    b_.Conv(rng_.Int(1, 8), k, s, act, pad);
  }

  void Depthwise() {
    int k, s;
    ir::Pad2D pad;
    if (!Window(Cur().H(), Cur().W(), &k, &s, &pad)) return;
    const int m = rng_.Pick({1, 1, 2});
    b_.Depthwise(k, s, m, RandomAct(), pad);
  }

  void Pool() {
    const int k = rng_.Pick({2, 3});
    const int s = rng_.Pick({1, 2});
    ir::Pad2D pad;
    if (rng_.Coin(50)) {  // an explicit PAD (kept: it does not fold into a pool)
      const ir::Pad2D p{rng_.Int(0, 1), rng_.Int(0, 1), rng_.Int(0, 1), rng_.Int(0, 1)};
      if (!p.IsZero()) b_.Pad(p);
    } else if (rng_.Coin(50)) {
      pad = {1, 1, 1, 1};
    }
    if (Cur().H() + pad.top + pad.bottom < k || Cur().W() + pad.left + pad.right < k) return;
    b_.Pool(rng_.Coin(50) ? ir::OpKind::kAveragePool2D : ir::OpKind::kMaxPool2D, k, s, pad);
  }

  void Residual() {
    const ir::TensorId skip = b_.current();
    const int c = Cur().C();
    b_.Conv(c * rng_.Int(1, 3), 1, 1, ir::Activation::kRelu6, ir::Pad2D{});
    const int k = rng_.Pick({3, 5});
    b_.Depthwise(k, 1, 1, ir::Activation::kRelu6, ir::Pad2D{k / 2, k / 2, k / 2, k / 2});
    b_.Conv(c, 1, 1, ir::Activation::kNone, ir::Pad2D{});
    const float scale = Cur().quant.Scale() * 1.3f;
    const ir::Quant out = ir::PerTensor(scale, rng_.Int(-5, 5));
    const ir::Activation act = rng_.Coin(30) ? ir::Activation::kRelu : ir::Activation::kNone;
    const bool swap = rng_.Coin(50);
    b_.AddFrom(skip, act, !swap, out);
  }

  void Head() {
    if (rng_.Coin(40)) {
      const ir::Tensor& in = Cur();
      const bool same = rng_.Coin(50);
      b_.Mean(ir::PerTensor(same ? in.quant.Scale() : in.quant.Scale() * 0.7f, same ? in.quant.ZeroPoint() : 3));
    } else {
      b_.GlobalAvgPool();
    }
    const int classes = rng_.Int(2, 10);
    if (rng_.Coin(50)) {
      b_.Conv(classes, 1, 1, ir::Activation::kNone, ir::Pad2D{});
    } else {
      b_.FullyConnected(classes);
    }
    if (Cur().shape.size() == 4) b_.Flatten();
    if (rng_.Coin(50)) b_.Softmax();
  }

  Rng rng_;
  ir::GraphBuilder b_;
};

}  // namespace

ir::Graph RandomGraph(uint64_t seed) { return Builder(seed).Build(); }

}  // namespace msf::test
