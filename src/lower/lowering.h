// SPDX-License-Identifier: MIT
// IR op -> runtime kernel parameters (integer only). Host code computes the
// requantisation constants once, here, exactly as TFLite's Prepare does; the
// reference executor, the fused executor and codegen all use this.
#pragma once
#include <cstdint>
#include <vector>

#include "ir/graph.h"
#include "msf_rt/msf_kernels.h"
#include "msf_rt/msf_plan.h"

namespace msf::lower {

struct LoweredOp {
  ir::OpKind kind;
  msf_conv_params conv{};
  msf_pool_params pool{};
  msf_add_params add{};
  msf_fc_params fc{};
  msf_mean_params mean{};
  msf_softmax_params softmax{};
  msf_requantize_params requantize{};
  msf_float_io_params float_io{};  // QUANTIZE float32 -> int8, DEQUANTIZE int8 -> float32
  // RESIZE_NEAREST_NEIGHBOR: params and the source index tables it points to
  // (ResizeParams() sets the pointers, so copies stay valid).
  msf_resize_params resize{};
  std::vector<int32_t> resize_src_y, resize_src_x;
  // CONCATENATION on whole tensors: one part per input, and the layout the
  // reference kernel takes (outer x axis_k x inner, of the 4-D shapes).
  std::vector<msf_concat_part_params> concat_parts;
  std::vector<int32_t> concat_axis_sizes;
  int32_t concat_outer = 0, concat_inner = 0;
  // MUL: the view kernel's params (inputs swapped when the first one is the
  // broadcast one), or, when mul_4d, a general broadcast on whole tensors.
  msf_mul_params mul{};
  msf_mul_4d_params mul_4d{};
  bool mul_is_4d = false, mul_swapped = false;
  msf_logistic_params logistic{};
  msf_hard_swish_params hard_swish{};
  msf_transpose_params transpose{};
  msf_read_input_params read_input{};
  int8_t pad_value = 0;
  int32_t pad_top = 0, pad_left = 0;
  std::vector<int32_t> multipliers, shifts;  // per output channel (or one)
  std::vector<int8_t> weights;
  std::vector<int32_t> bias;                 // copied: file data may be unaligned
  std::vector<int32_t> eff_bias;             // conv/depthwise: bias + input_offset * sum(w) (flash)
  // conv: the filter as int16 pairs for the DSP kernels (msf_conv_s8_wide_weights; flash, DSP
  // targets only); conv.wide_weights points here once the op has its place (DevicePlan).
  std::vector<int32_t> wide_weights;
  // conv/depthwise: msf_requant_narrow_ok (MSF_REQUANT_NARROW in Requant().verified)
  bool requant_narrow = false;

  // `verified` is set when every constant is in the fast kernels' range
  // (always, for multipliers from QuantizeMultiplier), so they skip their
  // per-call check.
  msf_requant Requant() const {
    return {multipliers.data(), shifts.data(), multipliers.size() > 1 ? 1 : 0,
            RequantVerified() ? (requant_narrow ? 3 : 1) : 0};
  }
  bool RequantVerified() const {
    for (size_t i = 0; i < multipliers.size(); ++i) {
      if (multipliers[i] == INT32_MIN || shifts[i] < -31 || shifts[i] > 31) return false;
    }
    return true;
  }
  // Whether the optimised conv / depthwise kernels requantise this op's
  // full-range outputs on the narrow path: the runtime's test
  // (MSF_RQ_NARROW(q) && q->per_channel, msf_conv_s8.c) on Requant().
  bool NarrowRequantPath() const {
    const msf_requant q = Requant();
    return (q.verified & MSF_REQUANT_NARROW) != 0 && q.per_channel != 0;
  }
  const int32_t* BiasOrNull() const { return bias.empty() ? nullptr : bias.data(); }
  msf_resize_params ResizeParams() const {
    msf_resize_params p = resize;
    p.src_y = resize_src_y.data();
    p.src_x = resize_src_x.data();
    return p;
  }
};

LoweredOp Lower(const ir::Graph& g, const ir::Op& op);

// The runtime kernel (msf_kernel_kind) that runs the op.
int KernelKindOf(const ir::Graph& g, const ir::Op& op);

// Whole-tensor view of an NHWC activation (batch 1).
msf_view WholeView(const ir::Tensor& t, int8_t* data);
msf_rect WholeRect(const ir::Tensor& t);

}  // namespace msf::lower

namespace msf::lower {

// Scratch bytes the op's kernel needs (its *_buffer_size() query), from the
// op's shapes alone (no requantisation math, no copy of the weights).
int64_t ScratchBytes(const ir::Graph& g, const ir::Op& op);

}  // namespace msf::lower
