// SPDX-License-Identifier: MIT
// Small synthetic int8 graphs for calibration micro-benchmarks, built op by
// op in the IR with deterministic pseudo-random weights. Scales keep the
// accumulations in range, so the kernels take their usual paths.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace msf::calib {

class GraphBuilder {
 public:
  GraphBuilder(std::string name, std::vector<int32_t> input_shape, uint64_t seed);

  // Convolutions pad k/2 on every side (like the shared models' folded PADs).
  GraphBuilder& Conv(int32_t cout, int32_t k, int32_t stride, ir::Activation act = ir::Activation::kRelu6);
  GraphBuilder& Depthwise(int32_t k, int32_t stride, int32_t multiplier = 1);
  GraphBuilder& AvgPool(int32_t k, int32_t stride);
  GraphBuilder& MaxPool(int32_t k, int32_t stride);
  GraphBuilder& GlobalAvgPool();  // AVERAGE_POOL_2D over the whole map
  GraphBuilder& Mean();
  GraphBuilder& Pad(int32_t p);
  GraphBuilder& Requantize();  // QUANTIZE int8 -> int8
  GraphBuilder& FullyConnected(int32_t cout);
  GraphBuilder& Flatten();  // RESHAPE [1,1,1,C] -> [1,C]
  GraphBuilder& Softmax();
  // ADD of the current tensor and an earlier one of the same shape.
  GraphBuilder& AddFrom(ir::TensorId skip);

  ir::TensorId current() const { return cur_; }
  ir::Graph Take();

 private:
  ir::TensorId Activation(std::vector<int32_t> shape, float scale, int32_t zero_point);
  std::vector<uint8_t> RandomBytes(size_t n, int lo, int hi);
  int32_t Int(int32_t lo, int32_t hi);
  void Push(ir::OpKind kind, std::vector<ir::TensorId> inputs, ir::TensorId out, ir::OpAttrs attrs);
  void ConvOp(ir::OpKind kind, int32_t cout, int32_t k, int32_t stride, int32_t multiplier, ir::Activation act);
  void PoolOp(ir::OpKind kind, int32_t k, int32_t stride);

  ir::Graph g_;
  ir::TensorId cur_ = ir::kNoTensor;
  uint64_t state_;
};

}  // namespace msf::calib
