// SPDX-License-Identifier: MIT
#include "plan/device_plan.h"

#include <limits>
#include <map>
#include <string>

#include "base/error.h"
#include "geometry/op_window.h"

namespace msf::plan {
namespace {

template <typename T>
int16_t Narrow16(T value) {
  const int64_t v = static_cast<int64_t>(value);
  if (v < std::numeric_limits<int16_t>::min() || v > std::numeric_limits<int16_t>::max()) {
    throw Error("plan too large for the runtime tables (index " + std::to_string(v) + ")");
  }
  return static_cast<int16_t>(v);
}

int32_t Narrow32(int64_t v) {
  if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()) {
    throw Error("arena offset does not fit in 32 bits");
  }
  return static_cast<int32_t>(v);
}

// What an arena buffer holds, for error messages.
std::string BufferLabel(const ir::Graph& g, const plan::Plan& plan, const ArenaPlan& a, const ArenaBuffer& b) {
  if (b.storage != ir::kNoTensor) return "tensor '" + g.tensor(b.storage).name + "'";
  const plan::PlanStep& ps = plan.steps[static_cast<size_t>(b.step)];
  const std::string step = "plan step " + std::to_string(b.step) + " (ops " + std::to_string(ps.from) + ".." +
                           std::to_string(ps.to - 1) + ")";
  const step::LocalBuffer& l = a.steps[static_cast<size_t>(b.step)].locals[static_cast<size_t>(b.local)];
  switch (l.kind) {
    case step::LocalKind::kTile: {
      const auto& sched = a.steps[static_cast<size_t>(b.step)].schedule;
      const ir::TensorId t = sched ? sched->block().tensors[static_cast<size_t>(l.local)].id : ir::kNoTensor;
      return step + ": tile of tensor '" + (t == ir::kNoTensor ? std::string("?") : g.tensor(t).name) + "'";
    }
    case step::LocalKind::kSums: return step + ": int32 channel sums";
    case step::LocalKind::kScratch: return step + ": kernel scratch";
  }
  return step;
}

// The device tables hold arena offsets and sizes as int32: refuse an arena
// that does not fit, naming the first buffer that ends beyond INT32_MAX.
void CheckArenaFitsInt32(const ir::Graph& g, const plan::Plan& plan, const ArenaPlan& a) {
  constexpr int64_t kMax = std::numeric_limits<int32_t>::max();
  if (a.arena_bytes <= kMax) return;
  const ArenaBuffer* worst = nullptr;
  for (const ArenaBuffer& b : a.buffers) {
    if (b.offset + b.bytes > kMax && (worst == nullptr || b.offset < worst->offset)) worst = &b;
  }
  std::string what;
  if (worst != nullptr) {
    what = " (" + BufferLabel(g, plan, a, *worst) + ": " + std::to_string(worst->bytes) + " bytes at offset " +
           std::to_string(worst->offset) + ")";
  }
  throw Error("the plan needs an arena of " + std::to_string(a.arena_bytes) +
              " bytes, more than the device tables can address (2^31 - 1 bytes)" + what);
}

}  // namespace

namespace {

// A plan runs on the graph it was made for: the same input mode.
const plan::Plan& SameInputMode(const ir::Graph& g, const plan::Plan& plan) {
  if (plan.input_mode != g.input_mode) {
    throw Error(std::string("the plan reads a ") + ir::InputModeName(plan.input_mode) + " input, the model is loaded for a " +
                ir::InputModeName(g.input_mode) + " one");
  }
  return plan;
}

}  // namespace

DevicePlan::DevicePlan(const ir::Graph& g, const plan::Plan& plan) : arena_(PlanArena(g, SameInputMode(g, plan))) {
  CheckArenaFitsInt32(g, plan, arena_);
  const step::GraphLiveness live = step::ComputeLiveness(g);
  kernel_of_op_.assign(g.ops.size(), -1);
  device_steps_.resize(plan.steps.size());
  steps_.resize(plan.steps.size());
  for (int32_t s = 0; s < static_cast<int32_t>(plan.steps.size()); ++s) {
    if (arena_.steps[static_cast<size_t>(s)].schedule) {
      BuildFusedStep(g, live, s);
    } else {
      BuildLayerStep(g, live, s, plan.steps[static_cast<size_t>(s)].from);
    }
  }
  // Pointers into the device steps are final only now (vectors stopped growing).
  for (size_t s = 0; s < steps_.size(); ++s) {
    DeviceStep& d = device_steps_[s];
    msf_step& st = steps_[s];
    st.slots = d.slots.data();
    st.num_slots = Narrow16(d.slots.size());
    st.ops = d.ops.data();
    st.num_ops = Narrow16(d.ops.size());
    st.head_ops = d.head_ops.empty() ? nullptr : d.head_ops.data();
    st.num_head_ops = Narrow16(d.head_ops.size());
    st.row_need = d.row_need.empty() ? nullptr : d.row_need.data();
    st.col_need = d.col_need.empty() ? nullptr : d.col_need.data();
    st.row_actions = d.row_actions.empty() ? nullptr : d.row_actions.data();
    st.col_actions = d.col_actions.empty() ? nullptr : d.col_actions.data();
    st.num_row_actions = static_cast<int32_t>(d.row_actions.size());
    st.num_col_actions = static_cast<int32_t>(d.col_actions.size());
  }
  plan_.steps = steps_.data();
  plan_.num_steps = static_cast<int32_t>(steps_.size());
  plan_.num_inputs = static_cast<int32_t>(g.inputs.size());
  plan_.num_outputs = static_cast<int32_t>(g.outputs.size());
  plan_.arena_bytes = Narrow32(arena_.arena_bytes);
}

