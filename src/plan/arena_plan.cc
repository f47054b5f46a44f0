// SPDX-License-Identifier: MIT
#include "plan/arena_plan.h"

#include <algorithm>
#include <functional>
#include <numeric>
#include <string>

#include "base/error.h"
#include "msf_rt/msf_plan.h"

namespace msf::plan {
namespace {

bool IsNetworkIo(const ir::Graph& g, const step::GraphLiveness& live, ir::TensorId storage) {
  for (ir::TensorId t : g.inputs) if (live.storage[static_cast<size_t>(t)] == storage) return true;
  for (ir::TensorId t : g.outputs) if (live.storage[static_cast<size_t>(t)] == storage) return true;
  return false;
}

void ValidatePlan(const ir::Graph& g, const plan::Plan& plan) {
  if (g.inputs.empty() || g.outputs.empty()) throw Error("a plan runs models with at least one input and one output");
  const int32_t n = static_cast<int32_t>(g.ops.size());
  if (plan.num_ops != n) {
    throw Error("plan is for " + std::to_string(plan.num_ops) + " ops but the model has " + std::to_string(n));
  }
  int32_t next = 0;
  for (size_t i = 0; i < plan.steps.size(); ++i) {
    const plan::PlanStep& s = plan.steps[i];
    const std::string where = "plan step " + std::to_string(i) + " (ops " + std::to_string(s.from) + ".." +
                              std::to_string(s.to - 1) + ")";
    if (s.from != next) throw Error(where + ": steps must cover the ops in order without gaps or overlaps");
    if (s.to <= s.from || s.to > n) throw Error(where + ": op range outside the model");
    if (s.kind == step::StepKind::kLayer && s.to != s.from + 1) throw Error(where + ": a layer step runs one op");
    if (s.kind == step::StepKind::kFused) {
      if (s.variant == step::Variant::kNone) throw Error(where + ": a fused step needs a variant");
      if (s.patch_h < 1 || s.patch_w < 1) throw Error(where + ": patch sizes must be >= 1");
      std::string why;
      if (!geometry::AnalyzeBlock(g, s.from, s.to, &why)) throw Error(where + " cannot be fused: " + why);
    }
    next = s.to;
  }
  if (next != n) throw Error("plan steps end at op " + std::to_string(next - 1) + " but the model has " + std::to_string(n) + " ops");
}

// Lowest aligned offset where `b` fits beside the already placed buffers
// whose lifetimes overlap its own.
int64_t FirstFit(const ArenaBuffer& b, const std::vector<const ArenaBuffer*>& placed) {
  std::vector<std::pair<int64_t, int64_t>> busy;
  for (const ArenaBuffer* p : placed) {
    if (p->last_step < b.first_step || p->first_step > b.last_step) continue;
    busy.emplace_back(p->offset, p->offset + p->bytes);
  }
  std::sort(busy.begin(), busy.end());
  int64_t offset = 0;
  for (const auto& [lo, hi] : busy) {
    offset = (offset + b.align - 1) / b.align * b.align;
    if (offset + b.bytes <= lo) break;
    offset = std::max(offset, hi);
  }
  return (offset + b.align - 1) / b.align * b.align;
}

// Highest aligned offset <= limit - bytes where `b` fits, or -1.
int64_t LastFit(const ArenaBuffer& b, const std::vector<const ArenaBuffer*>& placed, int64_t limit) {
  std::vector<std::pair<int64_t, int64_t>> busy;
  for (const ArenaBuffer* p : placed) {
    if (p->last_step < b.first_step || p->first_step > b.last_step) continue;
    busy.emplace_back(p->offset, p->offset + p->bytes);
  }
  std::sort(busy.begin(), busy.end(), [](auto x, auto y) { return x.second > y.second; });
  int64_t top = limit;  // candidate end of the buffer
  for (;;) {
    if (top - b.bytes < 0) return -1;
    const int64_t offset = (top - b.bytes) / b.align * b.align;
    bool moved = false;
    for (const auto& [lo, hi] : busy) {
      if (offset < hi && lo < offset + b.bytes) {
        top = lo;
        moved = true;
        break;
      }
    }
    if (!moved) return offset;
  }
}

// Ping-pong: whole tensors alternate between the bottom and the top of an
// arena of the target size, so a step's input and output sit at opposite
// ends and its tiles fill the middle; this reaches the lower bound on chains.
int64_t PlaceTwoSided(std::vector<ArenaBuffer>& buffers, int64_t target, bool start_top, bool locals_top) {
  std::vector<size_t> order(buffers.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) {
    const ArenaBuffer &a = buffers[x], &b = buffers[y];
    if (a.first_step != b.first_step) return a.first_step < b.first_step;
    const bool wa = a.storage != ir::kNoTensor, wb = b.storage != ir::kNoTensor;
    if (wa != wb) return wa;
    return a.bytes > b.bytes;
  });
  std::vector<const ArenaBuffer*> placed;
  int64_t arena = 0;
  bool top = start_top;
  for (size_t i : order) {
    ArenaBuffer& b = buffers[i];
    int64_t offset = -1;
    if (b.storage != ir::kNoTensor) {
      offset = top ? LastFit(b, placed, target) : FirstFit(b, placed);
      if (!top && offset + b.bytes > target) offset = LastFit(b, placed, target);
      top = !top;
    } else {
      offset = locals_top ? LastFit(b, placed, target) : FirstFit(b, placed);
    }
    if (offset < 0 || offset + b.bytes > target) offset = FirstFit(b, placed);
    b.offset = offset;
    placed.push_back(&b);
    arena = std::max(arena, offset + b.bytes);
  }
  return arena;
}

// Depth-first search for offsets within `target`: buffers in birth order,
// each tried at the edges of the buffers it overlaps in time. Bounded by a
// node budget; true when every buffer fits.
class BoundedSearch {
 public:
  BoundedSearch(std::vector<ArenaBuffer>& buffers, int64_t target) : b_(buffers), target_(target) {
    order_.resize(b_.size());
    std::iota(order_.begin(), order_.end(), 0);
    std::stable_sort(order_.begin(), order_.end(), [&](size_t x, size_t y) {
      if (b_[x].first_step != b_[y].first_step) return b_[x].first_step < b_[y].first_step;
      return b_[x].bytes > b_[y].bytes;
    });
  }
  bool Run() { return Place(0); }

