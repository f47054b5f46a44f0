// SPDX-License-Identifier: MIT
#include "frontend/paper_zoo.h"

#include <cmath>
#include <memory>
#include <utility>

#include "base/error.h"
#include "ir/graph_builder.h"

namespace msf::frontend {
namespace {

using ir::Activation;

constexpr std::string_view kPrefix = "zoo:";

// ---------------------------------------------------------------------------
// Layer lists, written like the Python helpers of analysis_optimization.py
// (msf-cnn-method.md section 7) so they can be compared line by line.

struct Layer {
  bool depthwise = false;
  int k = 1, s = 1, p = 0;
  int cout = 0;
  Activation act = Activation::kNone;
};

class Chain {
 public:
  // Conv(cout, k, s, p): CONV_2D; 1x1 convs are the paper's "PW" layers.
  Chain& Conv(int cout, int k, int s, int p = 0, Activation act = Activation::kRelu6) {
    layers_.push_back({false, k, s, p, cout, act});
    return *this;
  }
  // DW(c, k, s, p): depthwise, multiplier 1.
  Chain& DW(int c, int k, int s, int p) {
    layers_.push_back({true, k, s, p, c, Activation::kRelu6});
    return *this;
  }
  // MBConv(cin, cout, t, s, p, k): always three layers, even for t = 1 (the
  // paper's lists do so). The projection is linear, as in MobileNetV2.
  Chain& MBConv(int cin, int cout, int t = 1, int s = 1, int p = 1, int k = 3) {
    Conv(cin * t, 1, 1);
    DW(cin * t, k, s, p);
    return Conv(cout, 1, 1, 0, Activation::kNone);
  }
  std::vector<Layer> Take() { return std::move(layers_); }

 private:
  std::vector<Layer> layers_;
};

// int(c * 0.35) in exact integer arithmetic (160 * 0.35 is not exact in binary).
constexpr int W35(int c) { return c * 35 / 100; }

std::vector<Layer> Mbv2W035() {
  Chain c;
  c.Conv(W35(32), 3, 2, 1).MBConv(W35(32), W35(16), 1, 1);
  c.MBConv(W35(16), W35(24), 6, 2).MBConv(W35(24), W35(24), 6, 1);
  c.MBConv(W35(24), W35(32), 6, 2).MBConv(W35(32), W35(32), 6, 1).MBConv(W35(32), W35(32), 6, 1);
  c.MBConv(W35(32), W35(64), 6, 2);
  for (int i = 0; i < 3; ++i) c.MBConv(W35(64), W35(64), 6, 1);
  c.MBConv(W35(64), W35(96), 6, 1).MBConv(W35(96), W35(96), 6, 1).MBConv(W35(96), W35(96), 6, 1);
  c.MBConv(W35(96), W35(160), 6, 2).MBConv(W35(160), W35(160), 6, 1).MBConv(W35(160), W35(160), 6, 1);
  c.MBConv(W35(160), W35(320), 6, 1).Conv(W35(1280), 1, 1);  // final 1x1 keeps ReLU6 as in MBV2
  return c.Take();
}

std::vector<Layer> McunetVww5fps() {
  Chain c;
  c.Conv(16, 3, 2, 1).DW(16, 3, 1, 1).Conv(8, 1, 1, 0, Activation::kNone);
  c.MBConv(8, 16, 6, 2).MBConv(16, 16, 3, 1).MBConv(16, 16, 3, 1);
  c.MBConv(16, 24, 3, 2, 3, 7);
  c.MBConv(24, 24, 6, 1).MBConv(24, 24, 5, 1, 2, 5).MBConv(24, 40, 6, 2, 3, 7);
  c.MBConv(40, 40, 6, 1, 3, 7);
  c.MBConv(40, 48, 6, 1, 1, 3).MBConv(48, 48, 4, 1, 1, 3).MBConv(48, 96, 5, 2, 2, 5);
  c.MBConv(96, 96, 5, 1, 1, 3).MBConv(96, 96, 4, 1, 1, 3).MBConv(96, 160, 3, 1, 3, 7);
  return c.Take();
}

std::vector<Layer> Mcunet320kb() {
  Chain c;
  c.Conv(16, 3, 2, 1).DW(16, 3, 1, 1).Conv(8, 1, 1, 0, Activation::kNone);
  c.MBConv(8, 16, 3, 2, 3, 7).MBConv(16, 16, 5, 1).MBConv(16, 16, 5, 1, 3, 7);
  c.MBConv(16, 16, 4, 1, 2, 5).MBConv(16, 24, 5, 2, 2, 5).MBConv(24, 24, 5, 1, 2, 5);
  c.MBConv(24, 24, 5, 1, 2, 5).MBConv(24, 40, 5, 2, 1, 3).MBConv(40, 40, 6, 1, 3, 7);
  c.MBConv(40, 40, 4, 1, 2, 5).MBConv(40, 48, 5, 1, 2, 5).MBConv(48, 48, 5, 1, 3, 7);
  c.MBConv(48, 48, 5, 1, 1, 3).MBConv(48, 96, 6, 2, 1, 3).MBConv(96, 96, 5, 1, 3, 7);
  c.MBConv(96, 96, 4, 1, 1, 3).MBConv(96, 160, 5, 1, 3, 7);
  return c.Take();
}

struct ModelDef {
  std::string_view name;
  int resolution;
  std::vector<Layer> (*layers)();
};

constexpr ModelDef kModels[] = {
    {"mbv2-w0.35-r144", 144, Mbv2W035},
    {"mcunet-vww-5fps-r80", 80, McunetVww5fps},
    {"mcunet-320kb-r176", 176, Mcunet320kb},
};

// ---------------------------------------------------------------------------
// Deterministic values: splitmix64, seeded per model and layer. Only integer
// arithmetic, so every platform and standard library gives the same bytes.

class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  int8_t Weight() { return static_cast<int8_t>(static_cast<int>(Next() % 255) - 127); }
  // Uniform in [-1, 1] with 2^-20 resolution.
  double Unit() { return static_cast<double>(Next() >> 44) / double(1 << 20) * 2.0 - 1.0; }

