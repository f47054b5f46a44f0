// SPDX-License-Identifier: MIT
#include "ir/graph_builder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "base/error.h"
#include "ir/canonicalize.h"

namespace msf {
namespace {

// Constant weights; records the order the builder asks for values in.
class RecordingPolicy : public ir::WeightPolicy {
 public:
  explicit RecordingPolicy(std::vector<std::string>* calls) : calls_(calls) {}
  ir::ConstantData Filter(const ir::Graph&, const ir::Op& op, const std::vector<int32_t>& shape) override {
    calls_->push_back(std::string("filter ") + ir::OpKindName(op.kind));
    int64_t n = 1;
    for (int32_t x : shape) n *= x;
    const size_t channels = op.kind == ir::OpKind::kFullyConnected ? 1
                            : op.kind == ir::OpKind::kDepthwiseConv2D ? static_cast<size_t>(shape[3])
                                                                      : static_cast<size_t>(shape[0]);
    ir::ConstantData d{std::vector<uint8_t>(static_cast<size_t>(n), 1), {}};
    d.quant.scale.assign(channels, 0.01f);
    d.quant.zero_point.assign(channels, 0);
    return d;
  }
  ir::ConstantData Bias(const ir::Graph&, const ir::Op& op, int32_t cout) override {
    calls_->push_back(std::string("bias ") + ir::OpKindName(op.kind));
    ir::ConstantData d{ir::Int32Bytes(std::vector<int32_t>(static_cast<size_t>(cout), 7)), {}};
    d.quant.scale.assign(static_cast<size_t>(cout), 0.0001f);
    d.quant.zero_point.assign(static_cast<size_t>(cout), 0);
    return d;
  }
  ir::Quant Output(const ir::Graph&, const ir::Op& op, const std::vector<int32_t>&) override {
    calls_->push_back(std::string("output ") + ir::OpKindName(op.kind));
    return ir::PerTensor(0.05f, 1);
  }

