/* SPDX-License-Identifier: MIT */
/* Requantisation inlined into the kernels that call it per output element
 * (a call per element would cost more than the arithmetic). Bit-exact with
 * msf_multiply_by_quantized_multiplier (msf_requant.c) for every input
 * except multiplier == INT32_MIN, which QuantizeMultiplier never produces;
 * kernels that take arbitrary multipliers check for it once per call
 * (msf_requant_fast_ok) and use the reference path otherwise.
 *
 * Double rounding: gemmlowp's SaturatingRoundingDoublingHighMul is
 * trunc((a*b + nudge) / 2^31) with nudge = 2^30 or 1 - 2^30 by the sign of
 * a*b; both cases equal floor((a*b + 2^30) / 2^31), one 64-bit add and an
 * arithmetic shift. RoundingDivideByPOT stays gemmlowp's mask/threshold
 * form (all 32-bit). */
#ifndef MSF_REQUANT_INLINE_H
#define MSF_REQUANT_INLINE_H
#include "msf_view_internal.h"

static inline int32_t msf_rq_high_mul(int32_t x, int32_t multiplier) {
  const int64_t ab = (int64_t)x * (int64_t)multiplier + ((int64_t)1 << 30);
  return (int32_t)msf_asr64(ab, 31);
}

static inline int32_t msf_rq_divide_pot(int32_t x, int32_t exponent) {
  const int32_t mask = (int32_t)((1u << exponent) - 1u);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (int32_t)((uint32_t)x >> 31);
  return msf_asr32(x, exponent) + (remainder > threshold ? 1 : 0);
}

/* shift in [-31, 31] (TFLite convention: > 0 left). */
static inline int32_t msf_requantize(int32_t acc, int32_t multiplier, int32_t shift) {
#ifdef MSF_SINGLE_ROUNDING
  int32_t total_shift = 31 - shift;
  int64_t result;
  if (total_shift < 1) total_shift = 1;
  if (total_shift > 62) total_shift = 62;
  result = (int64_t)acc * (int64_t)multiplier + ((int64_t)1 << (total_shift - 1));
  result = msf_asr64(result, total_shift);
  if (result > INT32_MAX) return INT32_MAX;
  if (result < INT32_MIN) return INT32_MIN;
  return (int32_t)result;
#else
  /* Branch-free split; a zero right shift divides by 1 in msf_rq_divide_pot. */
  const int32_t left = shift > 0 ? shift : 0;
  const int32_t right = left - shift;
  return msf_rq_divide_pot(msf_rq_high_mul(msf_wrap_shl(acc, left), multiplier), right);
#endif
}

/* acc -> clamped int8 output with the output offset. */
static inline int8_t msf_rq_output(int32_t acc, int32_t multiplier, int32_t shift,
                                       int32_t output_offset, int32_t act_min, int32_t act_max) {
  const int32_t v = msf_wrap_add(msf_requantize(acc, multiplier, shift), output_offset);
  return (int8_t)msf_clamp(v, act_min, act_max);
}

/* The output stage of a kernel, copied into locals once per call: int8
 * stores may alias any memory, so fields read through a pointer would be
 * reloaded after every output byte. */
typedef struct {
  int32_t offset, act_min, act_max;
} msf_out_stage;

/* Requantised accumulator -> output byte. `full` (a literal at the call
 * site) says the activation range is all of int8, as for ReLU6 layers with
 * TFLite's 6/255 scale and for linear ones: one saturating SSAT then
 * replaces the two-sided clamp. */
#if defined(__ARM_FEATURE_SAT) && __ARM_FEATURE_SAT
#include <arm_acle.h>
#define MSF_SSAT8(v) __ssat((v), 8)
#else
#define MSF_SSAT8(v) msf_clamp((v), -128, 127)
#endif
MSF_FORCE_INLINE int8_t msf_rq_stage(int32_t acc, int32_t multiplier, int32_t shift,
                                     msf_out_stage o, int full) {
  const int32_t v = msf_wrap_add(msf_requantize(acc, multiplier, shift), o.offset);
  return (int8_t)(full ? MSF_SSAT8(v) : msf_clamp(v, o.act_min, o.act_max));
}

/* The output stage for a layer whose every shift is a right shift
 * e = -shift in [1, 31] and whose accumulators provably satisfy
 * |acc| < 2^30 for every input (msf_requant_narrow_ok). Then the doubling
 * high multiply floor((acc*m + 2^30) / 2^31) equals
 * floor((2acc*m + 2^31) / 2^32), one rounding high multiply (SMMULR) of
 * 2acc, and its result x has |x| <= |acc| < 2^30, so gemmlowp's rounding
 * divide (ties away from zero) is (x - [x < 0] + 2^(e-1)) >> e without
 * overflow. Bit-exact with msf_rq_stage under those conditions. `half` is
 * msf_rq_half(e) = 2^(e-1). A channel whose multiplier is 0 gives 0 from
 * any accumulator in both forms, so it may have any accumulator and
 * e = 0 (half 0): QuantizeMultiplier's (0, 0) for a zero scale. */
MSF_FORCE_INLINE int8_t msf_rq_stage_narrow(int32_t acc, int32_t multiplier, int32_t e, int32_t half,
                                            msf_out_stage o, int full) {
  int32_t x, v;
#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
  __asm__("smmulr %0, %1, %2" : "=r"(x) : "r"(msf_wrap_shl(acc, 1)), "r"(multiplier));
#else
  x = (int32_t)msf_asr64((int64_t)acc * (2 * (int64_t)multiplier) + ((int64_t)1 << 31), 32);
#endif
  x = msf_asr32(x - (int32_t)((uint32_t)x >> 31) + half, e);
  v = x + o.offset;
  return (int8_t)(full ? MSF_SSAT8(v) : msf_clamp(v, o.act_min, o.act_max));
}

static inline int32_t msf_rq_half(int32_t e) { return (int32_t)((1u << e) >> 1); }

/* Whether a call may use msf_rq_stage_narrow (never with single rounding). */
#ifdef MSF_SINGLE_ROUNDING
#define MSF_RQ_NARROW(q) 0
#else
#define MSF_RQ_NARROW(q) (((q)->verified & MSF_REQUANT_NARROW) != 0)
#endif

static inline int msf_out_stage_full(msf_out_stage o) {
  return o.act_min == -128 && o.act_max == 127;
}

/* Whether every multiplier (and shift) is one the inline form handles. */
static inline int msf_requant_fast_ok(const msf_requant *q, int32_t channels) {
  const int32_t n = q->per_channel ? channels : 1;
  int32_t i;
  if (q->verified) return 1;
  for (i = 0; i < n; ++i) {
    if (q->multiplier[i] == INT32_MIN || q->shift[i] > 31 || q->shift[i] < -31) return 0;
  }
  return 1;
}

#endif /* MSF_REQUANT_INLINE_H */