size_t DevicePlan::KernelIndex(const msf_kernel* k) const {
  for (size_t i = 0; i < kernels_.size(); ++i) {
    if (&kernels_[i].kernel == k) return i;
  }
  throw Error("internal: unknown kernel");
}

const msf_kernel* DevicePlan::KernelFor(const ir::Graph& g, int32_t op) {
  int32_t& index = kernel_of_op_[static_cast<size_t>(op)];
  if (index >= 0) return &kernels_[static_cast<size_t>(index)].kernel;
  const ir::Op& o = g.ops[static_cast<size_t>(op)];
  kernels_.emplace_back();
  DeviceKernel& d = kernels_.back();
  d.op = op;
  d.lowered = lower::Lower(g, o);
  // (a pointer into its own op, set here, where the op stays)
  d.lowered.conv.wide_weights = d.lowered.wide_weights.empty() ? nullptr : d.lowered.wide_weights.data();
  msf_kernel& k = d.kernel;
  k.kind = static_cast<uint8_t>(lower::KernelKindOf(g, o));
  const lower::LoweredOp& l = d.lowered;
  switch (o.kind) {
    case ir::OpKind::kConv2D:
    case ir::OpKind::kDepthwiseConv2D: k.params = &l.conv; break;
    case ir::OpKind::kAveragePool2D:
    case ir::OpKind::kMaxPool2D: k.params = &l.pool; break;
    case ir::OpKind::kPad: {
      const ir::Tensor& in = g.tensor(o.input());
      d.pad = {in.H(), in.W(), l.pad_top, l.pad_left, l.pad_value};
      k.params = &d.pad;
      break;
    }
    case ir::OpKind::kAdd: k.params = &l.add; break;
    case ir::OpKind::kQuantize:
      k.params = k.kind == MSF_KERNEL_QUANTIZE_F32 ? static_cast<const void*>(&l.float_io) : &l.requantize;
      break;
    case ir::OpKind::kDequantize: k.params = &l.float_io; break;
    case ir::OpKind::kResizeNearest:
      d.resize = l.ResizeParams();
      k.params = &d.resize;
      break;
    case ir::OpKind::kConcat: k.params = &l.concat_parts[0]; d.part = 0; break;
    case ir::OpKind::kMul: k.params = l.mul_is_4d ? static_cast<const void*>(&l.mul_4d) : &l.mul; break;
    case ir::OpKind::kLogistic: k.params = &l.logistic; break;
    case ir::OpKind::kHardSwish: k.params = &l.hard_swish; break;
    case ir::OpKind::kTranspose: k.params = &l.transpose; break;
    case ir::OpKind::kReadInput: k.params = &l.read_input; break;
    case ir::OpKind::kFullyConnected: k.params = &l.fc; break;
    case ir::OpKind::kMean: k.params = &l.mean; break;
    case ir::OpKind::kSoftmax: k.params = &l.softmax; break;
    default: k.params = nullptr; break;
  }
  k.requant = l.Requant();
  k.weights = l.weights.empty() ? nullptr : l.weights.data();
  k.bias = l.BiasOrNull();
  k.eff_bias = l.eff_bias.empty() ? nullptr : l.eff_bias.data();
  k.count = static_cast<int32_t>(g.tensor(o.input()).NumElements());
  index = static_cast<int32_t>(kernels_.size() - 1);
  return &k;
}

