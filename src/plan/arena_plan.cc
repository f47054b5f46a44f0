// SPDX-License-Identifier: MIT
#include "plan/arena_plan.h"

#include <algorithm>
#include <functional>
#include <numeric>
#include <string>

#include "core/error.h"
#include "msf_rt/msf_plan.h"

namespace msf::plan {
namespace {

bool IsNetworkIo(const ir::Graph& g, const cost::GraphLiveness& live, ir::TensorId storage) {
  for (ir::TensorId t : g.inputs) if (live.storage[static_cast<size_t>(t)] == storage) return true;
  for (ir::TensorId t : g.outputs) if (live.storage[static_cast<size_t>(t)] == storage) return true;
  return false;
}

cost::StepSpec SpecOf(const fusion::PlanStep& s) {
  return {s.first_op, s.last_op + 1, s.kind, s.variant, s.patch_h, s.patch_w};
}

void ValidatePlan(const ir::Graph& g, const fusion::Plan& plan) {
  const int32_t n = static_cast<int32_t>(g.ops.size());
  if (plan.num_ops != n) {
    throw Error("plan is for " + std::to_string(plan.num_ops) + " ops but the model has " + std::to_string(n));
  }
  int32_t next = 0;
  for (size_t i = 0; i < plan.steps.size(); ++i) {
    const fusion::PlanStep& s = plan.steps[i];
    const std::string where = "plan step " + std::to_string(i) + " (ops " + std::to_string(s.first_op) + ".." +
                              std::to_string(s.last_op) + ")";
    if (s.first_op != next) throw Error(where + ": steps must cover the ops in order without gaps or overlaps");
    if (s.last_op < s.first_op || s.last_op >= n) throw Error(where + ": op range outside the model");
    if (s.kind == fusion::StepKind::kLayer && s.last_op != s.first_op) throw Error(where + ": a layer step runs one op");
    if (s.kind == fusion::StepKind::kFused) {
      if (s.variant == fusion::Variant::kNone) throw Error(where + ": a fused step needs a variant");
      if (s.patch_h < 1 || s.patch_w < 1) throw Error(where + ": patch sizes must be >= 1");
      std::string why;
      if (!geometry::AnalyzeBlock(g, s.first_op, s.last_op + 1, &why)) throw Error(where + " cannot be fused: " + why);
    }
    next = s.last_op + 1;
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

int64_t ArenaPlan::WholeOffset(const cost::GraphLiveness& live, const ir::Graph& g, ir::TensorId t) const {
  const ir::TensorId s = live.storage[static_cast<size_t>(t)];
  for (ir::TensorId in : g.inputs) if (live.storage[static_cast<size_t>(in)] == s) return MSF_SLOT_INPUT;
  for (ir::TensorId out : g.outputs) if (live.storage[static_cast<size_t>(out)] == s) return MSF_SLOT_OUTPUT;
  auto it = whole_index.find(s);
  if (it == whole_index.end()) throw Error("internal: tensor '" + g.tensor(t).name + "' has no arena buffer");
  return buffers[it->second].offset;
}

int64_t ArenaPlan::LocalOffset(int32_t step, int32_t local) const {
  auto it = local_index.find({step, local});
  if (it == local_index.end()) throw Error("internal: step buffer without an arena offset");
  return buffers[it->second].offset;
}

ArenaPlan PlanArena(const ir::Graph& g, const fusion::Plan& plan) {
  ValidatePlan(g, plan);
  ArenaPlan a;
  const cost::GraphLiveness live = cost::ComputeLiveness(g);
  for (size_t i = 0; i < plan.steps.size(); ++i) {
    std::optional<cost::StepMemory> m = cost::DescribeStep(g, live, SpecOf(plan.steps[i]));
    if (!m) throw Error("plan step " + std::to_string(i) + " cannot be executed");
    a.peak_step_bytes = std::max(a.peak_step_bytes, m->Bytes(false));
    a.steps.push_back(std::move(*m));
  }
  for (int32_t s = 0; s < static_cast<int32_t>(a.steps.size()); ++s) {
    const cost::StepMemory& m = a.steps[static_cast<size_t>(s)];
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
      b.align = m.locals[k].kind == cost::LocalKind::kTile ? 1 : 4;  // int32 sums / scratch
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
