// SPDX-License-Identifier: MIT
#include "ir/analysis.h"

#include <algorithm>

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

}  // namespace msf::ir