const msf_kernel* DevicePlan::ConcatPartKernel(const ir::Graph& g, int32_t op, int32_t part) {
  if (part == 0) return KernelFor(g, op);
  const DeviceKernel& first = kernels_[KernelIndex(KernelFor(g, op))];
  for (const DeviceKernel& d : kernels_) {
    if (d.op == op && d.part == part) return &d.kernel;
  }
  kernels_.push_back(first);
  DeviceKernel& d = kernels_.back();
  d.part = part;
  d.kernel.params = &d.lowered.concat_parts[static_cast<size_t>(part)];
  d.kernel.count = static_cast<int32_t>(g.tensor(g.ops[static_cast<size_t>(op)].input(static_cast<size_t>(part))).NumElements());
  return &d.kernel;
}

msf_slot DevicePlan::WholeSlot(const ir::Graph& g, const step::GraphLiveness& live, ir::TensorId t) const {
  const ir::Tensor& tensor = g.tensor(t);
  msf_slot s{};
  s.offset = Narrow32(arena_.WholeOffset(live, g, t));
  // c counts bytes per pixel: a float32 tensor (a model input or output at a
  // float boundary) has 4 per channel.
  const int32_t bytes = ir::DTypeBytes(tensor.type);
  if (tensor.shape.size() == 4) {
    s.h = tensor.H(), s.w = tensor.W(), s.c = tensor.C() * bytes;
  } else {  // vectors (dense head): one pixel of N channels
    s.h = 1, s.w = 1, s.c = static_cast<int32_t>(tensor.NumElements()) * bytes;
  }
  s.whole = 1;
  return s;
}

void DevicePlan::BuildLayerStep(const ir::Graph& g, const step::GraphLiveness& live, int32_t s, int32_t op) {
  const step::StepMemory& m = arena_.steps[static_cast<size_t>(s)];
  DeviceStep& d = device_steps_[static_cast<size_t>(s)];
  msf_step& st = steps_[static_cast<size_t>(s)];
  const ir::Op& o = g.ops[static_cast<size_t>(op)];
  msf_step_op sop{};
  sop.in[0] = sop.in[1] = -1;
  std::vector<int16_t> inputs;
  for (ir::TensorId t : o.inputs) {
    if (t == ir::kNoTensor || g.tensor(t).IsConstant()) continue;
    d.slots.push_back(WholeSlot(g, live, t));
    inputs.push_back(Narrow16(d.slots.size() - 1));
  }
  d.slots.push_back(WholeSlot(g, live, o.output()));
  sop.out = Narrow16(d.slots.size() - 1);
  if (o.kind == ir::OpKind::kConcat) {  // one part per input, into the same output
    for (size_t k = 0; k < inputs.size(); ++k) {
      sop.kernel = ConcatPartKernel(g, op, static_cast<int32_t>(k));
      sop.in[0] = inputs[k];
      d.ops.push_back(sop);
    }
  } else {
    sop.kernel = KernelFor(g, op);
    const lower::LoweredOp& l = kernels_[KernelIndex(sop.kernel)].lowered;
    if (inputs.size() > 2) throw Error("internal: an op with more than two activation inputs");
    for (size_t k = 0; k < inputs.size(); ++k) sop.in[k] = inputs[k];
    if (o.kind == ir::OpKind::kMul && l.mul_swapped) std::swap(sop.in[0], sop.in[1]);  // broadcast operand second
    d.ops.push_back(sop);
  }
  st.fused = 0;
  st.out_slot = sop.out;
  st.pooled_slot = -1;
  st.head_kind = MSF_HEAD_NONE;
  st.sums_offset = -1;
  st.scratch_offset = -1;
  st.row_reader = -1;
  for (size_t i = 0; i < m.locals.size(); ++i) {
    if (m.locals[i].kind == step::LocalKind::kScratch) st.scratch_offset = Narrow32(arena_.LocalOffset(s, static_cast<int32_t>(i)));
  }
}

