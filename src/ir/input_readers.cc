// SPDX-License-Identifier: MIT
#include "ir/input_readers.h"

#include <algorithm>

#include "base/error.h"

namespace msf::ir {

InputMode ParseInputMode(const std::string& name) {
  for (InputMode m : {InputMode::kResident, InputMode::kStream, InputMode::kReread}) {
    if (name == InputModeName(m)) return m;
  }
  throw Error("unknown input mode '" + name + "' (expected resident, stream or reread)");
}

void AddInputReaders(Graph& g, InputMode mode) {
  if (mode == InputMode::kResident) return;
  if (g.input_mode != InputMode::kResident) throw Error("internal: the graph already reads its input through readers");
  std::vector<Op> readers;
  for (TensorId in : g.inputs) {
    const Tensor copy = g.tensor(in);
    const TensorId rows = g.AddActivation(copy.name + "/read", copy.shape, copy.quant, copy.type);
    for (Op& op : g.ops) std::replace(op.inputs.begin(), op.inputs.end(), in, rows);
    // A graph input that is also an output stays the caller's tensor.
    std::replace(g.outputs.begin(), g.outputs.end(), in, rows);
    readers.push_back(Op{OpKind::kReadInput, {in}, {rows}, std::monostate{}, -1});
  }
  g.ops.insert(g.ops.begin(), readers.begin(), readers.end());
  g.input_mode = mode;
}

int32_t ReaderInputIndex(const Graph& g, const Op& op) {
  const auto it = std::find(g.inputs.begin(), g.inputs.end(), op.input());
  if (op.kind != OpKind::kReadInput || it == g.inputs.end()) throw Error("internal: READ_INPUT does not read a graph input");
  return static_cast<int32_t>(it - g.inputs.begin());
}

}  // namespace msf::ir
