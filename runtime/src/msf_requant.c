/* SPDX-License-Identifier: MIT */
/* Requantisation primitives, bit-exact with TFLite's reference
 * MultiplyByQuantizedMultiplier (tensorflow/lite/kernels/internal/common.cc)
 * and gemmlowp's fixedpoint.h scalar int32 paths.
 *
 * Default: double rounding (TFLITE_SINGLE_ROUNDING undefined, the TFLM
 * default): RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(
 * x * 2^left, m), right). With MSF_SINGLE_ROUNDING: one rounding step,
 * (x * m + 2^(30 - shift)) >> (31 - shift). */
#include "msf_rt/msf_kernels.h"
#include "msf_view_internal.h"

int32_t msf_saturating_rounding_doubling_high_mul(int32_t a, int32_t b) {
  int64_t ab;
  int32_t nudge;
  /* The only product that does not fit: -1.0 * -1.0 saturates to max. */
  if (a == b && a == INT32_MIN) return INT32_MAX;
  ab = (int64_t)a * (int64_t)b;
  nudge = ab >= 0 ? (1 << 30) : (1 - (1 << 30));
  /* gemmlowp divides (truncation towards zero), it does not shift. */
  return (int32_t)((ab + nudge) / ((int64_t)1 << 31));
}

int32_t msf_rounding_divide_by_pot(int32_t x, int32_t exponent) {
  /* exponent in [0, 31]; rounds half away from zero. */
  const int32_t mask = (int32_t)(((int64_t)1 << exponent) - 1);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return msf_asr32(x, exponent) + (remainder > threshold ? 1 : 0);
}

int32_t msf_multiply_by_quantized_multiplier(int32_t x, int32_t multiplier, int32_t shift) {
#ifdef MSF_SINGLE_ROUNDING
  /* TFLite DCHECKs shift in [-31, 30]; clamp so invalid input is not UB. */
  int32_t total_shift = 31 - shift;
  int64_t result;
  if (total_shift < 1) total_shift = 1;
  if (total_shift > 62) total_shift = 62;
  result = (int64_t)x * (int64_t)multiplier + ((int64_t)1 << (total_shift - 1));
  result = msf_asr64(result, total_shift);
  if (result > INT32_MAX) return INT32_MAX;
  if (result < INT32_MIN) return INT32_MIN;
  return (int32_t)result;
#else
  int32_t left_shift = shift > 0 ? shift : 0;
  int32_t right_shift = shift > 0 ? 0 : -shift;
  /* QuantizeMultiplier never yields shifts outside [-31, 31]. */
  if (left_shift > 31) left_shift = 31;
  if (right_shift > 31) right_shift = 31;
  /* x * (1 << left_shift) wraps in two's complement, as on the target. */
  return msf_rounding_divide_by_pot(
      msf_saturating_rounding_doubling_high_mul(msf_wrap_shl(x, left_shift), multiplier),
      right_shift);
#endif
}

/* Whether msf_rq_stage_narrow is exact for every call of a CONV_2D
 * (depthwise == 0) or DEPTHWISE_CONV_2D layer: every multiplier is not
 * INT32_MIN, every shift a right shift in [-31, -1], and every accumulator
 * the kernels can form has |acc| < 2^30 whatever the int8 input: an
 * interior pixel's eff_bias + sum(x * w) with |x| <= 128, a border pixel's
 * bias + sum((x + input_offset) * w) over any subset of the taps. A
 * channel whose multiplier is 0 (a zero scale) only needs a shift in
 * [-31, 0]: it outputs the offset whatever its accumulator. Lowering
 * sets MSF_REQUANT_NARROW in msf_requant.verified from it (host work, once
 * per layer). */
int32_t msf_requant_narrow_ok(const msf_conv_params *p, const msf_requant *q, const int8_t *filter,
                              const int32_t *bias, const int32_t *eff_bias, int32_t depthwise) {
  const int64_t limit = (int64_t)1 << 30;
  const int32_t taps = depthwise ? p->kernel_h * p->kernel_w : p->kernel_h * p->kernel_w * p->in_c;
  const int64_t in_max = 128, border_max = 128 + (p->input_offset < 0 ? -(int64_t)p->input_offset
                                                                      : (int64_t)p->input_offset);
  int32_t oc, t;
#ifdef MSF_SINGLE_ROUNDING
  (void)limit, (void)taps, (void)in_max, (void)border_max, (void)oc, (void)t;
  (void)p, (void)q, (void)filter, (void)bias, (void)eff_bias, (void)depthwise;
  return 0;
#else
  if (p == 0 || q == 0 || filter == 0 || eff_bias == 0) return 0;
  for (oc = 0; oc < p->out_c; ++oc) {
    const int32_t i = q->per_channel ? oc : 0;
    const int64_t b = bias ? bias[oc] : 0, e = eff_bias[oc];
    int64_t sum = 0;
    if (q->multiplier[i] == 0) { /* outputs 0 from any accumulator (see msf_rq_stage_narrow) */
      if (q->shift[i] < -31 || q->shift[i] > 0) return 0;
      continue;
    }
    if (q->multiplier[i] == INT32_MIN || q->shift[i] < -31 || q->shift[i] > -1) return 0;
    for (t = 0; t < taps; ++t) {
      const int32_t w = depthwise ? filter[t * p->out_c + oc] : filter[oc * taps + t];
      sum += w < 0 ? -w : w;
    }
    if ((e < 0 ? -e : e) + in_max * sum >= limit) return 0;
    if ((b < 0 ? -b : b) + border_max * sum >= limit) return 0;
  }
  return 1;
#endif
}
