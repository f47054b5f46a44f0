// SPDX-License-Identifier: MIT
#include "ir/analysis.h"

#include <algorithm>
#include <climits>
#include <set>

namespace msf::ir {

int64_t MacsPerOutputPixel(const Graph& g, const Op& op) {
  const int64_t cout = g.tensor(op.output()).C();
  switch (op.kind) {
    case OpKind::kConv2D: return int64_t{g.tensor(op.input()).C()} * op.conv().kernel_h * op.conv().kernel_w * cout;
    case OpKind::kDepthwiseConv2D: return int64_t{op.conv().kernel_h} * op.conv().kernel_w * cout;
    case OpKind::kAveragePool2D:
    case OpKind::kMaxPool2D: return int64_t{op.pool().filter_h} * op.pool().filter_w * cout;
    default: return 0;
  }
}

int64_t OpMacs(const Graph& g, const Op& op) {
  switch (op.kind) {
    case OpKind::kConv2D:
    case OpKind::kDepthwiseConv2D:
    case OpKind::kAveragePool2D:
    case OpKind::kMaxPool2D: {
      const Tensor& out = g.tensor(op.output());
      return MacsPerOutputPixel(g, op) * out.H() * out.W();
    }
    case OpKind::kMean: {
      const Tensor& in = g.tensor(op.input());
      return static_cast<int64_t>(in.H()) * in.W() * in.C();
    }
    case OpKind::kFullyConnected: return g.tensor(op.input(1)).NumElements();
    default: return 0;
  }
}

int64_t TotalMacs(const Graph& g) {
  int64_t total = 0;
  for (const Op& op : g.ops) total += OpMacs(g, op);
  return total;
}

std::vector<TensorId> StorageIds(const Graph& g) {
  std::vector<TensorId> storage(g.tensors.size());
  for (size_t t = 0; t < storage.size(); ++t) storage[t] = static_cast<TensorId>(t);
  for (const Op& op : g.ops) {
    if (op.kind == OpKind::kReshape) storage[static_cast<size_t>(op.output())] = storage[static_cast<size_t>(op.input())];
  }
  return storage;
}

std::vector<int32_t> LastUse(const Graph& g) {
  std::vector<int32_t> last(g.tensors.size(), -1);
  for (size_t i = 0; i < g.ops.size(); ++i) {
    for (TensorId t : g.ops[i].inputs) {
      if (t != kNoTensor) last[static_cast<size_t>(t)] = static_cast<int32_t>(i);
    }
  }
  for (TensorId t : g.outputs) last[static_cast<size_t>(t)] = static_cast<int32_t>(g.ops.size());
  return last;
}

std::vector<OpFootprint> LayerFootprints(const Graph& g) {
  const std::vector<TensorId> storage = StorageIds(g);
  const std::vector<int32_t> last_use = LastUse(g);
  // Lifetime per storage: [first op that produces it (or -1 for inputs), last op that reads any alias].
  const size_t n = g.tensors.size();
  std::vector<int32_t> born(n, INT32_MAX), dies(n, -1);
  std::vector<int64_t> bytes(n, 0);
  for (TensorId t : g.inputs) born[static_cast<size_t>(storage[static_cast<size_t>(t)])] = -1;
  for (size_t i = 0; i < g.ops.size(); ++i) {
    const size_t s = static_cast<size_t>(storage[static_cast<size_t>(g.ops[i].output())]);
    born[s] = std::min(born[s], static_cast<int32_t>(i));
  }
  for (size_t t = 0; t < n; ++t) {
    if (g.tensors[t].IsConstant()) continue;
    const size_t s = static_cast<size_t>(storage[t]);
    dies[s] = std::max(dies[s], last_use[t]);
    bytes[s] = std::max(bytes[s], g.tensors[t].Bytes());
  }
  for (size_t s = 0; s < n; ++s) {
    if (born[s] != INT32_MAX) dies[s] = std::max(dies[s], born[s]);  // written even if never read
  }
  std::set<TensorId> graph_inputs, graph_outputs;
  for (TensorId t : g.inputs) graph_inputs.insert(storage[static_cast<size_t>(t)]);
  for (TensorId t : g.outputs) graph_outputs.insert(storage[static_cast<size_t>(t)]);

  const int32_t last_op = static_cast<int32_t>(g.ops.size()) - 1;
  std::vector<OpFootprint> result(g.ops.size());
  for (int32_t i = 0; i <= last_op; ++i) {
    OpFootprint& f = result[static_cast<size_t>(i)];
    for (size_t s = 0; s < n; ++s) {
      if (g.tensors[s].IsConstant() || storage[s] != static_cast<TensorId>(s)) continue;
      if (born[s] > i || dies[s] < i) continue;
      f.bytes_with_io += bytes[s];
      const bool skip_input = i == 0 && graph_inputs.count(static_cast<TensorId>(s));
      const bool skip_output = i == last_op && graph_outputs.count(static_cast<TensorId>(s));
      if (!skip_input && !skip_output) f.bytes += bytes[s];
    }
  }
  return result;
}

VanillaPeak ComputeVanillaPeak(const Graph& g) {
  VanillaPeak peak;
  const std::vector<OpFootprint> fp = LayerFootprints(g);
  for (size_t i = 0; i < fp.size(); ++i) {
    if (fp[i].bytes > peak.bytes) {
      peak.bytes = fp[i].bytes;
      peak.op = static_cast<int32_t>(i);
    }
    peak.bytes_with_io = std::max(peak.bytes_with_io, fp[i].bytes_with_io);
  }
  return peak;
}

}  // namespace msf::ir
