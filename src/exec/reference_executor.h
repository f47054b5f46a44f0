// SPDX-License-Identifier: MIT
// Layer-by-layer execution with TFLite reference integer semantics: the
// oracle every fused plan is compared against. Each activation tensor gets
// its own buffer; kernels are the device runtime's.
#pragma once
#include <cstdint>
#include <vector>

#include "ir/graph.h"

namespace msf::exec {

// Values of every tensor after a run (empty for constants).
std::vector<std::vector<int8_t>> RunReferenceAll(const ir::Graph& g, const std::vector<int8_t>& input);

// The first graph output.
std::vector<int8_t> RunReference(const ir::Graph& g, const std::vector<int8_t>& input);

// Runs one op on whole tensors; used by the fused executor for layer steps.
void RunOpWhole(const ir::Graph& g, const ir::Op& op, const std::vector<const int8_t*>& inputs, int8_t* output);

}  // namespace msf::exec
