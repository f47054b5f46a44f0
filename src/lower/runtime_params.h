// SPDX-License-Identifier: MIT
// Fill the C runtime's parameter structs (runtime/include/msf_rt/msf_types.h)
// from scales and zero points, exactly as TFLM's Prepare() functions do.
#pragma once
#include <cstdint>

// msf_quant does not link msf_runtime; the types header is plain C structs.
#include "msf_rt/msf_types.h"

namespace msf::lower {

// TFLM add_common.cc (int8): left_shift 20, both inputs rescaled to
// 2 * max(s1, s2), output multiplier twice_max / (2^20 * out_scale).
msf_add_params MakeAddParams(float in1_scale, int32_t in1_zp, float in2_scale, int32_t in2_zp,
                             float out_scale, int32_t out_zp, int32_t act_min, int32_t act_max);

// TFLM softmax_common.cc (int8 -> int8, kScaledDiffIntegerBits = 5).
msf_softmax_params MakeSoftmaxParams(float beta, float input_scale, int32_t rows, int32_t depth);

// TFLM reduce_common.cc (int8 MEAN over H, W): multiplier of in/out scale,
// same_quant when scales and zero points are equal.
msf_mean_params MakeMeanParams(float in_scale, int32_t in_zp, float out_scale, int32_t out_zp,
                               int32_t h, int32_t w, int32_t c);

// TFLM quantize_common.cc (int8 -> int8): multiplier of in/out scale.
msf_requantize_params MakeRequantizeParams(float in_scale, int32_t in_zp, float out_scale,
                                           int32_t out_zp);

}  // namespace msf::lower