 private:
  std::vector<std::string>* calls_;
};

TEST(GraphBuilder, ShapesAttrsAndTheOrderValuesAreAskedFor) {
  std::vector<std::string> calls;
  ir::GraphBuilder b("g", std::make_unique<RecordingPolicy>(&calls));
  b.Input({1, 9, 8, 3}, ir::PerTensor(0.1f, 0));
  b.Conv(4, 3, 2, ir::Activation::kRelu, ir::Pad2D{0, 1, 1, 0});  // asymmetric pad
  const ir::TensorId skip = b.current();
  b.Depthwise(3, 1, 2);  // default pad k/2, multiplier 2
  b.Conv(4, 1, 1, ir::Activation::kNone).AddFrom(skip, ir::Activation::kNone, false, ir::PerTensor(0.2f, -3));
  b.Pad({1, 0, 0, 1}).Pool(ir::OpKind::kMaxPool2D, 2, 2).GlobalAvgPool().FullyConnected(5).Softmax();
  const ir::Graph g = b.Take();

  ASSERT_EQ(g.ops.size(), 9u);
  for (size_t i = 0; i < g.ops.size(); ++i) EXPECT_EQ(g.ops[i].source_index, static_cast<int32_t>(i));
  const auto shape = [&](size_t op) { return g.tensor(g.ops[op].output()).shape; };
  EXPECT_EQ(shape(0), (std::vector<int32_t>{1, 4, 4, 4}));  // (9+1-3)/2+1, (8+1-3)/2+1
  EXPECT_EQ(g.ops[0].conv().pad.bottom, 1);
  EXPECT_EQ(g.tensor(g.ops[0].input(1)).shape, (std::vector<int32_t>{4, 3, 3, 3}));
  EXPECT_EQ(g.tensor(g.ops[0].input(1)).quant.axis, 0);
  EXPECT_EQ(shape(1), (std::vector<int32_t>{1, 4, 4, 8}));
  EXPECT_EQ(g.ops[1].conv().depth_multiplier, 2);
  EXPECT_EQ(g.ops[1].conv().pad.left, 1);
  EXPECT_EQ(g.tensor(g.ops[1].input(1)).shape, (std::vector<int32_t>{1, 3, 3, 8}));
  EXPECT_EQ(g.tensor(g.ops[1].input(1)).quant.axis, 3);
  EXPECT_EQ(g.ops[3].inputs, (std::vector<ir::TensorId>{g.ops[2].output(), skip}));
  EXPECT_EQ(g.tensor(g.ops[3].output()).quant.ZeroPoint(), -3);
  EXPECT_EQ(shape(4), (std::vector<int32_t>{1, 5, 5, 4}));
  EXPECT_EQ(shape(5), (std::vector<int32_t>{1, 2, 2, 4}));
  EXPECT_EQ(g.ops[6].pool().filter_h, 2);
  EXPECT_EQ(shape(6), (std::vector<int32_t>{1, 1, 1, 4}));
  EXPECT_EQ(g.ops[7].inputs[2], ir::kNoTensor);
  EXPECT_EQ(g.tensor(g.ops[7].input(1)).name, "fc_w7");
  EXPECT_EQ(shape(8), (std::vector<int32_t>{1, 5}));
  EXPECT_EQ(g.outputs, (std::vector<ir::TensorId>{g.ops[8].output()}));
  EXPECT_EQ(g.tensor(g.inputs[0]).name, "t0");
  EXPECT_EQ(g.tensor(g.ops[0].input(1)).name, "w0");
  EXPECT_EQ(g.tensor(g.ops[0].input(2)).name, "b0");
  EXPECT_EQ(g.tensor(g.ops[0].output()).name, "t3");

  const std::vector<std::string> first{"filter CONV_2D", "bias CONV_2D", "output CONV_2D", "filter DEPTHWISE_CONV_2D"};
  EXPECT_EQ(std::vector<std::string>(calls.begin(), calls.begin() + 4), first);
  EXPECT_EQ(std::count(calls.begin(), calls.end(), "output ADD"), 0) << "an explicit quantisation skips the policy";
  ir::Verify(g);
}

TEST(GraphBuilder, RefusesAWindowThatDoesNotFit) {
  std::vector<std::string> calls;
  ir::GraphBuilder b("g", std::make_unique<RecordingPolicy>(&calls));
  b.Input({1, 2, 2, 1}, ir::PerTensor(0.1f, 0));
  EXPECT_THROW(b.Conv(1, 5, 1, ir::Activation::kNone, ir::Pad2D{}), Error);
  EXPECT_THROW(b.Pool(ir::OpKind::kAveragePool2D, 3, 1), Error);
}

// The graph ops: float boundaries, branches from earlier tensors, merges,
// upsampling and activations, with the quantisation their kernels require.
TEST(GraphBuilder, BranchesMergesAndFloatBoundaries) {
  std::vector<std::string> calls;
  ir::GraphBuilder b("g", std::make_unique<RecordingPolicy>(&calls));
  b.FloatInput({1, 8, 6, 2});
  const ir::TensorId x = b.current();
  EXPECT_EQ(b.Current().type, ir::DType::kFloat32);
  b.Quantize(ir::PerTensor(0.02f, -3));
  const ir::TensorId q = b.current();
  b.Conv(4, 3, 2, ir::Activation::kRelu);  // 4x3x4
  const ir::TensorId coarse = b.current();
  b.ResizeNearest(8, 6, true, false);
  const ir::TensorId up = b.current();
  EXPECT_EQ(b.Current().shape, (std::vector<int32_t>{1, 8, 6, 4}));
  EXPECT_EQ(b.Current().quant.Scale(), 0.05f);  // the input's: the kernel copies bytes
  b.From(q).Conv(4, 1, 1, ir::Activation::kNone).Logistic();
  EXPECT_EQ(b.Current().quant.Scale(), 1.0f / 256.0f);
  EXPECT_EQ(b.Current().quant.ZeroPoint(), -128);
  b.MulFrom(up, ir::Activation::kRelu, false);
  const ir::TensorId mul = b.current();
  b.HardSwish();
  EXPECT_THROW(b.Concat({b.current(), q}), Error);  // quantised differently
  b.Concat({mul, b.current(), up});
  EXPECT_EQ(b.Current().shape, (std::vector<int32_t>{1, 8, 6, 12}));
  const ir::TensorId cat = b.current();
  b.Dequantize();
  EXPECT_EQ(b.Current().type, ir::DType::kFloat32);
  EXPECT_THROW(b.Dequantize(), Error);
  const ir::TensorId out = b.current();
  ir::Graph g = b.Take({out, coarse});
  EXPECT_EQ(g.inputs, std::vector<ir::TensorId>{x});
  EXPECT_EQ(g.outputs, (std::vector<ir::TensorId>{out, coarse}));
  const std::vector<ir::OpKind> kinds{ir::OpKind::kQuantize, ir::OpKind::kConv2D, ir::OpKind::kResizeNearest,
                                      ir::OpKind::kConv2D, ir::OpKind::kLogistic, ir::OpKind::kMul,
                                      ir::OpKind::kHardSwish, ir::OpKind::kConcat, ir::OpKind::kDequantize};
  ASSERT_EQ(g.ops.size(), kinds.size());
  for (size_t i = 0; i < kinds.size(); ++i) EXPECT_EQ(g.ops[i].kind, kinds[i]) << i;
  EXPECT_EQ(g.ops[5].inputs, (std::vector<ir::TensorId>{g.ops[4].output(), up}));
  EXPECT_EQ(g.ops[7].inputs, (std::vector<ir::TensorId>{mul, g.ops[6].output(), up}));
  EXPECT_EQ(g.ops[8].input(), cat);
  EXPECT_TRUE(std::get<ir::ResizeAttrs>(g.ops[2].attrs).align_corners);
  EXPECT_EQ(std::get<ir::ConcatAttrs>(g.ops[7].attrs).axis, 3);
  EXPECT_EQ(std::get<ir::MulAttrs>(g.ops[5].attrs).act, ir::Activation::kRelu);
  // The policy is asked only where the kernels leave the choice open.
  EXPECT_EQ(std::count(calls.begin(), calls.end(), "output MUL"), 1);
  EXPECT_EQ(std::count(calls.begin(), calls.end(), "output HARD_SWISH"), 1);
  EXPECT_EQ(std::count(calls.begin(), calls.end(), "output LOGISTIC"), 0);
  EXPECT_EQ(std::count(calls.begin(), calls.end(), "output CONCATENATION"), 0);
  EXPECT_NO_THROW(ir::Canonicalize(g));
}

}  // namespace
}  // namespace msf
