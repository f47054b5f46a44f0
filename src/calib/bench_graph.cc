// SPDX-License-Identifier: MIT
#include "calib/bench_graph.h"

#include <cmath>
#include <memory>
#include <utility>

#include "ir/canonicalize.h"

namespace msf::calib {
namespace {

constexpr float kWeightScale = 0.01f;

// Output scale that keeps a `taps`-term accumulation of this input in range.
float OutScale(float in_scale, int64_t taps) {
  return in_scale * kWeightScale * 60.0f * std::sqrt(static_cast<float>(taps));
}

// Weights uniform in [-127, 127] at kWeightScale, biases in [-2000, 2000];
// every op's output scale and zero point fixed by its kind.
class BenchPolicy : public ir::WeightPolicy {
 public:
  BenchPolicy(uint64_t seed, BenchStage stage) : state_(seed * 0x9E3779B97F4A7C15ull + 1), stage_(stage) {}

  ir::ConstantData Filter(const ir::Graph&, const ir::Op& op, const std::vector<int32_t>& shape) override {
    const int32_t units = op.kind == ir::OpKind::kDepthwiseConv2D ? shape[3] : shape[0];
    ir::ConstantData d;
    int64_t n = 1;
    for (int32_t x : shape) n *= x;
    d.bytes = RandomBytes(static_cast<size_t>(n), -127, 127);
    if (op.kind == ir::OpKind::kFullyConnected) {  // per tensor
      d.quant.scale = {kWeightScale};
      d.quant.zero_point = {0};
    } else {
      d.quant.scale.assign(static_cast<size_t>(units), kWeightScale);
      d.quant.zero_point.assign(static_cast<size_t>(units), 0);
      // Output() divides by kWeightScale * 60 * sqrt(taps): multiplier 1.
      if (stage_ == BenchStage::kWide) d.quant.scale[0] = WeightScale0(n / units);
    }
    return d;
  }

  ir::ConstantData Bias(const ir::Graph& g, const ir::Op& op, int32_t cout) override {
    std::vector<int32_t> bias(static_cast<size_t>(cout));
    for (int32_t& b : bias) b = Int(-2000, 2000);
    ir::ConstantData d;
    d.bytes = ir::Int32Bytes(bias);
    const ir::Tensor& w = g.tensor(op.input(1));
    d.quant.scale.assign(static_cast<size_t>(cout), g.tensor(op.input()).quant.Scale() * kWeightScale);
    if (w.quant.IsPerChannel()) d.quant.scale[0] = g.tensor(op.input()).quant.Scale() * w.quant.Scale(0);
    d.quant.zero_point.assign(static_cast<size_t>(cout), 0);
    return d;
  }

  ir::Quant Output(const ir::Graph& g, const ir::Op& op, const std::vector<int32_t>& shape) override {
    const ir::Tensor& in = g.tensor(op.input());
    const float s = in.quant.Scale();
    switch (op.kind) {
      case ir::OpKind::kConv2D:
      case ir::OpKind::kDepthwiseConv2D: {
        if (op.conv().act == ir::Activation::kRelu6) {  // TFLite's [0, 6] range, or a clamped one
          return ir::PerTensor((stage_ == BenchStage::kClamped ? 12.0f : 6.0f) / 255.0f, -128);
        }
        const ir::Tensor& w = g.tensor(op.input(1));
        const int64_t per_channel = w.NumElements() / shape[3];
        return ir::PerTensor(OutScale(s, per_channel), op.conv().act == ir::Activation::kNone ? 3 : -128);
      }
      case ir::OpKind::kFullyConnected: return ir::PerTensor(OutScale(s, in.NumElements()), 2);
      case ir::OpKind::kMean: return ir::PerTensor(s * 0.7f, 3);
      case ir::OpKind::kQuantize: return ir::PerTensor(s * 1.7f, 5);
      case ir::OpKind::kSoftmax: return ir::PerTensor(1.0f / 256.0f, -128);
      case ir::OpKind::kAdd: return ir::PerTensor(g.tensor(op.input(1)).quant.Scale() * 1.3f, 2);
      default: return ir::PerTensor(s, in.quant.ZeroPoint());  // pools, PAD, RESHAPE
    }
  }

 private:
  int32_t Int(int32_t lo, int32_t hi) {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);  // splitmix64
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return lo + static_cast<int32_t>(z % static_cast<uint64_t>(hi - lo + 1));
  }

  std::vector<uint8_t> RandomBytes(size_t n, int lo, int hi) {
    std::vector<uint8_t> b(n);
    for (uint8_t& x : b) x = static_cast<uint8_t>(static_cast<int8_t>(Int(lo, hi)));
    return b;
  }

  static float WeightScale0(int64_t taps) { return kWeightScale * 60.0f * std::sqrt(static_cast<float>(taps)); }

  uint64_t state_;
  BenchStage stage_;
};

}  // namespace

ir::GraphBuilder BenchGraphBuilder(std::string name, std::vector<int32_t> input_shape, uint64_t seed,
                                   BenchStage stage) {
  ir::GraphBuilder b(std::move(name), std::make_unique<BenchPolicy>(seed, stage));
  b.Input(std::move(input_shape), ir::PerTensor(1.0f / 128.0f, -1));
  return b;
}

ir::Graph TakeBenchGraph(ir::GraphBuilder& b) {
  ir::Graph g = b.Take();
  ir::Canonicalize(g);
  ir::Verify(g);
  return g;
}

}  // namespace msf::calib