 private:
  uint64_t state_;
};

uint64_t Fnv1a(std::string_view s) {
  uint64_t h = 0xCBF29CE484222325ull;
  for (char ch : s) h = (h ^ static_cast<uint8_t>(ch)) * 0x100000001B3ull;
  return h;
}

// ---------------------------------------------------------------------------
// Quantisation. Scales are picked so that every layer's pre-activation has a
// real-valued std of about kPreActStd for white-noise input (weight
// normalisation per output channel), and the bias removes the expected mean
// the previous ReLU6 leaves (like folded batch norm). Without this the deep
// chains would saturate or collapse to a constant within a few layers.

constexpr double kPreActStd = 2.0;
constexpr double kLinearLevels = 40.0;  // linear tensors: 1 std = 40 int8 steps
constexpr double kInputScale = 1.0 / 128.0;

// Expected statistics of an activation tensor in real units.
struct ActStats {
  float scale = 1.0f;
  int32_t zero_point = 0;
  double mean = 0.0;
  double std = 1.0;
};

ActStats OutputStats(Activation act) {
  if (act == Activation::kRelu6) {
    // ReLU6 of N(0, s) with s well below 6: mean s/sqrt(2 pi), std s*sqrt(1/2 - 1/(2 pi)).
    constexpr double kPi = 3.14159265358979323846;
    return {6.0f / 255.0f, -128, kPreActStd / std::sqrt(2.0 * kPi),
            kPreActStd * std::sqrt(0.5 - 0.5 / kPi)};
  }
  return {static_cast<float>(kPreActStd / kLinearLevels), 0, 0.0, kPreActStd};
}

ir::Quant PerTensor(const ActStats& s) { return {{s.scale}, {s.zero_point}, 0}; }

// The zoo's weights and quantisation for ir::GraphBuilder: per layer (op) i,
// a splitmix64 seeded from the model name and i; filter scales normalise each
// output channel, the bias cancels the input's expected mean (see above).
class ZooPolicy : public ir::WeightPolicy {
 public:
  ZooPolicy(uint64_t seed, const ActStats& input) : seed_(seed), stats_(input) {}

