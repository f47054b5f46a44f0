// SPDX-License-Identifier: MIT
#include "lower/runtime_params.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "base/error.h"
#include "lower/quantize_multiplier.h"

namespace msf::lower {

msf_add_params MakeAddParams(float in1_scale, int32_t in1_zp, float in2_scale, int32_t in2_zp,
                             float out_scale, int32_t out_zp, int32_t act_min, int32_t act_max) {
  msf_add_params p{};
  p.input1_offset = -in1_zp;
  p.input2_offset = -in2_zp;
  p.output_offset = out_zp;
  p.left_shift = 20;  // int8 (int16 would use 15)
  const double twice_max_input_scale = 2 * static_cast<double>(std::max(in1_scale, in2_scale));
  const double real_input1_multiplier = static_cast<double>(in1_scale) / twice_max_input_scale;
  const double real_input2_multiplier = static_cast<double>(in2_scale) / twice_max_input_scale;
  const double real_output_multiplier =
      twice_max_input_scale / ((1 << p.left_shift) * static_cast<double>(out_scale));
  QuantizeMultiplierSmallerThanOneExp(real_input1_multiplier, &p.input1_multiplier,
                                      &p.input1_shift);
  QuantizeMultiplierSmallerThanOneExp(real_input2_multiplier, &p.input2_multiplier,
                                      &p.input2_shift);
  QuantizeMultiplierSmallerThanOneExp(real_output_multiplier, &p.output_multiplier,
                                      &p.output_shift);
  p.act_min = act_min;
  p.act_max = act_max;
  return p;
}

msf_softmax_params MakeSoftmaxParams(float beta, float input_scale, int32_t rows, int32_t depth) {
  constexpr int kScaledDiffIntegerBits = 5;
  msf_softmax_params p{};
  PreprocessSoftmaxScaling(static_cast<double>(beta), static_cast<double>(input_scale),
                           kScaledDiffIntegerBits, &p.input_multiplier, &p.input_left_shift);
  // TFLM: diff_min = -1.0 * CalculateInputRadius(...), stored in an int.
  p.diff_min = -CalculateInputRadius(kScaledDiffIntegerBits, p.input_left_shift);
  p.rows = rows;
  p.depth = depth;
  return p;
}

msf_mean_params MakeMeanParams(float in_scale, int32_t in_zp, float out_scale, int32_t out_zp,
                               int32_t h, int32_t w, int32_t c) {
  if (h < 1 || w < 1 || c < 1) throw Error("MakeMeanParams: empty tensor");
  msf_mean_params p{};
  p.h = h;
  p.w = w;
  p.c = c;
  p.input_zero_point = in_zp;
  p.output_zero_point = out_zp;
  QuantizeMultiplier(static_cast<double>(in_scale) / static_cast<double>(out_scale),
                     &p.multiplier, &p.shift);
  p.same_quant = (in_zp == out_zp && in_scale == out_scale) ? 1 : 0;
  return p;
}

msf_requantize_params MakeRequantizeParams(float in_scale, int32_t in_zp, float out_scale,
                                           int32_t out_zp) {
  msf_requantize_params p{};
  p.input_zero_point = in_zp;
  p.output_zero_point = out_zp;
  QuantizeMultiplier(static_cast<double>(in_scale) / static_cast<double>(out_scale),
                     &p.multiplier, &p.shift);
  return p;
}

msf_mul_params MakeMulParams(float in1_scale, int32_t in1_zp, float in2_scale, int32_t in2_zp,
                             float out_scale, int32_t out_zp, int32_t act_min, int32_t act_max) {
  msf_mul_params p{};
  p.input1_offset = -in1_zp;
  p.input2_offset = -in2_zp;
  p.output_offset = out_zp;
  const double real_multiplier = static_cast<double>(in1_scale) *
                                 static_cast<double>(in2_scale) /
                                 static_cast<double>(out_scale);
  QuantizeMultiplier(real_multiplier, &p.output_multiplier, &p.output_shift);
  p.act_min = act_min;
  p.act_max = act_max;
  p.in2_broadcast = MSF_MUL_BCAST_NONE;
  return p;
}

msf_logistic_params MakeLogisticParams(float in_scale, int32_t in_zp) {
  constexpr int kInputIntegerBits = 4;
  msf_logistic_params p{};
  p.input_zero_point = in_zp;
  const double real = static_cast<double>(in_scale) *
                      static_cast<double>(1 << (31 - kInputIntegerBits));
  if (!(real > 0.0) || !std::isfinite(real))
    throw Error("LOGISTIC: input scale " + std::to_string(in_scale) + " is not positive");
  int shift = 0;
  const double q = std::frexp(real, &shift);
  const double m = std::round(q * static_cast<double>(1LL << 31));
  // TFLite casts m to int32 without the 2^31 -> 2^30 fix QuantizeMultiplier
  // has, and shifts by a negative amount below 2^-27: both undefined there.
  if (m >= 2147483648.0)
    throw Error("LOGISTIC: input scale " + std::to_string(in_scale) +
                " has a multiplier TFLite cannot represent");
  if (shift < 0)
    throw Error("LOGISTIC: input scale " + std::to_string(in_scale) + " is below 2^-27");
  p.input_multiplier = static_cast<int32_t>(m);
  p.input_left_shift = shift;
  // From shift 31 on (in_scale >= 16) the radius floor(15 * 2^27 / 2^shift)
  // is 0: every input saturates and the multiplier is never applied.
  p.input_range_radius = shift > 31 ? 0 : CalculateInputRadius(kInputIntegerBits, shift, 31);
  return p;
}

msf_hard_swish_params MakeHardSwishParams(float in_scale, int32_t in_zp, float out_scale,
                                          int32_t out_zp) {
  msf_hard_swish_params p{};
  p.input_zero_point = in_zp;
  p.output_zero_point = out_zp;
  // float arithmetic, then widened, as TFLite's Prepare writes it.
  const float hires_input_scale = (1.0f / 128.0f) * in_scale;
  const float reluish_scale = 3.0f / 32768.0f;
  const double output_multiplier = static_cast<double>(hires_input_scale / out_scale);
  int32_t m32 = 0;
  QuantizeMultiplier(output_multiplier, &m32, &p.output_multiplier_exponent);
  p.output_multiplier_fixedpoint_int16 = DownScaleInt32ToInt16Multiplier(m32);
  if (p.output_multiplier_exponent > 0)
    throw Error("HARD_SWISH: output scale " + std::to_string(out_scale) +
                " is too small for input scale " + std::to_string(in_scale) +
                " (TFLite needs in_scale / (128 * out_scale) < 1)");
  const double reluish_multiplier = static_cast<double>(hires_input_scale / reluish_scale);
  QuantizeMultiplier(reluish_multiplier, &m32, &p.reluish_multiplier_exponent);
  p.reluish_multiplier_fixedpoint_int16 = DownScaleInt32ToInt16Multiplier(m32);
  return p;
}

}  // namespace msf::lower
