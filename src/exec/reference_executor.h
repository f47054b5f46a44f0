// SPDX-License-Identifier: MIT
// Layer-by-layer execution with TFLite reference integer semantics: the
// oracle every fused plan is compared against. Each activation tensor gets
// its own buffer; kernels are the device runtime's.
#pragma once
#include <cstdint>
#include <vector>

#include "ir/graph.h"

namespace msf::exec {

// `input` is the model's inputs concatenated in graph order (int8, or
// float32 little-endian at a float boundary; exec::IoLayout).

// Bytes of every tensor after a run (empty for constants).
std::vector<std::vector<int8_t>> RunReferenceAll(const ir::Graph& g, const std::vector<int8_t>& input);

// Every graph output, concatenated in graph order (the golden files' layout).
std::vector<int8_t> RunReference(const ir::Graph& g, const std::vector<int8_t>& input);

// Runs one op on whole tensors (byte buffers; float32 ones at float boundaries).
void RunOpWhole(const ir::Graph& g, const ir::Op& op, const std::vector<const int8_t*>& inputs, int8_t* output);

}  // namespace msf::exec
