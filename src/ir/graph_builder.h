// SPDX-License-Identifier: MIT
// The one builder of synthetic int8 graphs, op by op on a current tensor: the
// paper's zoo models (frontend), the calibration micro-benchmarks (calib) and
// the random graphs of the property tests all build through it. The builder
// owns the mechanics (output shapes, attrs, explicit pads, skip connections,
// the order tensors and ops are added in); a WeightPolicy owns the values
// (weight and bias bytes, their scales, every output's quantisation, names),
// so each user keeps its own seeds and scales.
//
// For every op the builder adds, in this order: the filter (policy.Filter),
// the bias (policy.Bias), then the output activation (policy.Output, named by
// policy.Name); the op's source_index is its position in the graph.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace msf::ir {

// A new constant's data and quantisation; the builder names it, shapes it and
// (for filters) sets the quantisation axis.
struct ConstantData {
  std::vector<uint8_t> bytes;
  Quant quant;
};

enum class TensorRole { kOutput, kFilter, kBias };

class WeightPolicy {
 public:
  virtual ~WeightPolicy() = default;

  // The filter of `op` (CONV_2D: shape [cout][kh][kw][cin], per-channel axis 0;
  // DEPTHWISE_CONV_2D: [1][kh][kw][cout], axis 3; FULLY_CONNECTED: [units][cin]).
  // `op` has its kind, attrs and data input (inputs[0]) set.
  virtual ConstantData Filter(const Graph& g, const Op& op, const std::vector<int32_t>& shape) = 0;
  // The int32 bias [cout] of a convolution, after its filter (op.inputs[1]).
  virtual ConstantData Bias(const Graph& g, const Op& op, int32_t cout) = 0;
  // The quantisation of `op`'s output of `shape` (op's inputs and attrs set).
  virtual Quant Output(const Graph& g, const Op& op, const std::vector<int32_t>& shape) = 0;
  // The name of a new tensor of `op`. By default outputs are "t<tensor index>",
  // filters "w<op index>" ("fc_w<op index>" for FULLY_CONNECTED), biases "b<op index>".
  virtual std::string Name(const Graph& g, const Op& op, TensorRole role);
};

// Int32 values as the little-endian bytes of a constant.
std::vector<uint8_t> Int32Bytes(const std::vector<int32_t>& values);

// Per-tensor quantisation.
Quant PerTensor(float scale, int32_t zero_point);

class GraphBuilder {
 public:
  GraphBuilder(std::string graph_name, std::unique_ptr<WeightPolicy> policy);

  // Adds the graph input (named "t<index>" when `name` is empty) and makes it current.
  GraphBuilder& Input(std::vector<int32_t> shape, Quant quant, std::string name = {});
  // Adds a float32 graph input (no quantisation) and makes it current; follow
  // it with Quantize() (the float boundary: QUANTIZE float32 -> int8).
  GraphBuilder& FloatInput(std::vector<int32_t> shape, std::string name = {});

  TensorId current() const { return cur_; }
  // Makes an earlier tensor current (a branch forks from it).
  GraphBuilder& From(TensorId t);
  const Tensor& Current() const { return g_.tensor(cur_); }
  const Graph& graph() const { return g_; }

  // Ops on the current tensor. Each adds its output and makes it current;
  // `out`, where offered, replaces the policy's output quantisation. Square
  // windows; `pad` defaults to k/2 on every side. Throws msf::Error when the
  // window does not fit the (padded) input.
  GraphBuilder& Conv(int32_t cout, int32_t k, int32_t stride, Activation act = Activation::kRelu6,
                     std::optional<Pad2D> pad = std::nullopt);
  GraphBuilder& Depthwise(int32_t k, int32_t stride, int32_t multiplier = 1, Activation act = Activation::kRelu6,
                          std::optional<Pad2D> pad = std::nullopt);
  // AVERAGE_POOL_2D or MAX_POOL_2D (no padding unless given).
  GraphBuilder& Pool(OpKind kind, int32_t k, int32_t stride, Pad2D pad = {});
  GraphBuilder& GlobalAvgPool();  // AVERAGE_POOL_2D over the whole map: [1,1,1,C]
  GraphBuilder& Mean(std::optional<Quant> out = std::nullopt);  // over H and W, keep_dims: [1,1,1,C]
  GraphBuilder& Pad(Pad2D pad);  // an explicit PAD
  GraphBuilder& Requantize();    // QUANTIZE int8 -> int8, same shape
  GraphBuilder& FullyConnected(int32_t units);  // [1, units], no bias
  GraphBuilder& Flatten();                      // RESHAPE to [1, elements]
  GraphBuilder& Softmax();
  // ADD of the current tensor and `skip` (an earlier tensor of the same
  // shape): inputs {skip, current}, or {current, skip} when !skip_first.
  GraphBuilder& AddFrom(TensorId skip, Activation act = Activation::kNone, bool skip_first = true,
                        std::optional<Quant> out = std::nullopt);
  // QUANTIZE of the current float32 tensor (a graph input) to int8 `out`.
  GraphBuilder& Quantize(Quant out);
  // DEQUANTIZE of the current int8 tensor to float32 (the float boundary at a
  // graph output: only Take's outputs may be float32).
  GraphBuilder& Dequantize();
  // RESIZE_NEAREST_NEIGHBOR to out_h x out_w; the output keeps the input's
  // quantisation (the int8 kernel copies bytes).
  GraphBuilder& ResizeNearest(int32_t out_h, int32_t out_w, bool align_corners = false,
                              bool half_pixel_centers = false);
  // CONCATENATION of `inputs` (earlier tensors, in this order) along `axis`
  // of the 4-D shape; every input must have the same quantisation, which the
  // output keeps (TFLite-Micro's requirement).
  GraphBuilder& Concat(std::vector<TensorId> inputs, int32_t axis = 3);
  // MUL of the current tensor and `other` (same shape, or shapes that
  // broadcast): inputs {other, current}, or {current, other} when !other_first.
  GraphBuilder& MulFrom(TensorId other, Activation act = Activation::kNone, bool other_first = true,
                        std::optional<Quant> out = std::nullopt);
  // LOGISTIC: the output is quantised with scale 1/256, zero point -128.
  GraphBuilder& Logistic();
  GraphBuilder& HardSwish(std::optional<Quant> out = std::nullopt);

  // The graph, with the current tensor as its output.
  Graph Take();
  // The graph with these outputs, in this order.
  Graph Take(std::vector<TensorId> outputs);

 private:
  TensorId AddConstant(const Op& op, TensorRole role, DType type, std::vector<int32_t> shape, ConstantData data);
  // Adds `op`'s output of `shape` (quantised by `out` or the policy) and the op.
  GraphBuilder& Push(Op op, std::vector<int32_t> shape, std::optional<Quant> out = std::nullopt,
                     DType type = DType::kInt8);
  GraphBuilder& ConvOp(OpKind kind, int32_t cout, int32_t k, int32_t stride, int32_t multiplier, Activation act,
                       std::optional<Pad2D> pad);

  Graph g_;
  std::unique_ptr<WeightPolicy> policy_;
  TensorId cur_ = kNoTensor;
};

}  // namespace msf::ir
