// SPDX-License-Identifier: MIT
#include "frontend/paper_zoo.h"

#include <cmath>
#include <cstring>
#include <functional>
#include <utility>

#include "base/error.h"

namespace msf::frontend {
namespace {

using ir::Activation;
using ir::TensorId;

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

std::vector<uint8_t> Int32Bytes(const std::vector<int32_t>& v) {
  std::vector<uint8_t> bytes(v.size() * sizeof(int32_t));
  std::memcpy(bytes.data(), v.data(), bytes.size());
  return bytes;
}

struct Weights {
  TensorId filter;
  TensorId bias;
};

// Filter and bias of one layer. Conv filters are [cout][k][k][cin] (axis 0),
// depthwise [1][k][k][c] (axis 3).
Weights AddWeights(ir::Graph& g, const Layer& l, int cin, const ActStats& in, SplitMix64& rng,
                   const std::string& prefix) {
  const int cout = l.cout;
  const int per_channel = l.k * l.k * (l.depthwise ? 1 : cin);
  std::vector<uint8_t> filter(static_cast<size_t>(cout) * per_channel);
  std::vector<double> sum(cout, 0.0), sum_sq(cout, 0.0);
  for (size_t i = 0; i < filter.size(); ++i) {
    const int8_t w = rng.Weight();
    const int c = l.depthwise ? static_cast<int>(i % cout) : static_cast<int>(i / per_channel);
    filter[i] = static_cast<uint8_t>(w);
    sum[c] += w;
    sum_sq[c] += double(w) * w;
  }

  ir::Quant fq{std::vector<float>(cout), std::vector<int64_t>(cout, 0), l.depthwise ? 3 : 0};
  ir::Quant bq{std::vector<float>(cout), std::vector<int64_t>(cout, 0), 0};
  std::vector<int32_t> bias(cout);
  for (int c = 0; c < cout; ++c) {
    const double norm = sum_sq[c] > 0 ? std::sqrt(sum_sq[c]) : 1.0;
    fq.scale[c] = static_cast<float>(kPreActStd / (norm * in.std));
    bq.scale[c] = in.scale * fq.scale[c];
    // Cancel the expected input mean, plus a small random offset (10% of std).
    const double bias_real = -in.mean * sum[c] * fq.scale[c] + 0.1 * kPreActStd * rng.Unit();
    bias[c] = static_cast<int32_t>(std::lround(bias_real / bq.scale[c]));
  }

  const std::vector<int32_t> fshape = l.depthwise ? std::vector<int32_t>{1, l.k, l.k, cout}
                                                  : std::vector<int32_t>{cout, l.k, l.k, cin};
  Weights w;
  w.filter = g.AddConstant(prefix + "/filter", ir::DType::kInt8, fshape, std::move(filter),
                           std::move(fq));
  w.bias = g.AddConstant(prefix + "/bias", ir::DType::kInt32, {cout}, Int32Bytes(bias),
                         std::move(bq));
  return w;
}

int OutSize(int in, const Layer& l) { return (in + 2 * l.p - l.k) / l.s + 1; }

ir::Graph Build(const ModelDef& def) {
  ir::Graph g;
  g.name = std::string(def.name);
  int h = def.resolution, c = 3;
  ActStats stats{static_cast<float>(kInputScale), 0, 0.0, 1.0 / std::sqrt(3.0)};  // uniform int8
  TensorId x = g.AddActivation("input", {1, h, h, c}, PerTensor(stats));
  g.inputs = {x};

  const uint64_t seed = Fnv1a(def.name);
  const std::vector<Layer> layers = def.layers();
  for (size_t i = 0; i < layers.size(); ++i) {
    const Layer& l = layers[i];
    if (l.depthwise && l.cout != c) throw Error("zoo: depthwise layer changes channel count");
    SplitMix64 rng(seed ^ ((i + 1) * 0xD1B54A32D192ED03ull));
    const std::string prefix = "layer" + std::to_string(i);
    const Weights w = AddWeights(g, l, c, stats, rng, prefix);

    stats = OutputStats(l.act);
    h = OutSize(h, l);
    c = l.cout;
    const TensorId y = g.AddActivation(prefix + "/out", {1, h, h, c}, PerTensor(stats));

    ir::ConvAttrs a;
    a.kernel_h = a.kernel_w = l.k;
    a.stride_h = a.stride_w = l.s;
    a.pad = {l.p, l.p, l.p, l.p};
    a.act = l.act;
    ir::Op op{l.depthwise ? ir::OpKind::kDepthwiseConv2D : ir::OpKind::kConv2D,
              {x, w.filter, w.bias}, {y}, a, static_cast<int32_t>(i)};
    g.ops.push_back(std::move(op));
    x = y;
  }
  g.outputs = {x};
  return g;
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
