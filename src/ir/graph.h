// SPDX-License-Identifier: MIT
// Flat, index-based graph IR. Tensors and ops live in vectors and refer to
// each other by index; activations are NHWC with batch 1.
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace msf::ir {

using TensorId = int32_t;
using OpId = int32_t;
inline constexpr TensorId kNoTensor = -1;

enum class DType : uint8_t { kInt8, kInt32, kFloat32 };
enum class Activation : uint8_t { kNone, kRelu, kRelu6 };

enum class OpKind : uint8_t {
  kConv2D,
  kDepthwiseConv2D,
  kPad,
  kAdd,
  kAveragePool2D,
  kMaxPool2D,
  kMean,
  kFullyConnected,
  kReshape,
  kSoftmax,
  kQuantize,    // int8 -> int8 (requantise), or float32 -> int8 at a graph input
  kDequantize,  // int8 -> float32 at a graph output
  kResizeNearest,
  kConcat,
  kMul,
  kLogistic,
  kHardSwish,
  kTranspose,
  kReadInput,  // msf's own: copies rows of a graph input from the caller (streamed input)
};

// Where the graph input comes from (msf plan --input-mode): `resident` is a
// whole tensor in the caller's buffer; `stream` and `reread` put a
// READ_INPUT op in front of each input, whose output rows the first step
// pulls through a callback (a ring of the rows its window needs). `stream`
// plans read each row once, in order; `reread` plans may ask again.
enum class InputMode : uint8_t { kResident, kStream, kReread };
const char* InputModeName(InputMode mode);  // "resident", "stream", "reread"


const char* OpKindName(OpKind kind);
const char* DTypeName(DType type);
const char* ActivationName(Activation act);
int DTypeBytes(DType type);

// Per-tensor (one scale) or per-channel (scale per index of `axis`).
struct Quant {
  std::vector<float> scale;
  std::vector<int64_t> zero_point;
  int32_t axis = 0;
  bool IsPerChannel() const { return scale.size() > 1; }
  float Scale(size_t i = 0) const { return scale.size() > 1 ? scale[i] : scale.empty() ? 0.0f : scale[0]; }
  int32_t ZeroPoint(size_t i = 0) const {
    return static_cast<int32_t>(zero_point.size() > 1 ? zero_point[i] : zero_point.empty() ? 0 : zero_point[0]);
  }
};

struct Tensor {
  std::string name;
  DType type = DType::kInt8;
  std::vector<int32_t> shape;
  Quant quant;
  // Constant data (weights, bias); null for activations. Points into memory
  // owned by the Graph (file bytes or owned_buffers).
  const uint8_t* data = nullptr;
  size_t data_size = 0;

  bool IsConstant() const { return data != nullptr; }
  int64_t NumElements() const;
  int64_t Bytes() const { return NumElements() * DTypeBytes(type); }
  // NHWC accessors for 4-D activations (rank < 4 is left-padded with 1).
  int32_t Dim(int from_back) const;
  int32_t H() const { return Dim(3); }
  int32_t W() const { return Dim(2); }
  int32_t C() const { return Dim(1); }
  // The 4-D NHWC shape the kernels see (rank < 4 left-padded with 1).
  std::array<int32_t, 4> Shape4() const { return {Dim(4), Dim(3), Dim(2), Dim(1)}; }
};

// Explicit padding of a spatial window op (SAME is resolved at import).
struct Pad2D {
  int32_t top = 0, bottom = 0, left = 0, right = 0;
  bool IsZero() const { return top == 0 && bottom == 0 && left == 0 && right == 0; }
};

struct ConvAttrs {  // CONV_2D and DEPTHWISE_CONV_2D
  int32_t kernel_h = 1, kernel_w = 1;
  int32_t stride_h = 1, stride_w = 1;
  int32_t dilation_h = 1, dilation_w = 1;
  Pad2D pad;
  int32_t depth_multiplier = 1;  // depthwise only
  Activation act = Activation::kNone;
};

struct PoolAttrs {  // AVERAGE_POOL_2D, MAX_POOL_2D
  int32_t filter_h = 1, filter_w = 1;
  int32_t stride_h = 1, stride_w = 1;
  Pad2D pad;
  Activation act = Activation::kNone;
};

struct PadAttrs {
  Pad2D pad;  // spatial only; channel/batch padding is rejected at import
};

struct AddAttrs {
  Activation act = Activation::kNone;
};

struct MeanAttrs {  // spatial mean over H and W
  bool keep_dims = false;
};

struct FullyConnectedAttrs {
  Activation act = Activation::kNone;
};

struct SoftmaxAttrs {
  float beta = 1.0f;
};

struct ResizeAttrs {  // RESIZE_NEAREST_NEIGHBOR
  bool align_corners = false;
  bool half_pixel_centers = false;
};

struct ConcatAttrs {
  int32_t axis = 3;  // of the 4-D NHWC shape (rank < 4 is left-padded with 1)
  Activation act = Activation::kNone;
};

struct MulAttrs {
  Activation act = Activation::kNone;
};

struct TransposeAttrs {
  std::array<int32_t, 4> perm = {0, 1, 2, 3};  // of the 4-D shape (left-padded)
};

using OpAttrs = std::variant<std::monostate, ConvAttrs, PoolAttrs, PadAttrs, AddAttrs, MeanAttrs,
                             FullyConnectedAttrs, SoftmaxAttrs, ResizeAttrs, ConcatAttrs, MulAttrs,
                             TransposeAttrs>;

struct Op {
  OpKind kind;
  std::vector<TensorId> inputs;   // data first, then weights, bias
  std::vector<TensorId> outputs;  // exactly one
  OpAttrs attrs;
  int32_t source_index = -1;  // operator index in the original file, -1 if synthetic

  TensorId input(size_t i = 0) const { return inputs[i]; }
  TensorId output() const { return outputs[0]; }
  const ConvAttrs& conv() const { return std::get<ConvAttrs>(attrs); }
  const PoolAttrs& pool() const { return std::get<PoolAttrs>(attrs); }
};

struct Graph {
  std::string name;
  std::vector<Tensor> tensors;
  std::vector<Op> ops;  // topological order
  std::vector<TensorId> inputs;
  std::vector<TensorId> outputs;
  std::vector<std::string> notes;  // import/canonicalisation remarks shown by `msf info`
  InputMode input_mode = InputMode::kResident;  // set by AddInputReaders
  // Backing memory for constant tensor data.
  std::shared_ptr<const std::vector<uint8_t>> file_bytes;
  std::vector<std::shared_ptr<std::vector<uint8_t>>> owned_buffers;

  const Tensor& tensor(TensorId id) const { return tensors[static_cast<size_t>(id)]; }
  Tensor& tensor(TensorId id) { return tensors[static_cast<size_t>(id)]; }
  TensorId input() const { return inputs[0]; }
  TensorId output() const { return outputs[0]; }

  // Stores `bytes` in the graph and returns a new constant tensor id.
  TensorId AddConstant(std::string name, DType type, std::vector<int32_t> shape,
                       std::vector<uint8_t> bytes, Quant quant = {});
  TensorId AddActivation(std::string name, std::vector<int32_t> shape, Quant quant,
                         DType type = DType::kInt8);
};

}  // namespace msf::ir
