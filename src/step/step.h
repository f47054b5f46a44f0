// SPDX-License-Identifier: MIT
// One step of a plan, the single description every layer above shares: the
// ops it runs [from, to), layer by layer or as a fused block in a variant
// with an output patch, and the work it does per kernel family.
#pragma once
#include <array>
#include <cstdint>

namespace msf::step {

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
// sizes, depth multiplier > 1), which cost differently per tap, and 13 for
// the convolutions with a kernel larger than 1x1: msf_conv_s8 runs them on
// its window path, 1x1 ones (kind 1, conv) on its pointwise path.
inline constexpr int kWorkKinds = 14;
inline constexpr int kWorkDepthwiseGeneral = 12;
inline constexpr int kWorkConvKxk = 13;
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
  std::array<int64_t, kWorkKinds> lines{};          // the kernels' outer loop over a call's rectangle: its
                                                    // rows, or its columns where convolutions walk a tall
                                                    // rectangle (w < h) column by column
  std::array<int64_t, kWorkKinds> lone_macs{};      // MACs of the interior pixels a convolution runs alone:
                                                    // it pairs them in a call, an odd count leaves one
  std::array<int64_t, kWorkKinds> clamp_bytes{};    // output bytes of a convolution whose activation range
                                                    // is narrower than int8: a two-sided clamp, not one SSAT
  std::array<int64_t, kWorkKinds> loop_macs{};      // executed MACs of a convolution without a fixed-length
                                                    // pixel-pair kernel: its dot products loop (1x1 over 8
                                                    // or 16 channels and the 3x3 stem over 3 run unrolled)
  std::array<int64_t, kWorkKinds> k16_macs{};       // of those fixed-length MACs, a 1x1 convolution's over 16
                                                    // input channels: its pairs' widened inputs outnumber the
                                                    // registers (DSP), or it runs the 2 x 2 block (portable)
  std::array<int64_t, kWorkKinds> border_bytes{};   // output bytes of the border pixels (each channel of a
                                                    // clipped window runs the looping border path)
  std::array<int64_t, kWorkKinds> wide_bytes{};     // output bytes of a full-range convolution whose
                                                    // requantisation is not provably narrow: the wide
                                                    // output stage, not one rounding high multiply
};

// One step: ops [from, to) (half-open everywhere; plan JSON writes the
// inclusive [first, last] pair only at its boundary).
struct StepSpec {
  int32_t from = 0, to = 0;
  StepKind kind = StepKind::kLayer;
  Variant variant = Variant::kNone;
  int32_t patch_h = 0, patch_w = 0;  // output patch of a fused block; 0 for layers

  bool operator==(const StepSpec&) const = default;
};

}  // namespace msf::step
