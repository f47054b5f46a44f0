// SPDX-License-Identifier: MIT
// Whole-graph analyses: MACs and tensor lifetimes (layer-by-layer RAM is
// step::LayerByLayerRam, the executor's own accounting).
#pragma once
#include <cstdint>
#include <vector>

#include "ir/graph.h"

namespace msf::ir {

// Multiply-accumulates of one op as executed layer by layer.
// conv: Cin*kh*kw*Hout*Wout*Cout; depthwise: kh*kw*Hout*Wout*Cout;
// pools: kh*kw*Hout*Wout*C; mean: H*W*C; fully connected: in*out; others 0.
// MACs per output pixel of a windowed op (conv: Cin*kh*kw*Cout, depthwise
// and pools: kh*kw*C; 0 for other ops); OpMacs = this * Hout * Wout for them.
int64_t MacsPerOutputPixel(const Graph& g, const Op& op);
int64_t OpMacs(const Graph& g, const Op& op);
int64_t TotalMacs(const Graph& g);

// Storage id of each tensor: a RESHAPE output shares its input's storage.
std::vector<TensorId> StorageIds(const Graph& g);

// Index of the last op that reads each tensor (graph outputs read "after"
// the last op: ops.size()); -1 if never read.
std::vector<int32_t> LastUse(const Graph& g);

}  // namespace msf::ir
