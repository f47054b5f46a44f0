// SPDX-License-Identifier: MIT
#include "step/step_memory.h"

#include <algorithm>
#include <climits>
#include <utility>

#include "ir/analysis.h"
#include "lower/lowering.h"
#include "lower/quantize_multiplier.h"
#include "msf_rt/msf_plan.h"

namespace msf::step {

geometry::Reuse ReuseOf(Variant v) {
  switch (v) {
    case Variant::kHCache: return geometry::Reuse::kColumns;
    case Variant::kLineBuffer: return geometry::Reuse::kRows;
    default: return geometry::Reuse::kNone;
  }
}

int64_t StepMemory::Bytes(bool count_io) const {
  int64_t total = 0;
  for (size_t i = 0; i < whole.size(); ++i) {
    if (count_io || !whole_is_excluded_io[i]) total += whole_bytes[i];
  }
  for (const LocalBuffer& b : locals) total += b.bytes;
  return total;
}

namespace {

bool HasWindow(ir::OpKind kind) {
  return kind == ir::OpKind::kConv2D || kind == ir::OpKind::kDepthwiseConv2D ||
         kind == ir::OpKind::kAveragePool2D || kind == ir::OpKind::kMaxPool2D;
}

// Along one axis of a windowed op: prefix[o] = sum over output cells o' < o
// of the kernel offsets that land inside the input (the kernels skip the rest).
// Prefix sums over one axis's output cells of the in-input taps (inside)
// and of the cells whose taps are all inside (interior).
void WindowPrefixes(const ir::Graph& g, const ir::Op& op, geometry::Axis axis, std::vector<int64_t>* inside_prefix,
                    std::vector<int64_t>* interior_prefix) {
  const geometry::AxisWindow w = geometry::OpAxisWindow(g, op, axis);
  const ir::Tensor& out = g.tensor(op.output());
  const int32_t n = axis == geometry::Axis::kH ? out.H() : out.W();
  inside_prefix->assign(static_cast<size_t>(n) + 1, 0);
  interior_prefix->assign(static_cast<size_t>(n) + 1, 0);
  for (int32_t o = 0; o < n; ++o) {
    // Taps j in [0, kernel) with 0 <= base + j * dilation < in_size, in O(1)
    // (a loop over the taps made huge windows cost cells x taps).
    const int64_t base = int64_t{o} * w.stride - w.pad_before, d = w.dilation;
    const int64_t j_lo = base >= 0 ? 0 : (-base + d - 1) / d;
    const int64_t j_hi = std::min<int64_t>(w.kernel - 1, base > w.in_size - 1 ? -1 : (w.in_size - 1 - base) / d);
    const int64_t inside = std::max<int64_t>(0, j_hi - j_lo + 1);
    const size_t at = static_cast<size_t>(o);
    (*inside_prefix)[at + 1] = (*inside_prefix)[at] + inside;
    (*interior_prefix)[at + 1] = (*interior_prefix)[at] + (inside == w.kernel ? 1 : 0);
  }
}

}  // namespace

int64_t StepMacs(const ir::Graph& g, const StepMemory& m, const StepSpec& step) {
  return m.schedule ? m.schedule->Macs(g) : ir::OpMacs(g, g.ops[static_cast<size_t>(step.from)]);
}

WholeBuffer WholeBufferOf(const ir::Graph& g, const GraphLiveness& live, ir::TensorId t) {
  const ir::TensorId s = live.storage[static_cast<size_t>(t)];
  for (size_t i = 0; i < g.inputs.size(); ++i) {
    if (g.inputs[i] == t) return {WholeBuffer::Kind::kInput, static_cast<int64_t>(i)};
  }
  for (size_t i = 0; i < g.outputs.size(); ++i) {
    if (live.storage[static_cast<size_t>(g.outputs[i])] == s) return {WholeBuffer::Kind::kOutput, static_cast<int64_t>(i)};
  }
  for (size_t i = 0; i < g.inputs.size(); ++i) {
    if (live.storage[static_cast<size_t>(g.inputs[i])] == s) return {WholeBuffer::Kind::kInput, static_cast<int64_t>(i)};
  }
  return {WholeBuffer::Kind::kArena, s};
}

GraphLiveness ComputeLiveness(const ir::Graph& g) {
  GraphLiveness l;
  l.storage = ir::StorageIds(g);
  const size_t n = g.tensors.size();
  const std::vector<int32_t> last = ir::LastUse(g);
  l.tensor_last_use = last;
  l.inside_prefix.resize(g.ops.size());
  l.interior_prefix.resize(g.ops.size());
  for (size_t i = 0; i < g.ops.size(); ++i) {
    if (!HasWindow(g.ops[i].kind)) continue;
    WindowPrefixes(g, g.ops[i], geometry::Axis::kH, &l.inside_prefix[i][0], &l.interior_prefix[i][0]);
    WindowPrefixes(g, g.ops[i], geometry::Axis::kW, &l.inside_prefix[i][1], &l.interior_prefix[i][1]);
  }
  for (size_t t = 0; t < n; ++t) {
    if (!g.tensors[t].IsConstant() && l.storage[t] == static_cast<ir::TensorId>(t)) {
      l.activation_storages.push_back(static_cast<ir::TensorId>(t));
    }
  }
  l.op_scratch.assign(g.ops.size(), 0);
  l.wide_requant.assign(g.ops.size(), 0);
  l.fixed_length_pairs.assign(g.ops.size(), 0);
  for (size_t i = 0; i < g.ops.size(); ++i) {
    const ir::Op& op = g.ops[i];
    l.op_scratch[i] = lower::ScratchBytes(g, op);
    // Lowering decides the requantisation path and the runtime its pixel
    // pairs' kernel (once per op, per graph).
    if (op.kind == ir::OpKind::kConv2D || op.kind == ir::OpKind::kDepthwiseConv2D) {
      const lower::LoweredOp lowered = lower::Lower(g, op);
      l.wide_requant[i] = lowered.NarrowRequantPath() ? 0 : 1;
      if (op.kind == ir::OpKind::kConv2D) {
        l.fixed_length_pairs[i] = msf_conv_s8_fixed_length_pairs(&lowered.conv) ? 1 : 0;
      }
    }
  }
  l.born.assign(n, INT32_MAX);
  l.last_use.assign(n, -1);
  l.bytes.assign(n, 0);
  for (ir::TensorId t : g.inputs) l.born[static_cast<size_t>(l.storage[static_cast<size_t>(t)])] = -1;
  for (size_t i = 0; i < g.ops.size(); ++i) {
    const size_t s = static_cast<size_t>(l.storage[static_cast<size_t>(g.ops[i].output())]);
    l.born[s] = std::min(l.born[s], static_cast<int32_t>(i));
  }
  for (size_t t = 0; t < n; ++t) {
    if (g.tensors[t].IsConstant()) continue;
    const size_t s = static_cast<size_t>(l.storage[t]);
    l.last_use[s] = std::max({l.last_use[s], last[t], l.born[s] == INT32_MAX ? -1 : l.born[s]});
    l.bytes[s] = std::max(l.bytes[s], g.tensors[t].Bytes());
  }
  return l;
}

namespace {

// Network input and output live in the caller's buffers, never in the
// arena, so they are not counted (the paper's convention, applied per step).
bool IsExcludedIo(const ir::Graph& g, const GraphLiveness& live, ir::TensorId storage) {
  for (ir::TensorId t : g.inputs) if (live.storage[static_cast<size_t>(t)] == storage) return true;
  for (ir::TensorId t : g.outputs) if (live.storage[static_cast<size_t>(t)] == storage) return true;
  return false;
}

// Whole tensors live during ops [from, to), excluding `tiled` storages
// (block tensors that only ever exist as tiles). A streamed graph input is
// the sensor's, on no device buffer: only its readers' outputs hold bytes.
void AddWholeTensors(const ir::Graph& g, const GraphLiveness& live, int32_t from, int32_t to,
                     const std::vector<bool>& tiled, StepMemory* m) {
  for (ir::TensorId id : live.activation_storages) {
    const size_t s = static_cast<size_t>(id);
    if (live.born[s] == INT32_MAX || tiled[s]) continue;
    if (live.born[s] == -1 && g.input_mode != ir::InputMode::kResident) continue;
    const bool produced_inside = live.born[s] >= from && live.born[s] < to;
    const bool crosses_in = live.born[s] < from && live.last_use[s] >= from;
    if (!produced_inside && !crosses_in) continue;
    m->whole.push_back(static_cast<ir::TensorId>(s));
    m->whole_bytes.push_back(live.bytes[s]);
    m->whole_is_excluded_io.push_back(IsExcludedIo(g, live, static_cast<ir::TensorId>(s)));
  }
}

int64_t MaxScratch(const GraphLiveness& live, int32_t from, int32_t to) {
  int64_t scratch = 0;
  for (int32_t i = from; i < to; ++i) scratch = std::max(scratch, live.op_scratch[static_cast<size_t>(i)]);
  return scratch;
}

}  // namespace

StepMemory DescribeFusedStep(const ir::Graph& g, const GraphLiveness& live, geometry::BlockSchedule schedule) {
  StepMemory m;
  const geometry::BlockStructure& b = schedule.block();
  std::vector<bool> tiled(g.tensors.size(), false);
  for (size_t k = 0; k < b.tensors.size(); ++k) {
    if (!schedule.IsTileHeld(static_cast<int32_t>(k))) continue;
    // A tile-held tensor is never whole, even when no cell of it is needed
    // (every window of its consumers lies in padding): then it takes no bytes.
    tiled[static_cast<size_t>(live.storage[static_cast<size_t>(b.tensors[k].id)])] = true;
    if (schedule.TileBytes(static_cast<int32_t>(k)) > 0) {
      m.locals.push_back({LocalKind::kTile, static_cast<int32_t>(k), schedule.TileBytes(static_cast<int32_t>(k))});
    }
  }
  if (b.has_head()) {
    const int32_t channels = b.tensors[static_cast<size_t>(b.output)].channels;
    m.locals.push_back({LocalKind::kSums, -1, int64_t{channels} * 4});
  }
  AddWholeTensors(g, live, b.from, b.to, tiled, &m);
  // The head's global pool is finished from the sums, not by its kernel.
  const int64_t scratch = MaxScratch(live, b.from, b.spatial_end);
  const int64_t head_scratch = b.has_head() ? MaxScratch(live, b.spatial_end + 1, b.to) : 0;
  if (std::max(scratch, head_scratch) > 0) m.locals.push_back({LocalKind::kScratch, -1, std::max(scratch, head_scratch)});
  m.schedule = std::move(schedule);
  return m;
}

std::optional<StepMemory> DescribeStep(const ir::Graph& g, const GraphLiveness& live, const StepSpec& step) {
  if (step.kind == StepKind::kLayer) {
    if (step.to != step.from + 1) return std::nullopt;
    StepMemory m;
    AddWholeTensors(g, live, step.from, step.to, std::vector<bool>(g.tensors.size(), false), &m);
    const int64_t scratch = MaxScratch(live, step.from, step.to);
    if (scratch > 0) m.locals.push_back({LocalKind::kScratch, -1, scratch});
    return m;
  }
  std::optional<geometry::BlockStructure> block = geometry::AnalyzeBlock(g, step.from, step.to, nullptr, &live.tensor_last_use);
  if (!block) return std::nullopt;
  return DescribeFusedStep(g, live, geometry::ScheduleBlock(g, *block, ReuseOf(step.variant), step.patch_h, step.patch_w));
}

LayerByLayer LayerByLayerRam(const ir::Graph& g, const GraphLiveness& live) {
  LayerByLayer l;
  for (int32_t i = 0; i < static_cast<int32_t>(g.ops.size()); ++i) {
    const StepMemory m = *DescribeStep(g, live, LayerStep(i));
    l.bytes.push_back(m.Bytes(false));
    l.bytes_with_io.push_back(m.Bytes(true));
    if (l.bytes.back() > l.peak || l.peak_op < 0) {
      l.peak = l.bytes.back();
      l.peak_op = i;
    }
    l.peak_with_io = std::max(l.peak_with_io, l.bytes_with_io.back());
  }
  return l;
}

int WorkKindOf(const ir::Graph& g, const ir::Op& op) {
  if (op.kind == ir::OpKind::kDepthwiseConv2D) {
    const ir::ConvAttrs& a = op.conv();
    if (a.kernel_h != 3 || a.kernel_w != 3 || a.depth_multiplier != 1) return kWorkDepthwiseGeneral;
  }
  if (op.kind == ir::OpKind::kConv2D && (op.conv().kernel_h != 1 || op.conv().kernel_w != 1)) return kWorkConvKxk;
  const int kind = lower::KernelKindOf(g, op);
  switch (kind) {  // kernels newer than the calibration: the nearest calibrated family
    case MSF_KERNEL_QUANTIZE_F32:
    case MSF_KERNEL_DEQUANTIZE_F32:
    case MSF_KERNEL_LOGISTIC:
    case MSF_KERNEL_HARD_SWISH: return MSF_KERNEL_REQUANTIZE;
    case MSF_KERNEL_RESIZE_NEAREST:
    case MSF_KERNEL_CONCAT_PART:
    case MSF_KERNEL_TRANSPOSE:
    case MSF_KERNEL_READ_INPUT: return MSF_KERNEL_COPY;
    case MSF_KERNEL_MUL:
    case MSF_KERNEL_MUL_4D: return MSF_KERNEL_ADD;
    default: return kind;
  }
}

namespace {

// Pixels of an activation: its elements over its channels (1 for vectors).
int64_t PixelsOf(const ir::Tensor& t) {
  const int64_t c = t.shape.size() == 4 ? t.C() : (t.shape.empty() ? 1 : t.shape.back());
  return c > 0 ? t.NumElements() / c : 0;
}

int64_t NonEmpty(const std::vector<geometry::Interval>& v) {
  int64_t n = 0;
  for (const geometry::Interval& iv : v) n += iv.empty() ? 0 : 1;
  return n;
}

// Cells, in-input kernel offsets and interior cells over computed
// intervals of one axis.
struct AxisCount {
  int64_t cells = 0, inside = 0, interior = 0;
  void Add(const std::vector<int64_t>& prefix, const std::vector<int64_t>& interior_prefix, geometry::Interval iv) {
    cells += iv.size();
    const int32_t n = static_cast<int32_t>(prefix.size()) - 1;
    const int32_t lo = std::clamp(iv.lo, 0, n), hi = std::clamp(iv.hi, 0, n);
    if (hi > lo) {
      inside += prefix[static_cast<size_t>(hi)] - prefix[static_cast<size_t>(lo)];
      interior += interior_prefix[static_cast<size_t>(hi)] - interior_prefix[static_cast<size_t>(lo)];
    }
  }
};

// Whether a convolution's output stage clamps two-sided (msf_rq_stage with
// full = 0): its fused activation range is narrower than int8 (a ReLU6
// whose output scale is not TFLite's 6/255, say). Others have none.
bool ClampsOutput(const ir::Graph& g, const ir::Op& op) {
  if (op.kind != ir::OpKind::kConv2D && op.kind != ir::OpKind::kDepthwiseConv2D) return false;
  const ir::Tensor& out = g.tensor(op.output());
  int32_t lo = -128, hi = 127;
  lower::CalculateActivationRangeQuantized(op.conv().act, out.quant.Scale(), out.quant.ZeroPoint(), &lo, &hi);
  return lo != -128 || hi != 127;
}

// A convolution pairs its interior pixels (runtime/src/msf_conv_s8.c); a
// call with an odd number of them runs the last alone. Its MACs:
int64_t InteriorPixelMacs(const ir::Graph& g, const ir::Op& conv) {
  const ir::ConvAttrs& a = conv.conv();
  return int64_t{a.kernel_h} * a.kernel_w * g.tensor(conv.input()).C() * g.tensor(conv.output()).C();
}

// Window counts of op `op_index` over rows x cols of computed cells.
void AddWindowWork(const ir::Graph& g, const GraphLiveness& live, int32_t op_index, const AxisCount& rows,
                   const AxisCount& cols, StepWork* w) {
  const ir::Op& op = g.ops[static_cast<size_t>(op_index)];
  const size_t k = static_cast<size_t>(WorkKindOf(g, op));
  const int64_t channels = g.tensor(op.output()).C();
  const int64_t taps = rows.inside * cols.inside * channels;
  const int64_t cells = rows.cells * cols.cells, interior = rows.interior * cols.interior;
  const bool conv = op.kind == ir::OpKind::kConv2D;
  const int64_t in_c = conv ? g.tensor(op.input()).C() : 1;  // a convolution's tap is in_c MACs
  const int64_t macs = taps * in_c;
  w->pixels[k] += cells;
  w->border_pixels[k] += cells - interior;
  w->border_bytes[k] += (cells - interior) * channels;
  w->taps[k] += taps;
  w->tap_rows[k] += rows.inside * cols.cells * channels;
  w->executed_macs[k] += macs;
  if (conv && !live.fixed_length_pairs[static_cast<size_t>(op_index)]) {
    w->loop_macs[k] += macs;
  } else if (conv) {
    // Pixels whose window is clipped run the looping border path (the stem's).
    w->loop_macs[k] += macs - interior * InteriorPixelMacs(g, op);
    if (in_c == 16) w->k16_macs[k] += macs;  // 1x1 (no border); the stem's K is 3
  }
  // The blocked loops take 4 channels (depthwise, pools) or 4 elements of a
  // window row run (convolutions: kernel_w * in_c) at a time; the rest runs
  // one by one.
  if (conv) {
    w->tail_elems[k] += rows.inside * cols.cells * channels * (op.conv().kernel_w * in_c % 4);
  } else {
    w->tail_elems[k] += rows.inside * cols.inside * (channels % 4);
  }
}

// Convolutions and depthwise convolutions walk a tall rectangle (w < h)
// column by column, every other rectangle row by row (runtime/src): their
// outer loop runs min(h, w) times; the other kernels' runs h times.
bool WalksColumns(ir::OpKind kind) { return kind == ir::OpKind::kConv2D || kind == ir::OpKind::kDepthwiseConv2D; }

// Outer-loop lines of the calls on every rectangle rows[i] x cols[j]
// (interval sizes, empty ones included: they add nothing).
int64_t LinesOf(bool walks_columns, std::vector<int64_t> rows, std::vector<int64_t> cols) {
  if (!walks_columns) {
    int64_t nonempty_cols = 0, row_sum = 0;
    for (int64_t c : cols) nonempty_cols += c > 0 ? 1 : 0;
    for (int64_t r : rows) row_sum += r;
    return row_sum * nonempty_cols;
  }
  // Sum of min(h, w) over all pairs: both sorted, each h meets the widths
  // below it (their sum) and h for every other one, in one merge.
  std::sort(rows.begin(), rows.end());
  std::sort(cols.begin(), cols.end());
  int64_t lines = 0, below_sum = 0;
  size_t below = 0;
  for (int64_t h : rows) {
    while (below < cols.size() && cols[below] < h) below_sum += cols[below++];
    lines += below_sum + h * static_cast<int64_t>(cols.size() - below);
  }
  return lines;
}

// Output bytes `bytes` of op `op`: the output-stage counts.
void AddOutputBytes(const ir::Graph& g, const GraphLiveness& live, int32_t op, size_t k, int64_t bytes, StepWork* w) {
  const ir::Op& o = g.ops[static_cast<size_t>(op)];
  w->out_bytes[k] += bytes;
  if (ClampsOutput(g, o)) {
    w->clamp_bytes[k] += bytes;  // the kernels' clamping stages are wide ones: counted here alone
  } else if (live.wide_requant[static_cast<size_t>(op)]) {
    w->wide_bytes[k] += bytes;
  }
}

void AddWholeOp(const ir::Graph& g, const GraphLiveness& live, int32_t op, StepWork* w) {
  const ir::Op& o = g.ops[static_cast<size_t>(op)];
  const size_t k = static_cast<size_t>(WorkKindOf(g, o));
  w->calls[k] += 1;
  if (o.kind == ir::OpKind::kReshape && WholeBufferOf(g, live, o.input()) == WholeBufferOf(g, live, o.output())) {
    return;  // in place: the copy kernel's call alone
  }
  w->macs[k] += ir::OpMacs(g, o);
  AddOutputBytes(g, live, op, k, g.tensor(o.output()).Bytes(), w);
  if (const ir::Tensor& out = g.tensor(o.output()); out.shape.size() == 4) {
    w->lines[k] += LinesOf(WalksColumns(o.kind), {out.H()}, {out.W()});
  }
  if (o.kind == ir::OpKind::kConv2D) {
    const size_t i = static_cast<size_t>(op);
    const int64_t interior = live.interior_prefix[i][0].back() * live.interior_prefix[i][1].back();
    w->lone_macs[k] += interior % 2 * InteriorPixelMacs(g, o);
  }
  if (HasWindow(o.kind)) {
    const ir::Tensor& out = g.tensor(o.output());
    const size_t i = static_cast<size_t>(op);
    AxisCount rows, cols;
    rows.Add(live.inside_prefix[i][0], live.interior_prefix[i][0], {0, out.H()});
    cols.Add(live.inside_prefix[i][1], live.interior_prefix[i][1], {0, out.W()});
    AddWindowWork(g, live, op, rows, cols, w);
  } else {
    w->executed_macs[k] += ir::OpMacs(g, o);
    w->pixels[k] += PixelsOf(g.tensor(o.output()));
  }
}

// Computed intervals of block op `i` (output local `t`) along one axis.
AxisCount CountAxis(const geometry::AxisSchedule& a, size_t i, size_t t, const std::vector<int64_t>& prefix,
                    const std::vector<int64_t>& interior_prefix) {
  AxisCount c;
  if (a.ring) {
    for (const geometry::StreamAction& act : a.actions) {
      if (static_cast<size_t>(act.op) == i) c.Add(prefix, interior_prefix, act.cells);
    }
  } else {
    for (const geometry::Interval& iv : a.need[t]) c.Add(prefix, interior_prefix, iv);
  }
  return c;
}

// The intervals every block op is called on along one axis (its stream
// actions on a ring axis, else its output local's patch needs): their
// sizes, and how many of their cells are interior (window inside the input;
// 0 for ops without a window).
struct Spans {
  std::vector<int64_t> sizes, interior;
};
std::vector<Spans> CallSpans(const geometry::AxisSchedule& a, const geometry::BlockStructure& b, const ir::Graph& g,
                             const GraphLiveness& live, int axis) {
  std::vector<Spans> spans(b.ops.size());
  for (size_t i = 0; i < b.ops.size(); ++i) {
    const size_t n = a.ring ? 0 : a.need[static_cast<size_t>(b.ops[i].output)].size();
    spans[i].sizes.reserve(n), spans[i].interior.reserve(n);
  }
  const auto add = [&](size_t i, geometry::Interval iv) {
    spans[i].sizes.push_back(iv.size());
    const size_t gi = static_cast<size_t>(b.ops[i].op);
    int64_t interior = 0;
    if (HasWindow(g.ops[gi].kind)) {
      const std::vector<int64_t>& prefix = live.interior_prefix[gi][static_cast<size_t>(axis)];
      const int32_t n = static_cast<int32_t>(prefix.size()) - 1;
      const int32_t lo = std::clamp(iv.lo, 0, n), hi = std::clamp(iv.hi, 0, n);
      if (hi > lo) interior = prefix[static_cast<size_t>(hi)] - prefix[static_cast<size_t>(lo)];
    }
    spans[i].interior.push_back(interior);
  };
  if (a.ring) {
    for (const geometry::StreamAction& act : a.actions) add(static_cast<size_t>(act.op), act.cells);
  } else {
    for (size_t i = 0; i < b.ops.size(); ++i) {
      for (const geometry::Interval& iv : a.need[static_cast<size_t>(b.ops[i].output)]) add(i, iv);
    }
  }
  return spans;
}

// Calls of a block op on rows[i] x cols[j] whose interior pixel count is
// odd (both counts odd): each runs one pixel alone.
int64_t OddInteriorCalls(const Spans& rows, const Spans& cols) {
  int64_t odd_rows = 0, odd_cols = 0;
  for (int64_t n : rows.interior) odd_rows += n % 2;
  for (int64_t n : cols.interior) odd_cols += n % 2;
  return odd_rows * odd_cols;
}

}  // namespace

StepWork StepWorkOf(const ir::Graph& g, const GraphLiveness& live, const StepMemory& m, const StepSpec& step) {
  StepWork w;
  if (!m.schedule) {
    AddWholeOp(g, live, step.from, &w);
    return w;
  }
  const geometry::BlockSchedule& s = *m.schedule;
  const geometry::BlockStructure& b = s.block();
  std::vector<int64_t> row_calls(b.ops.size(), 0), col_calls(b.ops.size(), 0);
  for (const geometry::StreamAction& a : s.rows().actions) ++row_calls[static_cast<size_t>(a.op)];
  for (const geometry::StreamAction& a : s.cols().actions) ++col_calls[static_cast<size_t>(a.op)];
  // Streamed axes: the taps of each op's actions, in one pass.
  std::vector<AxisCount> row_counts(b.ops.size()), col_counts(b.ops.size());
  const auto count_actions = [&](const geometry::AxisSchedule& a, int axis, std::vector<AxisCount>* counts) {
    for (const geometry::StreamAction& act : a.actions) {
      const size_t i = static_cast<size_t>(act.op);
      const size_t gi = static_cast<size_t>(b.ops[i].op), ax = static_cast<size_t>(axis);
      const std::vector<int64_t>& prefix = live.inside_prefix[gi][ax];
      if (prefix.empty()) {
        (*counts)[i].cells += act.cells.size();
      } else {
        (*counts)[i].Add(prefix, live.interior_prefix[gi][ax], act.cells);
      }
    }
  };
  if (s.rows().ring) count_actions(s.rows(), 0, &row_counts);
  if (s.cols().ring) count_actions(s.cols(), 1, &col_counts);
  std::vector<Spans> row_spans = CallSpans(s.rows(), b, g, live, 0), col_spans = CallSpans(s.cols(), b, g, live, 1);
  for (size_t i = 0; i < b.ops.size(); ++i) {
    const geometry::BlockOp& op = b.ops[i];
    const size_t t = static_cast<size_t>(op.output);
    const size_t k = static_cast<size_t>(WorkKindOf(g, g.ops[static_cast<size_t>(op.op)]));
    if (static_cast<int32_t>(i) == s.row_reader) {  // full rows not read before, once per row patch
      for (const geometry::Interval& read : s.RowReaderReads()) {
        if (read.empty()) continue;
        const int64_t pixels = int64_t{read.size()} * s.full_width_of_reader;
        w.pixels[k] += pixels;
        w.out_bytes[k] += pixels * b.tensors[t].channels;
        w.calls[k] += 1;
      }
      continue;
    }
    const int64_t cells = s.rows().computed_total[t] * s.cols().computed_total[t];
    w.macs[k] += op.macs_per_pixel * cells;
    const ir::Op& gop = g.ops[static_cast<size_t>(op.op)];
    if (HasWindow(gop.kind)) {
      const auto& prefix = live.inside_prefix[static_cast<size_t>(op.op)];
      const auto& interior = live.interior_prefix[static_cast<size_t>(op.op)];
      AddWindowWork(g, live, op.op, s.rows().ring ? row_counts[i] : CountAxis(s.rows(), i, t, prefix[0], interior[0]),
                    s.cols().ring ? col_counts[i] : CountAxis(s.cols(), i, t, prefix[1], interior[1]), &w);
    } else {
      w.executed_macs[k] += op.macs_per_pixel * cells;
      w.pixels[k] += cells;
    }
    AddOutputBytes(g, live, op.op, k, cells * b.tensors[t].channels, &w);
    const int64_t rows = s.rows().ring ? row_calls[i] : NonEmpty(s.rows().need[t]);
    const int64_t cols = s.cols().ring ? col_calls[i] : NonEmpty(s.cols().need[t]);
    w.calls[k] += rows * cols;
    if (gop.kind == ir::OpKind::kConv2D) w.lone_macs[k] += OddInteriorCalls(row_spans[i], col_spans[i]) * InteriorPixelMacs(g, gop);
    w.lines[k] += LinesOf(WalksColumns(gop.kind), std::move(row_spans[i].sizes), std::move(col_spans[i].sizes));
  }
  // Loop iterations of the patch loop (empty cells included).
  const int64_t nr = s.rows().ring ? 1 : s.rows().patches, nc = s.cols().ring ? 1 : s.cols().patches;
  const int64_t per_pass = s.cols().ring ? static_cast<int64_t>(s.cols().actions.size())
                           : s.rows().ring ? static_cast<int64_t>(s.rows().actions.size())
                                         : static_cast<int64_t>(b.ops.size());
  w.calls[0] += nr * nc * per_pass;
  if (b.has_head()) {
    const ir::Op& pool = g.ops[static_cast<size_t>(b.spatial_end)];
    const size_t k = static_cast<size_t>(WorkKindOf(g, pool));
    w.macs[k] += ir::OpMacs(g, pool);  // the per-pixel sums
    w.executed_macs[k] += ir::OpMacs(g, pool);
    w.pixels[k] += PixelsOf(g.tensor(pool.output()));
    w.calls[k] += 1;
    w.out_bytes[k] += g.tensor(pool.output()).Bytes();
    for (int32_t i = b.spatial_end + 1; i < b.to; ++i) AddWholeOp(g, live, i, &w);
  }
  return w;
}

}  // namespace msf::step