 private:
  bool Conflicts(size_t i, int64_t offset, size_t depth) const {
    for (size_t k = 0; k < depth; ++k) {
      const ArenaBuffer& p = b_[order_[k]];
      if (p.last_step < b_[i].first_step || p.first_step > b_[i].last_step) continue;
      if (offset < p.offset + p.bytes && p.offset < offset + b_[i].bytes) return true;
    }
    return false;
  }
  bool Place(size_t depth) {
    if (depth == order_.size()) return true;
    if (++nodes_ > kMaxNodes) return false;
    const size_t i = order_[depth];
    ArenaBuffer& b = b_[i];
    std::vector<int64_t> candidates = {0, target_ - b.bytes};
    for (size_t k = 0; k < depth; ++k) {
      const ArenaBuffer& p = b_[order_[k]];
      if (p.last_step < b.first_step || p.first_step > b.last_step) continue;
      candidates.push_back(p.offset + p.bytes);
      candidates.push_back(p.offset - b.bytes);
    }
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    for (int64_t c : candidates) {
      const int64_t offset = (c + b.align - 1) / b.align * b.align;
      if (offset < 0 || offset + b.bytes > target_ || Conflicts(i, offset, depth)) continue;
      b.offset = offset;
      if (Place(depth + 1)) return true;
      if (nodes_ > kMaxNodes) return false;
    }
    return false;
  }
  static constexpr int64_t kMaxNodes = 200000;
  std::vector<ArenaBuffer>& b_;
  int64_t target_;
  std::vector<size_t> order_;
  int64_t nodes_ = 0;
};

int64_t Place(std::vector<ArenaBuffer>& buffers, const std::vector<size_t>& order) {
  std::vector<const ArenaBuffer*> placed;
  int64_t arena = 0;
  for (size_t i : order) {
    buffers[i].offset = FirstFit(buffers[i], placed);
    placed.push_back(&buffers[i]);
    arena = std::max(arena, buffers[i].offset + buffers[i].bytes);
  }
  return arena;
}

}  // namespace

int64_t ArenaPlan::WholeOffset(const step::GraphLiveness& live, const ir::Graph& g, ir::TensorId t) const {
  const step::WholeBuffer b = step::WholeBufferOf(g, live, t);
  if (b.kind == step::WholeBuffer::Kind::kInput) return MSF_SLOT_INPUT_N(b.index);
  if (b.kind == step::WholeBuffer::Kind::kOutput) return MSF_SLOT_OUTPUT_N(b.index);
  auto it = whole_index.find(static_cast<ir::TensorId>(b.index));
  if (it == whole_index.end()) throw Error("internal: tensor '" + g.tensor(t).name + "' has no arena buffer");
  return buffers[it->second].offset;
}

int64_t ArenaPlan::LocalOffset(int32_t step, int32_t local) const {
  auto it = local_index.find({step, local});
  if (it == local_index.end()) throw Error("internal: step buffer without an arena offset");
  return buffers[it->second].offset;
}

