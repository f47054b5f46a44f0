// SPDX-License-Identifier: MIT
// The msf-CNN authors' analytic cost model (analysis_optimization.py), copied
// quirk for quirk so that their published numbers come out to the byte and
// MAC (msf-cnn-method.md sections 1.2-1.4 and 9). It only understands plain
// chains of convolutions and pools; `BuildExactDag` is the model the executor
// actually follows.
#pragma once
#include <cstdint>
#include <vector>

#include "ir/graph.h"

namespace msf::cost {

// One layer of the chain as the paper's model sees it (square kernels,
// symmetric padding, equal strides; sizes in elements).
struct PaperLayer {
  enum class Type : uint8_t { kConv, kDepthwise, kPool };
  Type type = Type::kConv;
  int32_t k = 1, s = 1, p = 0;
  int32_t c_in = 0, c_out = 0;
  int32_t h_in = 0, w_in = 0, h_out = 0, w_out = 0;
  int32_t element_bytes = 1;

  int64_t MacsPerElement() const;  // Conv: C_in*k^2; depthwise and pool: k^2
  int64_t VanillaMacs() const;     // MacsPerElement * H_out * W_out * C_out
  int64_t InputBytes() const;
  int64_t OutputBytes() const;
};

// The chain of `g`; throws msf::Error naming the first op that is not a plain
// square conv, depthwise conv or pool fed by the previous op.
std::vector<PaperLayer> PaperLayers(const ir::Graph& g);

// Every piece of one edge's cost, for layers [first, last] (inclusive).
struct PaperBlockCost {
  bool feasible = true;              // false when T exceeds the block input (edge weight = inf)
  int64_t tile_size = 1;             // T: input rows/cols for one output pixel
  int64_t tile_stride = 1;           // S: product of strides
  std::vector<int64_t> tile_heights;       // h_l seen by each layer for the last tile
  std::vector<int64_t> tile_buffer_bytes;  // k_l * h_l * C_in,l per layer
  int64_t tile_buffers_total = 0;
  int64_t input_bytes = 0;   // full input tensor of the first layer
  int64_t output_bytes = 0;  // full output tensor of the last layer
  int64_t ram_bytes = 0;          // network input/output excluded (paper convention)
  int64_t ram_bytes_with_io = 0;  // everything counted
  int64_t macs = 0;               // with recomputation along H
  int64_t vanilla_macs = 0;       // of the same layers, layer by layer
};

// Cost of running layers [first, last] as one step. first == last is a
// single layer (|in| + |out|); first < last a fused block computed one output
// pixel at a time with per-layer column caches.
PaperBlockCost PaperBlock(const std::vector<PaperLayer>& layers, int32_t first, int32_t last);

// PaperLayers throws msf::Error if `g` is not a plain chain ("--cost-model
// paper needs a plain conv chain ..."); search::BuildPaperDag builds the DAG.

}  // namespace msf::cost
