// SPDX-License-Identifier: MIT
// What one execution step holds in RAM, buffer by buffer. The exact cost
// model sums it; the arena planner allocates exactly these buffers; so the
// planned RAM is the executed RAM by construction.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "step/step.h"
#include "geometry/block.h"
#include "ir/graph.h"

namespace msf::step {

geometry::Reuse ReuseOf(Variant v);

enum class LocalKind : uint8_t {
  kTile,     // tile / ring buffer of a block tensor (local index `local`)
  kSums,     // int32 per-channel sums of an iterative global pool
  kScratch,  // kernel scratch (largest *_buffer_size() of the step's ops)
};

struct LocalBuffer {
  LocalKind kind;
  int32_t local = -1;  // block tensor for kTile
  int64_t bytes = 0;
};

struct StepMemory {
  // Whole tensors live during the step (storage ids: a RESHAPE output shares
  // its input's storage), with their bytes; network input/output flagged.
  std::vector<ir::TensorId> whole;
  std::vector<int64_t> whole_bytes;
  std::vector<bool> whole_is_excluded_io;  // not counted in the paper convention
  std::vector<LocalBuffer> locals;          // allocated for this step only
  std::optional<geometry::BlockSchedule> schedule;  // fused steps

  int64_t Bytes(bool count_io) const;
};

// Liveness facts shared by every step of a graph (compute once per graph).
struct GraphLiveness {
  std::vector<ir::TensorId> storage;  // storage id per tensor
  std::vector<int32_t> born;          // per storage: producing op (-1 graph input)
  std::vector<int32_t> last_use;      // per storage: last reading op (num_ops for outputs)
  std::vector<int64_t> bytes;         // per storage
  std::vector<int32_t> tensor_last_use;  // per tensor (ir::LastUse)
  std::vector<int64_t> op_scratch;       // per op: its kernel's scratch bytes
  // Per op: a convolution whose full-range outputs take the wide
  // requantisation (lower::LoweredOp::NarrowRequantPath false).
  std::vector<uint8_t> wide_requant;
  // Per op: a convolution whose interior pixel pairs run fixed-length dot
  // products (msf_conv_s8_fixed_length_pairs, the runtime's own test).
  std::vector<uint8_t> fixed_length_pairs;
  std::vector<ir::TensorId> activation_storages;  // storages of non-constant tensors
  // Per op and axis (0 = H, 1 = W): prefix sums over output cells of the
  // kernel taps that land inside the input (windowed ops; empty otherwise).
  std::vector<std::array<std::vector<int64_t>, 2>> inside_prefix;
  // Same layout: prefix counts of output cells whose whole window is inside
  // the input (the kernels' interior pixels; the others take the border path).
  std::vector<std::array<std::vector<int64_t>, 2>> interior_prefix;
};
GraphLiveness ComputeLiveness(const ir::Graph& g);

// Where a whole tensor lives on the device: an input tensor itself in the
// caller's input buffer; anything sharing an output's storage (a RESHAPE
// chain, even of an input) in that output's buffer; anything else sharing an
// input's storage in that input's; the rest in the arena buffer of its
// storage (ArenaPlan::WholeOffset places them so). A RESHAPE (the runtime's
// copy) moves bytes only when its input's and output's buffers differ.
struct WholeBuffer {
  enum class Kind { kInput, kOutput, kArena } kind = Kind::kArena;
  int64_t index = 0;  // the input's or output's position, or the storage tensor (kArena)
  bool operator==(const WholeBuffer&) const = default;
};
WholeBuffer WholeBufferOf(const ir::Graph& g, const GraphLiveness& live, ir::TensorId t);

// MACs a described step performs (recomputation included).
int64_t StepMacs(const ir::Graph& g, const StepMemory& m, const StepSpec& step);

// The work of a described step, per kernel family (see StepWork).
StepWork StepWorkOf(const ir::Graph& g, const GraphLiveness& live, const StepMemory& m, const StepSpec& step);

// Work kind of an op (StepWork index): its runtime kernel (lower::KernelKindOf),
// except kWorkDepthwiseGeneral for depthwise ops off the 3x3 multiplier-1 path
// and kWorkConvKxk for convolutions with a kernel larger than 1x1;
// kernels newer than the calibration (resize, concatenation, transpose, input reads: byte
// movement; MUL: like ADD; LOGISTIC, HARD_SWISH and the float boundaries:
// like requantisation, per element) count as the nearest calibrated family.
int WorkKindOf(const ir::Graph& g, const ir::Op& op);

// nullopt when a fused step cannot be formed (the ops cannot be fused).
std::optional<StepMemory> DescribeStep(const ir::Graph& g, const GraphLiveness& live, const StepSpec& step);

// Op `op` run alone (a layer step).
inline StepSpec LayerStep(int32_t op) { return {op, op + 1, StepKind::kLayer, Variant::kNone, 0, 0}; }

// Layer-by-layer execution: what each layer step holds (DescribeStep's
// bytes, so the exact cost model's layer edges and the arena agree with it)
// and the peak over the steps.
struct LayerByLayer {
  std::vector<int64_t> bytes;          // per op, network input/output not counted
  std::vector<int64_t> bytes_with_io;  // per op, everything counted
  int64_t peak = 0, peak_with_io = 0;
  int32_t peak_op = -1;  // first op reaching `peak`
};
LayerByLayer LayerByLayerRam(const ir::Graph& g, const GraphLiveness& live);
inline LayerByLayer LayerByLayerRam(const ir::Graph& g) { return LayerByLayerRam(g, ComputeLiveness(g)); }

// Same as above for an already-analysed block (used by the DAG builder).
StepMemory DescribeFusedStep(const ir::Graph& g, const GraphLiveness& live, geometry::BlockSchedule schedule);

}  // namespace msf::step
