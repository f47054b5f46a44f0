// SPDX-License-Identifier: MIT
#include "geometry/block.h"

#include <algorithm>
#include <climits>

#include "ir/analysis.h"

namespace msf::geometry {
namespace {

bool IsHeadTailOp(const ir::Graph& g, const ir::Op& op) {
  switch (op.kind) {
    case ir::OpKind::kFullyConnected:
    case ir::OpKind::kReshape:
    case ir::OpKind::kSoftmax:
    case ir::OpKind::kQuantize:
      return true;
    case ir::OpKind::kConv2D: {  // a 1x1 conv on a 1x1 map is a dense layer
      const ir::Tensor& in = g.tensor(op.input());
      return in.H() == 1 && in.W() == 1 && op.conv().kernel_h == 1 && op.conv().kernel_w == 1;
    }
    default:
      return false;
  }
}

bool Fail(std::string* why, const std::string& text) {
  if (why != nullptr) *why = text;
  return false;
}

}  // namespace

std::optional<BlockStructure> AnalyzeBlock(const ir::Graph& g, int32_t from, int32_t to, std::string* why,
                                           const std::vector<int32_t>* last_use_in) {
  if (from < 0 || to > static_cast<int32_t>(g.ops.size()) || to - from < 2) {
    Fail(why, "a fused block needs at least two ops");
    return std::nullopt;
  }
  BlockStructure b;
  b.from = from, b.to = to, b.spatial_end = to;
  for (int32_t i = from; i < to; ++i) {
    const ir::Op& op = g.ops[static_cast<size_t>(i)];
    if (b.spatial_end == to) {
      if (IsGlobalPool(g, op) && i > from) {
        b.spatial_end = i;
      } else if (!IsSpatialOp(g, op)) {
        Fail(why, std::string(ir::OpKindName(op.kind)) + " cannot run patch by patch");
        return std::nullopt;
      }
    } else if (!IsHeadTailOp(g, op)) {
      Fail(why, std::string(ir::OpKindName(op.kind)) + " cannot follow a global pool in a block");
      return std::nullopt;
    }
  }
  // Every tensor produced inside must be consumed only inside (one output).
  std::vector<int32_t> computed;
  if (last_use_in == nullptr) computed = ir::LastUse(g);
  const std::vector<int32_t>& last_use = last_use_in != nullptr ? *last_use_in : computed;
  for (int32_t i = from; i < to - 1; ++i) {
    const ir::TensorId t = g.ops[static_cast<size_t>(i)].output();
    if (last_use[static_cast<size_t>(t)] >= to) {
      Fail(why, "tensor '" + g.tensor(t).name + "' is needed after the block");
      return std::nullopt;
    }
  }
  auto local_of = [&](ir::TensorId t) -> int32_t {
    for (size_t k = 0; k < b.tensors.size(); ++k) {
      if (b.tensors[k].id == t) return static_cast<int32_t>(k);
    }
    return -1;
  };
  for (int32_t i = from; i < b.spatial_end; ++i) {
    const ir::Op& op = g.ops[static_cast<size_t>(i)];
    BlockOp bop;
    bop.op = i;
    bop.macs_per_pixel = ir::MacsPerOutputPixel(g, op);
    for (ir::TensorId t : op.inputs) {
      if (t == ir::kNoTensor || g.tensor(t).IsConstant()) continue;
      int32_t local = local_of(t);
      if (local < 0) {  // produced before the block (block inputs and skips)
        b.tensors.push_back({t, TensorRole::kExternal, PixelBytes(g.tensor(t))});
        local = static_cast<int32_t>(b.tensors.size() - 1);
      }
      bop.inputs.push_back(local);
    }
    const ir::TensorId out = op.output();
    b.tensors.push_back({out, i == b.spatial_end - 1 ? TensorRole::kOutput : TensorRole::kInterior,
                         PixelBytes(g.tensor(out))});
    bop.output = static_cast<int32_t>(b.tensors.size() - 1);
    b.ops.push_back(std::move(bop));
  }
  b.output = b.ops.back().output;
  return b;
}

namespace {

// Patches of `size` cells each (the last may be shorter) over [0, n).
std::vector<Interval> Patches(int32_t n, int32_t size) {
  std::vector<Interval> p;
  for (int32_t lo = 0; lo < n; lo += size) p.push_back({lo, std::min(lo + size, n)});
  return p;
}

// Patched axis: each patch's cells are pulled backwards through the ops.
AxisSchedule PatchAxis(const ir::Graph& g, const BlockStructure& b, Axis axis, int32_t patch) {
  AxisSchedule s;
  const ir::Tensor& out = g.tensor(b.tensors[static_cast<size_t>(b.output)].id);
  const std::vector<Interval> patches = Patches(axis == Axis::kH ? out.H() : out.W(), patch);
  const size_t n = b.tensors.size(), np = patches.size();
  s.patches = static_cast<int32_t>(np);
  s.need.assign(n, std::vector<Interval>(np));
  s.extent.assign(n, 0);
  s.computed_total.assign(n, 0);
  std::vector<AxisWindow> windows;
  for (const BlockOp& op : b.ops) windows.push_back(OpAxisWindow(g, g.ops[static_cast<size_t>(op.op)], axis));
  for (size_t p = 0; p < np; ++p) {
    s.need[static_cast<size_t>(b.output)][p] = patches[p];
    for (size_t k = b.ops.size(); k-- > 0;) {  // consumers come after producers
      const BlockOp& op = b.ops[k];
      const Interval want = s.need[static_cast<size_t>(op.output)][p];
      const Interval in = InputInterval(windows[k], want);
      for (int32_t i : op.inputs) s.need[static_cast<size_t>(i)][p] = Hull(s.need[static_cast<size_t>(i)][p], in);
    }
  }
  for (size_t t = 0; t < n; ++t) {
    if (b.tensors[t].role == TensorRole::kExternal) continue;
    for (const Interval& r : s.need[t]) {
      s.extent[t] = std::max(s.extent[t], r.size());
      s.computed_total[t] += r.size();
    }
  }
  return s;
}

// Streamed axis: computes the output cell by cell; each cell first makes
// sure the input cells its window reads exist (recursively), so every
// tensor advances just ahead of its consumers.
class Streamer {
 public:
  Streamer(const ir::Graph& g, const BlockStructure& b, Axis axis) : b_(b) {
    const size_t n = b.tensors.size();
    producer_.assign(n, -1);
    size_.resize(n);
    for (size_t t = 0; t < n; ++t) {
      const ir::Tensor& tensor = g.tensor(b.tensors[t].id);
      size_[t] = axis == Axis::kH ? tensor.H() : tensor.W();
    }
    for (size_t k = 0; k < b.ops.size(); ++k) {
      producer_[static_cast<size_t>(b.ops[k].output)] = static_cast<int32_t>(k);
      windows_.push_back(OpAxisWindow(g, g.ops[static_cast<size_t>(b.ops[k].op)], axis));
    }
    s_.ring = true;
    s_.patches = 1;
    s_.extent.assign(n, 0);
    s_.computed_total.assign(n, 0);
    done_.assign(n, 0);
  }

