// SPDX-License-Identifier: MIT
// Fill the C runtime's parameter structs (runtime/include/msf_rt/msf_types.h)
// from scales and zero points, exactly as TFLM's Prepare() functions do.
#pragma once
#include <cstdint>
#include <vector>

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

// TFLM mul_common.cc (int8): multiplier of double(s1) * double(s2) /
// double(s_out) by QuantizeMultiplier; offsets -zp1, -zp2, zp_out; no
// broadcast (the caller sets in2_broadcast).
msf_mul_params MakeMulParams(float in1_scale, int32_t in1_zp, float in2_scale, int32_t in2_zp,
                             float out_scale, int32_t out_zp, int32_t act_min, int32_t act_max);

// TFLM logistic_common.cc (int8): input_multiplier and input_left_shift from
// frexp(double(in_scale) * 2^27) with the mantissa rounded to Q0.31 (no
// QuantizeMultiplier), radius CalculateInputRadius(4, left_shift, 31) (0 from
// left shift 31 on, i.e. in_scale >= 16: every input saturates).
// Throws where TFLite's arithmetic is undefined (left shift < 0, i.e.
// in_scale < 2^-27; a mantissa rounding to 2^31). The output must be
// scale 1/256, zero point -128 (the caller checks).
msf_logistic_params MakeLogisticParams(float in_scale, int32_t in_zp);

// TFLM hard_swish_common.cc (int8): hires_input_scale = in_scale / 128 and
// the two ratios in float, each through QuantizeMultiplier and
// DownScaleInt32ToInt16Multiplier. Throws if the output exponent is > 0
// (TFLite's Prepare fails then).
msf_hard_swish_params MakeHardSwishParams(float in_scale, int32_t in_zp, float out_scale,
                                          int32_t out_zp);

}  // namespace msf::lower
