// SPDX-License-Identifier: MIT
#include "support/random_graph.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "ir/graph_builder.h"
#include "lower/runtime_params.h"

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

  // The next output's quantisation (a branch that must match another's for a
  // CONCATENATION), instead of a drawn one. Never used by RandomGraph.
  void ForceNextOutput(ir::Quant q) { forced_ = std::move(q); }

  ir::Quant Output(const ir::Graph& g, const ir::Op& op, const std::vector<int32_t>& shape) override {
    if (forced_) {
      ir::Quant q = std::move(*forced_);
      forced_.reset();
      return q;
    }
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
      case ir::OpKind::kMul: {  // a product of two int8 ranges brought back to about one
        const float s2 = g.tensor(op.input(1)).quant.Scale();
        return ir::PerTensor(in.quant.Scale() * s2 * (30.0f + 10.0f * rng_.Int(0, 9)), rng_.Int(-5, 5));
      }
      case ir::OpKind::kHardSwish: {
        // x * relu6(x + 3) / 6 is >= -0.375: most of the range is positive.
        float scale = in.quant.Scale() * (0.5f + 0.1f * rng_.Int(0, 10));
        const int32_t zp = rng_.Int(-110, -60);
        for (int tries = 0;; ++tries, scale *= 1.7f) {  // TFLite refuses an output exponent > 0
          try {
            (void)lower::MakeHardSwishParams(in.quant.Scale(), in.quant.ZeroPoint(), scale, zp);
            return ir::PerTensor(scale, zp);
          } catch (const Error&) {
            if (tries == 20) throw;
          }
        }
      }
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
  std::optional<ir::Quant> forced_;
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

class BranchingBuilder {
 public:
  explicit BranchingBuilder(uint64_t seed)
      : rng_(seed ^ 0x5bd1e995ull), policy_(new RandomPolicy(rng_)), b_("random_dag", std::unique_ptr<RandomPolicy>(policy_)) {}

  ir::Graph Build() {
    const int h = rng_.Int(6, 14), w = rng_.Int(6, 14), c = rng_.Int(1, 4);
    const ir::Quant in_q = ir::PerTensor(0.02f + 0.001f * rng_.Int(0, 20), rng_.Int(-10, 10));
    if (rng_.Coin(35)) {
      b_.FloatInput({1, h, w, c});
      b_.Quantize(in_q);
    } else {
      b_.Input({1, h, w, c}, in_q);
    }
    Conv(rng_.Int(2, 6), rng_.Pick({1, 3, 3}), 1);
    const int units = rng_.Int(3, 6);
    for (int u = 0; u < units; ++u) {
      switch (rng_.Int(0, 11)) {
        case 0: Conv(rng_.Int(2, 8), rng_.Pick({1, 3, 5}), rng_.Pick({1, 1, 2})); break;
        case 1: Depthwise(); break;
        case 2: MaxPool(); break;
        case 3: Activation(); break;
        case 4: ForkMerge(Merge::kAdd); break;
        case 5: ForkMerge(Merge::kConcat); break;
        case 6: ForkMerge(Merge::kMul); break;
        case 7:
        case 8: Fpn(); break;
        case 9: SideOutput(); break;
        default: SideHead(); break;
      }
    }
    if (rng_.Coin(50)) Conv(rng_.Int(2, 6), rng_.Pick({1, 3}), 1, ir::Activation::kNone);
    Emit(b_.current(), rng_.Coin(40));
    // 2 or 3 outputs: heads on earlier tensors make up the count.
    const size_t want = static_cast<size_t>(rng_.Int(2, 3));
    while (outputs_.size() < want) {
      b_.From(taps_[static_cast<size_t>(rng_.Int(0, static_cast<int>(taps_.size()) - 1))]);
      Conv(rng_.Int(2, 5), rng_.Pick({1, 3}), 1, ir::Activation::kNone);
      Emit(b_.current(), rng_.Coin(40));
    }
    return b_.Take(outputs_);
  }

 private:
  enum class Merge { kAdd, kConcat, kMul };

  const ir::Tensor& Cur() const { return b_.Current(); }

  ir::Activation RandomAct() { return rng_.Pick({ir::Activation::kNone, ir::Activation::kRelu, ir::Activation::kRelu6}); }

  ir::Quant RandomQuant(float like) { return ir::PerTensor(like * (0.7f + 0.1f * rng_.Int(0, 6)), rng_.Int(-20, 20)); }

  // A same-padded (or, now and then, unpadded) square convolution.
  void Conv(int cout, int k, int s, std::optional<ir::Activation> act = std::nullopt) {
    if (Cur().H() < 2 * s || Cur().W() < 2 * s) s = 1;
    const int p = k / 2;
    ir::Pad2D pad{p, p, p, p};
    if (rng_.Coin(15) && Cur().H() > k && Cur().W() > k) pad = {rng_.Int(0, p), rng_.Int(0, p), rng_.Int(0, p), rng_.Int(0, p)};
    b_.Conv(cout, k, s, act ? *act : RandomAct(), pad);
    Tap();
  }

  // A stride-1 convolution that keeps the map's size (branches that merge).
  void SameConv(int cout, int k, std::optional<ir::Activation> act = std::nullopt) {
    b_.Conv(cout, k, 1, act ? *act : RandomAct(), ir::Pad2D{k / 2, k / 2, k / 2, k / 2});
    Tap();
  }

  void Depthwise() {
    const int k = rng_.Pick({3, 5});
    const int s = Cur().H() >= 6 && Cur().W() >= 6 ? rng_.Pick({1, 1, 2}) : 1;
    b_.Depthwise(k, s, rng_.Pick({1, 1, 2}), RandomAct(), ir::Pad2D{k / 2, k / 2, k / 2, k / 2});
    Tap();
  }

  void MaxPool() {
    const int k = rng_.Pick({2, 3});
    const int s = Cur().H() >= 6 && Cur().W() >= 6 ? rng_.Pick({1, 2}) : 1;
    const ir::Pad2D pad = rng_.Coin(50) ? ir::Pad2D{1, 1, 1, 1} : ir::Pad2D{};
    if (Cur().H() + pad.top + pad.bottom < k || Cur().W() + pad.left + pad.right < k) return;
    b_.Pool(ir::OpKind::kMaxPool2D, k, s, pad);
    Tap();
  }

  void Activation() {
    if (rng_.Coin(50)) {
      b_.Logistic();
    } else {
      b_.HardSwish();
    }
    Tap();
  }

  // Two branches from the current tensor, merged.
  void ForkMerge(Merge merge) {
    const ir::TensorId t = b_.current();
    const int c = Cur().C();
    if (merge == Merge::kMul) {  // a gate (conv, LOGISTIC) times the input or a second branch
      ir::TensorId other = t;
      int cout = c;
      if (rng_.Coin(50)) {
        cout = rng_.Int(2, 6);
        SameConv(cout, rng_.Pick({1, 3}));
        other = b_.current();
        b_.From(t);
      }
      SameConv(cout, rng_.Pick({1, 3}), ir::Activation::kNone);
      if (rng_.Coin(70)) b_.Logistic();
      else b_.HardSwish();
      b_.MulFrom(other, rng_.Pick({ir::Activation::kNone, ir::Activation::kRelu}), rng_.Coin(50));
      Tap();
      return;
    }
    // Branch B: the input itself, a max pool of it (same quantisation) or a convolution.
    const int b_kind = rng_.Int(0, 2);
    const int cout = merge == Merge::kAdd && b_kind < 2 ? c : rng_.Int(2, 6);
    const float like = Cur().quant.Scale();
    const ir::Quant cat_q = RandomQuant(like);
    ir::TensorId other = t;
    if (b_kind == 1) {
      b_.Pool(ir::OpKind::kMaxPool2D, 3, 1, ir::Pad2D{1, 1, 1, 1});
      other = b_.current();
    } else if (b_kind == 2) {
      if (merge == Merge::kConcat) policy_->ForceNextOutput(cat_q);
      SameConv(cout, rng_.Pick({1, 3}));
      other = b_.current();
    }
    // Branch A: one or two ops on the input, ending with a convolution.
    b_.From(t);
    if (rng_.Coin(50)) {
      if (rng_.Coin(50)) Depthwise3x3();
      else SameConv(rng_.Int(2, 8), rng_.Pick({1, 3}));
    }
    if (merge == Merge::kConcat) policy_->ForceNextOutput(b_kind == 2 ? cat_q : b_.graph().tensor(t).quant);
    SameConv(cout, rng_.Pick({1, 3}), merge == Merge::kAdd ? ir::Activation::kNone : RandomAct());
    const ir::TensorId a = b_.current();
    if (merge == Merge::kAdd) {
      const float s = std::max(b_.graph().tensor(a).quant.Scale(), b_.graph().tensor(other).quant.Scale());
      b_.AddFrom(other, rng_.Coin(30) ? ir::Activation::kRelu : ir::Activation::kNone, rng_.Coin(50),
                 ir::PerTensor(s * 1.3f, rng_.Int(-5, 5)));
    } else {
      b_.Concat(rng_.Coin(50) ? std::vector<ir::TensorId>{a, other} : std::vector<ir::TensorId>{other, a});
    }
    Tap();
  }

  void Depthwise3x3() {
    b_.Depthwise(3, 1, 1, RandomAct(), ir::Pad2D{1, 1, 1, 1});
    Tap();
  }

  // FPN: a stride-2 branch of the current (finer) map, upsampled 2x by
  // RESIZE_NEAREST_NEIGHBOR back to its size and added or concatenated.
  void Fpn() {
    if (Cur().H() < 4 || Cur().W() < 4) return Conv(rng_.Int(2, 6), 3, 1);
    const ir::TensorId fine = b_.current();
    const ir::Tensor f = Cur();
    const bool add = rng_.Coin(50);
    if (rng_.Coin(40)) {
      Conv(rng_.Int(2, 6), 3, 2);
      if (rng_.Coin(50)) Depthwise3x3();
      if (rng_.Coin(30)) SideOutput();  // the coarse map is an output and read on
    } else {
      Conv(rng_.Int(2, 6), 3, 2);
    }
    // The lateral convolution: the fine map's channels (ADD) or quantisation (CONCATENATION).
    if (!add) policy_->ForceNextOutput(f.quant);
    SameConv(add ? f.C() : rng_.Int(2, 6), 1, ir::Activation::kNone);
    b_.ResizeNearest(f.H(), f.W(), rng_.Coin(50), rng_.Coin(50));
    const ir::TensorId up = b_.current();
    if (add) {
      const float s = std::max(f.quant.Scale(), Cur().quant.Scale());
      b_.AddFrom(fine, ir::Activation::kNone, rng_.Coin(50), ir::PerTensor(s * 1.3f, rng_.Int(-5, 5)));
    } else {
      b_.Concat(rng_.Coin(50) ? std::vector<ir::TensorId>{fine, up} : std::vector<ir::TensorId>{up, fine});
    }
    Tap();
    if (rng_.Coin(50)) Conv(rng_.Int(2, 6), 3, 1);
  }

  // The current tensor becomes an output (int8, or float32 through a
  // DEQUANTIZE) and later ops still read it.
  void SideOutput() {
    if (outputs_.size() >= 2) return;
    Emit(b_.current(), rng_.Coin(30));
  }

  // A head branch (a convolution, maybe HARD_SWISH) on the current tensor.
  void SideHead() {
    if (outputs_.size() >= 2) return;
    const ir::TensorId t = b_.current();
    SameConv(rng_.Int(2, 5), rng_.Pick({1, 3}), ir::Activation::kNone);
    if (rng_.Coin(30)) b_.HardSwish();
    Emit(b_.current(), rng_.Coin(40));
    b_.From(t);
  }

  void Emit(ir::TensorId t, bool dequantize) {
    for (ir::TensorId o : outputs_) {
      if (o == t) return;
    }
    if (dequantize) {
      b_.From(t).Dequantize();
      outputs_.push_back(b_.current());
      b_.From(t);
    } else {
      outputs_.push_back(t);
    }
  }

  void Tap() { taps_.push_back(b_.current()); }

  Rng rng_;
  RandomPolicy* policy_;  // owned by b_
  ir::GraphBuilder b_;
  std::vector<ir::TensorId> outputs_, taps_;
};

}  // namespace

ir::Graph RandomGraph(uint64_t seed) { return Builder(seed).Build(); }

ir::Graph RandomBranchingGraph(uint64_t seed) { return BranchingBuilder(seed).Build(); }

}  // namespace msf::test
