// SPDX-License-Identifier: MIT
// The fusion DAG: nodes are cut points between ops (0 = network input,
// num_nodes-1 = network output); an edge from -> to runs ops [from, to) as
// one step, either op by op ("layer", to == from + 1) or as a fused block
// computed patch by patch in one of a few variants. Several parallel edges
// may join the same nodes (variants, patch sizes). A path from the first to
// the last node is a fusion setting: peak RAM = max edge RAM, MACs = sum.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace msf::fusion {

enum class StepKind : uint8_t { kLayer, kFused };

// How a fused block reuses overlapping input regions between patches.
enum class Variant : uint8_t {
  kNone,        // layer step
  kRecompute,   // MCUNetV2: overlaps recomputed in both directions
  kHCache,      // msf-CNN: columns cached along W, rows recomputed
  kLineBuffer,  // StreamNet-like: rows cached in ring buffers, nothing recomputed
};

const char* VariantName(Variant v);  // "recompute", "hcache", "linebuf", "none"

// What a step does, per runtime kernel family (index = msf_kernel_kind;
// index 0 is the patch loop itself), so a latency model can predict its
// cost as a linear function of these counts. Window counts (conv,
// depthwise, pools) follow the kernels' loops: per output element, the
// kernel rows and taps that fall inside the input (padding is skipped).
// Work kinds: the runtime's msf_kernel_kind (1..11), plus 12 for the
// depthwise convolutions that do not run the unrolled 3x3 path (other kernel
// sizes, depth multiplier > 1), which cost differently per tap.
inline constexpr int kWorkKinds = 13;
inline constexpr int kWorkDepthwiseGeneral = 12;
struct StepWork {
  std::array<int64_t, kWorkKinds> macs{};           // multiply-accumulates (padding taps included)
  std::array<int64_t, kWorkKinds> out_bytes{};      // output bytes written
  std::array<int64_t, kWorkKinds> calls{};          // kernel invocations (index 0: loop iterations)
  std::array<int64_t, kWorkKinds> executed_macs{};  // MACs of in-input taps only: what really runs
  std::array<int64_t, kWorkKinds> taps{};           // in-input window taps, summed over output elements
  std::array<int64_t, kWorkKinds> tap_rows{};       // in-input window rows, summed over output elements
  std::array<int64_t, kWorkKinds> pixels{};         // output pixels computed (all channels of one position)
  std::array<int64_t, kWorkKinds> border_pixels{};  // of those, windowed ones whose window is clipped
  std::array<int64_t, kWorkKinds> tail_elems{};     // products in the kernels' scalar tails (channel or
                                                    // run lengths not a multiple of 4)
};

struct Edge {
  int32_t from = 0;  // first op
  int32_t to = 0;    // one past the last op
  StepKind kind = StepKind::kLayer;
  Variant variant = Variant::kNone;
  int32_t patch_h = 0, patch_w = 0;  // output patch of a fused block; 0 for layers
  int64_t ram_bytes = 0;             // peak while this step runs (network input/output not counted)
  int64_t ram_bytes_with_io = 0;     // same, counting network input/output
  int64_t macs = 0;                  // MACs actually performed, recomputation included
  StepWork work;                     // the same work broken down for latency models
};

struct FusionDag {
  int32_t num_nodes = 0;  // = number of ops + 1
  std::vector<Edge> edges;
  int64_t vanilla_macs = 0;
};

// A fusion setting: edge indices along a path from node 0 to the last node.
struct Setting {
  std::vector<int32_t> edges;
  int64_t peak_ram_bytes = 0;
  int64_t peak_ram_bytes_with_io = 0;
  int64_t macs = 0;
  double MacOverhead(const FusionDag& dag) const {
    return dag.vanilla_macs > 0 ? static_cast<double>(macs) / static_cast<double>(dag.vanilla_macs) : 0.0;
  }
};

}  // namespace msf::fusion
