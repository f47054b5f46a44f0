// SPDX-License-Identifier: MIT
// The .tflite importer's internals, shared by its three files:
// tflite_tensors.cc (reading and validating tensors, buffers, quantisation,
// shapes), tflite_ops.cc (one Import* per supported op) and
// tflite_importer.cc (the walk over the subgraph and the public entry points).
#pragma once
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "base/error.h"
#include "ir/graph.h"
#include "tflite_subset_generated.h"

namespace msf::frontend::detail {

namespace tfl = msf::tfl;
using ir::Activation;
using ir::DType;
using ir::OpKind;
using ir::TensorId;

// Element counts, byte sizes and offsets are int32 in the device tables
// (msf_slot, msf_kernel.count, msf_plan.arena_bytes): a tensor holds at most
// INT32_MAX elements (the arena that holds it is checked at plan building).
constexpr int64_t kMaxTensorElements = std::numeric_limits<int32_t>::max();
// Padded spatial extents, strides and windows stay below this, so every
// int32 window computation of the geometry and the runtime (o * stride -
// pad + (k - 1) * dilation + 1, pad sums after PAD folding) cannot overflow.
constexpr int64_t kMaxSpatialExtent = int64_t{1} << 24;
// Cells one int32 sum of the pooling kernels may cover (an AVERAGE_POOL_2D
// window clipped to its input, a MEAN's or global pool's H * W): 2^23 cells
// of int8 values keep every sum, its rounding and MEAN's zero-point
// correction (up to 255 * 2^23 < 2^31) inside int32, so the device path has
// no overflow and matches TFLite exactly.
constexpr int64_t kMaxSummedCells = int64_t{1} << 23;

class Importer {
 public:
  Importer(std::shared_ptr<const std::vector<uint8_t>> bytes, std::string label)
      : bytes_(std::move(bytes)), label_(std::move(label)) {}

  ir::Graph Run();

 private:
  [[noreturn]] void Fail(const std::string& what) const { throw Error(label_ + ": " + what); }
  std::string OpLabel() const {
    return "op " + std::to_string(op_index_) + " (" + op_name_ + ")";
  }
  [[noreturn]] void FailOp(const std::string& what) const { Fail(OpLabel() + ": " + what); }

  const tfl::Tensor* FileTensor(int32_t index) const;
  std::string TensorLabel(int32_t index) const;
  // Bytes of a tensor's buffer, or nullopt when it has none (an activation).
  std::optional<std::pair<const uint8_t*, size_t>> BufferData(const tfl::Tensor* t) const;
  std::vector<int32_t> Shape(int32_t index) const;
  static std::optional<DType> MapType(tfl::TensorType type);
  ir::Quant ReadQuant(const tfl::Tensor* t) const;

  TensorId Activation8(int32_t index);             // int8 activation, per-tensor quant
  TensorId FloatActivation(int32_t index);         // float32 model input / output (a float boundary)
  TensorId Constant(int32_t index, DType type);     // weights / bias
  std::vector<int32_t> IntConstant(int32_t index);  // int32/int64 parameter tensor

  int32_t InputIndex(size_t i, bool required = true) const;
  int32_t OutputIndex() const;
  Activation ReadActivation(tfl::ActivationFunctionType f) const;
  ir::Pad2D ResolvePadding(tfl::Padding padding, int32_t in_h, int32_t in_w, int32_t k_h,
                           int32_t k_w, int32_t s_h, int32_t s_w, int32_t d_h, int32_t d_w,
                           int32_t out_h, int32_t out_w) const;
  void CheckSpatialOutput(const ir::Tensor& in, const ir::Tensor& out, const ir::Pad2D& pad,
                          int32_t k_h, int32_t k_w, int32_t s_h, int32_t s_w, int32_t d_h,
                          int32_t d_w) const;

  void ImportOp(const tfl::Operator* op);
  void ImportConv(const tfl::Operator* op, bool depthwise);
  void ImportPool(const tfl::Operator* op, OpKind kind);
  void ImportPad();
  void ImportAdd(const tfl::Operator* op);
  void ImportMean(const tfl::Operator* op);
  void ImportFullyConnected(const tfl::Operator* op);
  void ImportReshape();
  void ImportSoftmax(const tfl::Operator* op);
  void ImportQuantize(OpKind kind);
  void ImportResizeNearest(const tfl::Operator* op);
  void ImportConcat(const tfl::Operator* op);
  void ImportMul(const tfl::Operator* op);
  void ImportUnary(OpKind kind);  // LOGISTIC, HARD_SWISH
  void ImportTranspose();
  bool IsGraphInput(int32_t index) const;
  bool IsGraphOutput(int32_t index) const;
  void Push(ir::Op op);  // checks inputs are produced first, appends
  void CheckProducedBeforeUse(const ir::Op& op) const;
  void CheckKernelParams(const ir::Op& op) const;
  bool IsGraphInputTensor(TensorId t) const;  // one of the model inputs (once an op touched it)

  std::shared_ptr<const std::vector<uint8_t>> bytes_;
  std::string label_;
  const tfl::Model* model_ = nullptr;
  const tfl::SubGraph* subgraph_ = nullptr;
  ir::Graph graph_;
  std::map<int32_t, TensorId> tensor_map_;
  std::set<TensorId> produced_;
  const tfl::Operator* op_ = nullptr;
  int32_t op_index_ = -1;
  std::string op_name_;
};

}  // namespace msf::frontend::detail