  AxisSchedule Run() {
    const size_t out = static_cast<size_t>(b_.output);
    Ensure(out, size_[out]);
    return std::move(s_);
  }

 private:
  void Ensure(size_t t, int32_t hi) {
    if (producer_[t] < 0) return;  // external: whole tensor in RAM
    hi = std::min(hi, size_[t]);
    while (done_[t] < hi) {
      const int32_t j = done_[t];
      const size_t k = static_cast<size_t>(producer_[t]);
      const Interval in = InputInterval(windows_[k], {j, j + 1});
      for (int32_t i : b_.ops[k].inputs) Ensure(static_cast<size_t>(i), in.hi);
      for (int32_t i : b_.ops[k].inputs) {  // the window must still be resident
        const size_t u = static_cast<size_t>(i);
        if (producer_[u] >= 0 && !in.empty()) s_.extent[u] = std::max(s_.extent[u], done_[u] - in.lo);
      }
      Record(static_cast<int32_t>(k), j);
      done_[t] = j + 1;
      s_.extent[t] = std::max(s_.extent[t], 1);
      ++s_.computed_total[t];
    }
  }

  // Consecutive cells of one op merge into one action (one kernel call), so
  // the op's ring must hold the whole action at once.
  void Record(int32_t op, int32_t cell) {
    if (!s_.actions.empty() && s_.actions.back().op == op && s_.actions.back().cells.hi == cell) {
      ++s_.actions.back().cells.hi;
    } else {
      s_.actions.push_back({op, {cell, cell + 1}});
    }
    const size_t t = static_cast<size_t>(b_.ops[static_cast<size_t>(op)].output);
    s_.extent[t] = std::max(s_.extent[t], s_.actions.back().cells.size());
  }

