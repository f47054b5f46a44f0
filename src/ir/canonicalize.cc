// SPDX-License-Identifier: MIT
#include "ir/canonicalize.h"

#include <algorithm>
#include <set>
#include <vector>
#include <string>

#include "base/error.h"

namespace msf::ir {
namespace {

bool IsGraphOutput(const Graph& g, TensorId t) {
  return std::find(g.outputs.begin(), g.outputs.end(), t) != g.outputs.end();
}

std::vector<OpId> Consumers(const Graph& g, TensorId t) {
  std::vector<OpId> result;
  for (size_t i = 0; i < g.ops.size(); ++i) {
    const auto& in = g.ops[i].inputs;
    if (std::find(in.begin(), in.end(), t) != in.end()) result.push_back(static_cast<OpId>(i));
  }
  return result;
}

void ReplaceUses(Graph& g, TensorId from, TensorId to) {
  for (Op& op : g.ops) std::replace(op.inputs.begin(), op.inputs.end(), from, to);
}

// A PAD can fold into consumers that are convolutions reading it as data.
bool CanFold(const Graph& g, const std::vector<OpId>& consumers, TensorId padded) {
  if (consumers.empty()) return false;
  for (OpId c : consumers) {
    const Op& op = g.ops[static_cast<size_t>(c)];
    if (op.kind != OpKind::kConv2D && op.kind != OpKind::kDepthwiseConv2D) return false;
    if (op.input(0) != padded) return false;
    if (op.conv().dilation_h != 1 || op.conv().dilation_w != 1) return false;
  }
  return true;
}

}  // namespace

CanonicalizeStats Canonicalize(Graph& g) {
  CanonicalizeStats stats;
  for (size_t i = 0; i < g.ops.size();) {
    Op& op = g.ops[i];
    if (op.kind != OpKind::kPad) {
      ++i;
      continue;
    }
    const TensorId in = op.input(), out = op.output();
    const Pad2D pad = std::get<PadAttrs>(op.attrs).pad;
    const std::vector<OpId> consumers = Consumers(g, out);
    if (IsGraphOutput(g, out)) {
      ++i;
      continue;
    }
    if (pad.IsZero()) {
      ++stats.identity_pads_removed;
    } else if (CanFold(g, consumers, out)) {
      for (OpId c : consumers) {
        Pad2D& p = std::get<ConvAttrs>(g.ops[static_cast<size_t>(c)].attrs).pad;
        p.top += pad.top, p.bottom += pad.bottom, p.left += pad.left, p.right += pad.right;
      }
      ++stats.pads_folded;
    } else {
      ++i;
      continue;
    }
    ReplaceUses(g, out, in);
    g.ops.erase(g.ops.begin() + static_cast<std::ptrdiff_t>(i));
  }
  if (stats.identity_pads_removed + stats.pads_folded > 0) {
    g.notes.push_back(std::to_string(stats.pads_folded) + " PAD ops folded into convolutions, " +
                      std::to_string(stats.identity_pads_removed) + " identity PADs removed");
  }
  stats.reordered = OrderChainsContiguously(g);
  if (stats.reordered) g.notes.push_back("ops reordered so that each branch runs contiguously");
  Verify(g);
  return stats;
}

bool OrderChainsContiguously(Graph& g) {
  const size_t n = g.ops.size();
  std::vector<int32_t> producer(g.tensors.size(), -1);
  for (size_t i = 0; i < n; ++i) {
    for (TensorId t : g.ops[i].outputs) producer[static_cast<size_t>(t)] = static_cast<int32_t>(i);
  }
  // Unscheduled producers of each op's inputs, and each op's consumers.
  std::vector<int32_t> waiting(n, 0);
  std::vector<std::vector<int32_t>> consumers(n);
  for (size_t i = 0; i < n; ++i) {
    std::vector<int32_t> seen;
    for (TensorId t : g.ops[i].inputs) {
      if (t == kNoTensor) continue;
      const int32_t p = producer[static_cast<size_t>(t)];
      if (p < 0 || std::find(seen.begin(), seen.end(), p) != seen.end()) continue;
      seen.push_back(p);
      ++waiting[i];
      consumers[static_cast<size_t>(p)].push_back(static_cast<int32_t>(i));
    }
  }
  std::set<int32_t> ready;
  for (size_t i = 0; i < n; ++i) {
    if (waiting[i] == 0) ready.insert(static_cast<int32_t>(i));
  }
  std::vector<int32_t> order;
  int32_t last = -1;
  while (!ready.empty()) {
    int32_t next = -1;
    if (last >= 0) {
      for (int32_t c : consumers[static_cast<size_t>(last)]) {
        if (ready.count(c) && (next < 0 || c < next)) next = c;
      }
    }
    if (next < 0) next = *ready.begin();
    ready.erase(next);
    order.push_back(next);
    for (int32_t c : consumers[static_cast<size_t>(next)]) {
      if (--waiting[static_cast<size_t>(c)] == 0) ready.insert(c);
    }
    last = next;
  }
  if (order.size() != n) throw Error(g.name + ": the ops form a cycle");
  bool changed = false;
  for (size_t i = 0; i < n; ++i) changed = changed || order[i] != static_cast<int32_t>(i);
  if (!changed) return false;
  std::vector<Op> ops;
  ops.reserve(n);
  for (int32_t i : order) ops.push_back(std::move(g.ops[static_cast<size_t>(i)]));
  g.ops = std::move(ops);
  return true;
}

void Verify(const Graph& g) {
  const auto fail = [&](size_t i, const std::string& what) {
    throw Error(g.name + ": op " + std::to_string(i) + " (" + OpKindName(g.ops[i].kind) + "): " + what);
  };
  const auto valid = [&](TensorId t) { return t >= 0 && static_cast<size_t>(t) < g.tensors.size(); };
  for (size_t i = 0; i < g.ops.size(); ++i) {
    const Op& op = g.ops[i];
    if (op.outputs.size() != 1 || !valid(op.output())) fail(i, "bad output reference");
    for (size_t k = 0; k < op.inputs.size(); ++k) {
      if (op.inputs[k] == kNoTensor && k > 0) continue;
      if (!valid(op.inputs[k])) fail(i, "bad input reference");
    }
    if (op.kind == OpKind::kConv2D || op.kind == OpKind::kDepthwiseConv2D) {
      const Tensor& in = g.tensor(op.input());
      const Tensor& out = g.tensor(op.output());
      const ConvAttrs& a = op.conv();
      const int64_t span_h = int64_t{in.H()} + a.pad.top + a.pad.bottom - (int64_t{a.kernel_h - 1} * a.dilation_h + 1);
      const int64_t span_w = int64_t{in.W()} + a.pad.left + a.pad.right - (int64_t{a.kernel_w - 1} * a.dilation_w + 1);
      if (span_h < 0 || span_w < 0 || out.H() != span_h / a.stride_h + 1 || out.W() != span_w / a.stride_w + 1) {
        fail(i, "output shape does not match the convolution geometry");
      }
    }
  }
  if (g.inputs.empty()) throw Error(g.name + ": graph has no input");
  for (TensorId t : g.inputs) if (!valid(t)) throw Error(g.name + ": bad graph input reference");
  if (g.outputs.empty()) throw Error(g.name + ": graph has no output");
  for (TensorId t : g.outputs) if (!valid(t)) throw Error(g.name + ": bad graph output reference");
}

}  // namespace msf::ir
