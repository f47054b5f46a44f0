// SPDX-License-Identifier: MIT
// Whole-graph analyses: MACs, tensor lifetimes and layer-by-layer peak RAM.
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

struct OpFootprint {
  int64_t bytes = 0;          // paper convention (see VanillaPeak)
  int64_t bytes_with_io = 0;  // every live activation counted
};

// Bytes of activations live while each op runs, layer by layer: its inputs,
// its output, and anything produced earlier and still needed later (skips).
std::vector<OpFootprint> LayerFootprints(const Graph& g);

struct VanillaPeak {
  int64_t bytes = 0;          // without the network input during the first op
                              // and the network output during the last op
  int64_t bytes_with_io = 0;  // everything counted
  int32_t op = -1;            // op index where `bytes` is reached
};
VanillaPeak ComputeVanillaPeak(const Graph& g);

}  // namespace msf::ir