ArenaPlan PlanArena(const ir::Graph& g, const plan::Plan& plan) {
  ValidatePlan(g, plan);
  ArenaPlan a;
  const step::GraphLiveness live = step::ComputeLiveness(g);
  for (size_t i = 0; i < plan.steps.size(); ++i) {
    std::optional<step::StepMemory> m = step::DescribeStep(g, live, plan.steps[i]);
    if (!m) throw Error("plan step " + std::to_string(i) + " cannot be executed");
    a.peak_step_bytes = std::max(a.peak_step_bytes, m->Bytes(false));
    a.steps.push_back(std::move(*m));
  }
  for (int32_t s = 0; s < static_cast<int32_t>(a.steps.size()); ++s) {
    const step::StepMemory& m = a.steps[static_cast<size_t>(s)];
    for (size_t k = 0; k < m.whole.size(); ++k) {
      const ir::TensorId storage = m.whole[k];
      if (IsNetworkIo(g, live, storage)) continue;
      auto it = a.whole_index.find(storage);
      if (it == a.whole_index.end()) {
        ArenaBuffer b;
        b.first_step = b.last_step = s;
        b.bytes = m.whole_bytes[k];
        b.storage = storage;
        a.whole_index[storage] = a.buffers.size();
        a.buffers.push_back(b);
      } else {
        a.buffers[it->second].last_step = s;
      }
    }
    for (size_t k = 0; k < m.locals.size(); ++k) {
      ArenaBuffer b;
      b.first_step = b.last_step = s;
      b.bytes = m.locals[k].bytes;
      b.align = m.locals[k].kind == step::LocalKind::kTile ? 1 : 4;  // int32 sums / scratch
      b.step = s;
      b.local = static_cast<int32_t>(k);
      a.local_index[{s, static_cast<int32_t>(k)}] = a.buffers.size();
      a.buffers.push_back(b);
    }
  }
  // Greedy first-fit under a few orders; keep the smallest arena.
  std::vector<size_t> order(a.buffers.size());
  std::iota(order.begin(), order.end(), 0);
  const auto& B = a.buffers;
  const std::vector<std::function<bool(size_t, size_t)>> orders = {
      [&](size_t x, size_t y) { return B[x].bytes != B[y].bytes ? B[x].bytes > B[y].bytes : x < y; },
      [&](size_t x, size_t y) {
        const int32_t lx = B[x].last_step - B[x].first_step, ly = B[y].last_step - B[y].first_step;
        return lx != ly ? lx > ly : B[x].bytes != B[y].bytes ? B[x].bytes > B[y].bytes : x < y;
      },
      [&](size_t x, size_t y) {
        return B[x].align != B[y].align ? B[x].align > B[y].align
               : B[x].first_step != B[y].first_step ? B[x].first_step < B[y].first_step
                                                     : B[x].bytes > B[y].bytes;
      },
  };
  std::vector<ArenaBuffer> best;
  a.arena_bytes = INT64_MAX;
  for (const auto& cmp : orders) {
    std::vector<size_t> o = order;
    std::stable_sort(o.begin(), o.end(), cmp);
    std::vector<ArenaBuffer> trial = a.buffers;
    const int64_t size = Place(trial, o);
    if (size < a.arena_bytes) {
      a.arena_bytes = size;
      best = std::move(trial);
    }
    if (a.arena_bytes == a.peak_step_bytes) break;
  }
  for (int variant = 0; variant < 4 && a.arena_bytes > a.peak_step_bytes; ++variant) {
    std::vector<ArenaBuffer> trial = a.buffers;
    const int64_t size = PlaceTwoSided(trial, a.peak_step_bytes, variant & 1, variant & 2);
    if (size < a.arena_bytes) {
      a.arena_bytes = size;
      best = std::move(trial);
    }
  }
  if (a.arena_bytes > a.peak_step_bytes) {
    std::vector<ArenaBuffer> trial = a.buffers;
    if (BoundedSearch(trial, a.peak_step_bytes).Run()) {
      a.arena_bytes = a.peak_step_bytes;
      best = std::move(trial);
    }
  }
  // Still above the bound: deterministic random restarts of first-fit.
  uint64_t seed = 0x9E3779B97F4A7C15ull;
  for (int attempt = 0; attempt < 200 && a.arena_bytes > a.peak_step_bytes; ++attempt) {
    std::vector<size_t> o = order;
    for (size_t i = o.size(); i > 1; --i) {
      seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
      std::swap(o[i - 1], o[seed % i]);
    }
    std::vector<ArenaBuffer> trial = a.buffers;
    const int64_t size = Place(trial, o);
    if (size < a.arena_bytes) {
      a.arena_bytes = size;
      best = std::move(trial);
    }
  }
  a.buffers = std::move(best);
  if (a.buffers.empty()) a.arena_bytes = 0;
  return a;
}

bool VerifyNoOverlap(const ArenaPlan& arena) {
  const auto& b = arena.buffers;
  for (size_t i = 0; i < b.size(); ++i) {
    if (b[i].offset < 0 || b[i].offset % b[i].align != 0 || b[i].offset + b[i].bytes > arena.arena_bytes) return false;
    for (size_t j = i + 1; j < b.size(); ++j) {
      const bool live_together = !(b[i].last_step < b[j].first_step || b[j].last_step < b[i].first_step);
      const bool overlap = b[i].offset < b[j].offset + b[j].bytes && b[j].offset < b[i].offset + b[i].bytes;
      if (live_together && overlap && b[i].bytes > 0 && b[j].bytes > 0) return false;
    }
  }
  return true;
}

}  // namespace msf::plan