void DevicePlan::BuildFusedStep(const ir::Graph& g, const step::GraphLiveness& live, int32_t s) {
  const step::StepMemory& m = arena_.steps[static_cast<size_t>(s)];
  const geometry::BlockSchedule& sched = *m.schedule;
  const geometry::BlockStructure& b = sched.block();
  DeviceStep& d = device_steps_[static_cast<size_t>(s)];
  msf_step& st = steps_[static_cast<size_t>(s)];
  st.fused = 1;
  st.sums_offset = -1;
  st.scratch_offset = -1;
  st.pooled_slot = -1;
  // One slot per block tensor (same index), then the head's whole tensors.
  std::vector<int64_t> tile_offset(b.tensors.size(), -1);
  for (size_t i = 0; i < m.locals.size(); ++i) {
    const int64_t off = arena_.LocalOffset(s, static_cast<int32_t>(i));
    switch (m.locals[i].kind) {
      case step::LocalKind::kTile: tile_offset[static_cast<size_t>(m.locals[i].local)] = off; break;
      case step::LocalKind::kSums: st.sums_offset = Narrow32(off); break;
      case step::LocalKind::kScratch: st.scratch_offset = Narrow32(off); break;
    }
  }
  for (size_t t = 0; t < b.tensors.size(); ++t) {
    if (tile_offset[t] < 0 && sched.IsTileHeld(static_cast<int32_t>(t))) {
      // A tile of 0 bytes: no cell of it is computed or read (its consumers'
      // windows lie in padding), so any valid view will do.
      msf_slot slot{};
      slot.offset = 0;
      slot.h = 1, slot.w = 1, slot.c = b.tensors[t].channels;
      d.slots.push_back(slot);
      continue;
    }
    if (tile_offset[t] < 0) {
      d.slots.push_back(WholeSlot(g, live, b.tensors[t].id));
      continue;
    }
    msf_slot slot{};
    const bool reader = sched.IsRowReaderTile(static_cast<int32_t>(t));
    slot.offset = Narrow32(tile_offset[t]);
    slot.h = sched.rows().extent[t], slot.w = sched.TileWidth(static_cast<int32_t>(t)), slot.c = b.tensors[t].channels;
    slot.ring_y = sched.rows().ring || reader, slot.ring_x = sched.cols().ring && !reader;
    d.slots.push_back(slot);
  }
  for (const geometry::BlockOp& op : b.ops) {
    msf_step_op sop{};
    sop.kernel = KernelFor(g, op.op);
    sop.in[0] = sop.in[1] = -1;
    for (size_t k = 0; k < op.inputs.size() && k < 2; ++k) sop.in[k] = Narrow16(op.inputs[k]);
    sop.out = Narrow16(op.output);
    d.ops.push_back(sop);
  }
  st.out_slot = Narrow16(b.output);
  const auto need_table = [&](const geometry::AxisSchedule& axis, std::vector<msf_interval>* table, bool rows) {
    if (axis.ring) return;
    for (size_t t = 0; t < b.tensors.size(); ++t) {
      const bool full_width = !rows && sched.IsRowReaderTile(static_cast<int32_t>(t));  // origin column 0
      for (const geometry::Interval& iv : axis.need[t]) {
        table->push_back(full_width ? msf_interval{0, sched.full_width_of_reader} : msf_interval{iv.lo, iv.hi});
      }
    }
  };
  need_table(sched.rows(), &d.row_need, true);
  need_table(sched.cols(), &d.col_need, false);
  st.row_reader = Narrow16(sched.row_reader);
  for (const geometry::StreamAction& a : sched.rows().actions) d.row_actions.push_back({Narrow16(a.op), {a.cells.lo, a.cells.hi}});
  for (const geometry::StreamAction& a : sched.cols().actions) d.col_actions.push_back({Narrow16(a.op), {a.cells.lo, a.cells.hi}});
  st.row_patches = sched.rows().patches;
  st.col_patches = sched.cols().patches;

  st.head_kind = MSF_HEAD_NONE;
  if (!b.has_head()) return;
  const ir::Op& pool = g.ops[static_cast<size_t>(b.spatial_end)];
  const ir::Tensor& pool_in = g.tensor(pool.input());
  const DeviceKernel& pk = kernels_[static_cast<size_t>(KernelIndex(KernelFor(g, b.spatial_end)))];
  st.head_count = pool_in.H() * pool_in.W();
  if (pool.kind == ir::OpKind::kMean) {
    st.head_kind = MSF_HEAD_MEAN;
    st.head_mean = &pk.lowered.mean;
  } else {
    st.head_kind = MSF_HEAD_AVGPOOL;
    st.head_act_min = pk.lowered.pool.act_min;
    st.head_act_max = pk.lowered.pool.act_max;
  }
  std::map<ir::TensorId, int16_t> head_slot;
  const auto slot_of = [&](ir::TensorId t) {
    const ir::TensorId storage = live.storage[static_cast<size_t>(t)];
    auto it = head_slot.find(storage);
    if (it != head_slot.end()) return it->second;
    d.slots.push_back(WholeSlot(g, live, t));
    const int16_t slot = Narrow16(d.slots.size() - 1);
    head_slot[storage] = slot;
    return slot;
  };
  st.pooled_slot = slot_of(pool.output());
  for (int32_t i = b.spatial_end + 1; i < b.to; ++i) {
    const ir::Op& o = g.ops[static_cast<size_t>(i)];
    msf_step_op sop{};
    sop.kernel = KernelFor(g, i);
    sop.in[0] = slot_of(o.input());
    sop.in[1] = -1;
    sop.out = slot_of(o.output());
    d.head_ops.push_back(sop);
  }
}

}  // namespace msf::plan