  const BlockStructure& b_;
  std::vector<int32_t> producer_, size_, done_;
  std::vector<AxisWindow> windows_;
  AxisSchedule s_;
};

}  // namespace

int32_t PixelBytes(const ir::Tensor& t) { return t.C() * ir::DTypeBytes(t.type); }

bool BlockSchedule::IsRowReaderTile(int32_t local) const {
  return row_reader >= 0 && block().ops[static_cast<size_t>(row_reader)].output == local;
}

std::vector<Interval> BlockSchedule::RowReaderReads() const {
  std::vector<Interval> reads;
  if (row_reader < 0) return reads;
  int32_t next = 0;
  for (const Interval& need : rows().need[static_cast<size_t>(block().ops[static_cast<size_t>(row_reader)].output)]) {
    const Interval read{std::max(need.lo, next), need.hi};
    reads.push_back(read.empty() ? Interval{} : read);
    if (!read.empty()) next = read.hi;
  }
  return reads;
}

bool BlockSchedule::IsTileHeld(int32_t local) const {
  const BlockTensor& t = block().tensors[static_cast<size_t>(local)];
  return t.role == TensorRole::kInterior || (t.role == TensorRole::kOutput && OutputIsTiled());
}

int64_t BlockSchedule::TileBytes(int32_t local) const {
  if (!IsTileHeld(local)) return 0;
  const BlockTensor& t = block().tensors[static_cast<size_t>(local)];
  return int64_t{rows().extent[static_cast<size_t>(local)]} * TileWidth(local) * t.channels;
}

int32_t BlockSchedule::TileWidth(int32_t local) const {
  return IsRowReaderTile(local) ? full_width_of_reader : cols().extent[static_cast<size_t>(local)];
}

int64_t BlockSchedule::Macs(const ir::Graph& g) const {
  int64_t macs = 0;
  for (const BlockOp& op : block().ops) {
    const size_t t = static_cast<size_t>(op.output);
    macs += op.macs_per_pixel * rows().computed_total[t] * cols().computed_total[t];
  }
  for (int32_t i = block().spatial_end; i < block().to; ++i) macs += ir::OpMacs(g, g.ops[static_cast<size_t>(i)]);
  return macs;
}

AxisCache::AxisCache(const ir::Graph& g, std::shared_ptr<const BlockStructure> block) : g_(g), block_(std::move(block)) {}

std::shared_ptr<const AxisSchedule> AxisCache::Patched(Axis axis, int32_t patch) {
  auto& slot = cache_[{static_cast<int>(axis), patch}];
  if (!slot) slot = std::make_shared<const AxisSchedule>(PatchAxis(g_, *block_, axis, patch));
  return slot;
}

std::shared_ptr<const AxisSchedule> AxisCache::Streamed(Axis axis) {
  auto& slot = cache_[{static_cast<int>(axis), -1}];
  if (!slot) slot = std::make_shared<const AxisSchedule>(Streamer(g_, *block_, axis).Run());
  return slot;
}

BlockSchedule ScheduleBlock(AxisCache& cache, Reuse reuse, int32_t patch_h, int32_t patch_w) {
  const ir::Graph& g = cache.graph();
  const BlockStructure& block = *cache.block();
  BlockSchedule s;
  s.block_ptr = cache.block();
  s.reuse = reuse;
  const ir::Tensor& out = g.tensor(block.tensors[static_cast<size_t>(block.output)].id);
  s.patch_h = reuse == Reuse::kRows ? 1 : std::max(1, std::min(patch_h, out.H()));
  s.patch_w = reuse == Reuse::kRows ? out.W() : reuse == Reuse::kColumns ? 1 : std::max(1, std::min(patch_w, out.W()));
  s.rows_ptr = reuse == Reuse::kRows ? cache.Streamed(Axis::kH) : cache.Patched(Axis::kH, s.patch_h);
  s.cols_ptr = reuse == Reuse::kColumns ? cache.Streamed(Axis::kW) : cache.Patched(Axis::kW, s.patch_w);
  // A streamed input under patched rows: the reader fills a full-width ring
  // of rows before each row patch, with only the rows not read yet. Its row
  // needs must move forward (they do for windows and resize tables).
  const BlockOp& first = block.ops.front();
  if (g.input_mode == ir::InputMode::kStream && reuse != Reuse::kRows &&
      g.ops[static_cast<size_t>(first.op)].kind == ir::OpKind::kReadInput) {
    const std::vector<Interval>& need = s.rows().need[static_cast<size_t>(first.output)];
    bool forward = true;
    Interval last;
    for (const Interval& iv : need) {
      if (iv.empty()) continue;
      forward = forward && (last.empty() || (iv.lo >= last.lo && iv.hi >= last.hi));
      last = iv;
    }
    if (forward) {
      s.row_reader = 0;
      s.full_width_of_reader = g.tensor(block.tensors[static_cast<size_t>(first.output)].id).W();
    }
  }
  return s;
}

BlockSchedule ScheduleBlock(const ir::Graph& g, const BlockStructure& block, Reuse reuse, int32_t patch_h,
                            int32_t patch_w) {
  AxisCache cache(g, std::make_shared<const BlockStructure>(block));
  return ScheduleBlock(cache, reuse, patch_h, patch_w);
}

}  // namespace msf::geometry
