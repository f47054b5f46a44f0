// SPDX-License-Identifier: MIT
#include "ir/analysis.h"

#include <algorithm>

namespace msf::ir {

int64_t OpMacs(const Graph& g, const Op& op) {
  const Tensor& out = g.tensor(op.output());
  const int64_t out_pixels = static_cast<int64_t>(out.H()) * out.W();
  switch (op.kind) {
    case OpKind::kConv2D: {
      const ConvAttrs& a = op.conv();
      const int64_t cin = g.tensor(op.input()).C();
      return cin * a.kernel_h * a.kernel_w * out_pixels * out.C();
    }
    case OpKind::kDepthwiseConv2D: {
      const ConvAttrs& a = op.conv();
      return static_cast<int64_t>(a.kernel_h) * a.kernel_w * out_pixels * out.C();
    }
    case OpKind::kAveragePool2D:
    case OpKind::kMaxPool2D: {
      const PoolAttrs& a = op.pool();
      return static_cast<int64_t>(a.filter_h) * a.filter_w * out_pixels * out.C();
    }
    case OpKind::kMean: {
      const Tensor& in = g.tensor(op.input());
      return static_cast<int64_t>(in.H()) * in.W() * in.C();
    }
    case OpKind::kFullyConnected: {
      const Tensor& w = g.tensor(op.input(1));
      return w.NumElements();
    }
    default:
      return 0;
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