  // Filters are [cout][k][k][cin] (axis 0), depthwise [1][k][k][c] (axis 3).
  ir::ConstantData Filter(const ir::Graph& g, const ir::Op& op, const std::vector<int32_t>& shape) override {
    const size_t layer = g.ops.size();
    rng_ = SplitMix64(seed_ ^ ((layer + 1) * 0xD1B54A32D192ED03ull));
    const bool depthwise = op.kind == ir::OpKind::kDepthwiseConv2D;
    const int k = op.conv().kernel_h;
    const int cout = depthwise ? shape[3] : shape[0];
    const int per_channel = k * k * (depthwise ? 1 : shape[3]);
    std::vector<uint8_t> filter(static_cast<size_t>(cout) * per_channel);
    std::vector<double> sum(cout, 0.0), sum_sq(cout, 0.0);
    for (size_t i = 0; i < filter.size(); ++i) {
      const int8_t w = rng_.Weight();
      const int c = depthwise ? static_cast<int>(i % cout) : static_cast<int>(i / per_channel);
      filter[i] = static_cast<uint8_t>(w);
      sum[c] += w;
      sum_sq[c] += double(w) * w;
    }
    ir::Quant fq{std::vector<float>(cout), std::vector<int64_t>(cout, 0), depthwise ? 3 : 0};
    for (int c = 0; c < cout; ++c) {
      const double norm = sum_sq[c] > 0 ? std::sqrt(sum_sq[c]) : 1.0;
      fq.scale[c] = static_cast<float>(kPreActStd / (norm * stats_.std));
    }
    sum_ = std::move(sum);
    filter_scale_ = fq.scale;
    return {std::move(filter), std::move(fq)};
  }

  ir::ConstantData Bias(const ir::Graph&, const ir::Op&, int32_t cout) override {
    ir::Quant bq{std::vector<float>(cout), std::vector<int64_t>(cout, 0), 0};
    std::vector<int32_t> bias(cout);
    for (int c = 0; c < cout; ++c) {
      bq.scale[c] = stats_.scale * filter_scale_[c];
      // Cancel the expected input mean, plus a small random offset (10% of std).
      const double bias_real = -stats_.mean * sum_[c] * filter_scale_[c] + 0.1 * kPreActStd * rng_.Unit();
      bias[c] = static_cast<int32_t>(std::lround(bias_real / bq.scale[c]));
    }
    return {ir::Int32Bytes(bias), std::move(bq)};
  }

  ir::Quant Output(const ir::Graph&, const ir::Op& op, const std::vector<int32_t>&) override {
    stats_ = OutputStats(op.conv().act);
    return PerTensor(stats_);
  }

  std::string Name(const ir::Graph& g, const ir::Op&, ir::TensorRole role) override {
    const std::string prefix = "layer" + std::to_string(g.ops.size());
    switch (role) {
      case ir::TensorRole::kFilter: return prefix + "/filter";
      case ir::TensorRole::kBias: return prefix + "/bias";
      case ir::TensorRole::kOutput: break;
    }
    return prefix + "/out";
  }

 private:
  uint64_t seed_;
  ActStats stats_;  // of the current tensor
  SplitMix64 rng_{0};
  std::vector<double> sum_;  // per output channel of the last filter
  std::vector<float> filter_scale_;
};

ir::Graph Build(const ModelDef& def) {
  const ActStats input{static_cast<float>(kInputScale), 0, 0.0, 1.0 / std::sqrt(3.0)};  // uniform int8
  ir::GraphBuilder b(std::string(def.name), std::make_unique<ZooPolicy>(Fnv1a(def.name), input));
  b.Input({1, def.resolution, def.resolution, 3}, PerTensor(input), "input");
  for (const Layer& l : def.layers()) {
    const ir::Pad2D pad{l.p, l.p, l.p, l.p};
    if (!l.depthwise) {
      b.Conv(l.cout, l.k, l.s, l.act, pad);
    } else if (l.cout == b.Current().C()) {
      b.Depthwise(l.k, l.s, 1, l.act, pad);
    } else {
      throw Error("zoo: depthwise layer changes channel count");
    }
  }
  return b.Take();
}

std::string AvailableList() {
  std::string s;
  for (const ModelDef& m : kModels) s += (s.empty() ? "" : ", ") + std::string(m.name);
  return s;
}

}  // namespace

std::vector<std::string> ZooModelNames() {
  std::vector<std::string> names;
  for (const ModelDef& m : kModels) names.emplace_back(m.name);
  return names;
}

bool IsZooReference(std::string_view model_arg) { return model_arg.starts_with(kPrefix); }

ir::Graph BuildZooModel(std::string_view name) {
  if (IsZooReference(name)) name.remove_prefix(kPrefix.size());
  for (const ModelDef& m : kModels) {
    if (m.name == name) return Build(m);
  }
  throw Error("unknown zoo model '" + std::string(name) + "' (available: " + AvailableList() + ")");
}

}  // namespace msf::frontend
