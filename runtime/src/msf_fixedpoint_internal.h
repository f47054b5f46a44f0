/* SPDX-License-Identifier: MIT */
/* gemmlowp's scalar int32 fixed-point functions (fixedpoint/fixedpoint.h)
 * for any number of integer bits, as TFLite's reference kernels use them:
 * exp_on_negative_values, one_over_one_plus_x_for_x_in_0_1 and logistic.
 * A value with k integer bits is a raw int32 in Qk.(31-k). gemmlowp's "+"
 * and "-" on FixedPoint are plain int32 arithmetic, done here with explicit
 * wrap-around. Internal; C99, integer only. (msf_softmax_body.h has the
 * Q5.26 instances of the exp helpers for SOFTMAX.) */
#ifndef MSF_FIXEDPOINT_INTERNAL_H
#define MSF_FIXEDPOINT_INTERNAL_H
#include "msf_view_internal.h"

/* SaturatingRoundingDoublingHighMul: floor((a*b + 2^30) / 2^31), i.e.
 * gemmlowp's truncating division with its sign-dependent nudge; only
 * INT32_MIN * INT32_MIN saturates. */
static inline int32_t msf_fp_srdhm(int32_t a, int32_t b) {
  if (a == INT32_MIN && b == INT32_MIN) return INT32_MAX;
  return (int32_t)msf_asr64((int64_t)a * (int64_t)b + ((int64_t)1 << 30), 31);
}

/* RoundingDivideByPOT, exponent in [0, 31]: half away from zero. */
static inline int32_t msf_fp_rdbpot(int32_t x, int32_t exponent) {
  const int32_t mask = (int32_t)(((int64_t)1 << exponent) - 1);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return msf_asr32(x, exponent) + (remainder > threshold ? 1 : 0);
}

/* SaturatingRoundingMultiplyByPOT<e> for e in [1, 30]: |x| > 2^(31-e) - 1
 * saturates (gemmlowp's threshold test). */
static inline int32_t msf_fp_sat_shl(int32_t x, int32_t e) {
  const int32_t threshold = (int32_t)((1u << (31 - e)) - 1u);
  if (x > threshold) return INT32_MAX;
  if (x < -threshold) return INT32_MIN;
  return msf_wrap_shl(x, e);
}

/* exp(a) for a in [-1/4, 0), Q0.31 in and out: Taylor series around -1/8. */
static inline int32_t msf_fp_exp_quarter(int32_t a) {
  const int32_t constant_term = 1895147668;    /* exp(-1/8) */
  const int32_t constant_1_over_3 = 715827883; /* 1/3 */
  const int32_t x = msf_wrap_add(a, 1 << 28);  /* a + 1/8 */
  const int32_t x2 = msf_fp_srdhm(x, x);
  const int32_t x3 = msf_fp_srdhm(x2, x);
  const int32_t x4 = msf_fp_srdhm(x2, x2);
  const int32_t x4_over_4 = msf_fp_rdbpot(x4, 2);
  const int32_t poly = msf_fp_rdbpot(
      msf_wrap_add(msf_fp_srdhm(msf_wrap_add(x4_over_4, x3), constant_1_over_3), x2), 1);
  /* AddSaturatingIf16Bit is a plain add for int32. */
  return msf_wrap_add(constant_term, msf_fp_srdhm(constant_term, msf_wrap_add(x, poly)));
}

/* exp(a) for a <= 0 with `integer_bits` in [1, 5] (Q(ib).(31-ib)), result
 * Q0.31. The barrel shifter applies exp(-2^k) for k = -2 .. integer_bits-1;
 * gemmlowp clamps to 0 below -32 only for more than 5 integer bits. */
static inline int32_t msf_fp_exp_on_negative_values(int32_t a, int32_t integer_bits) {
  static const int32_t kMultipliers[7] = {
      1672461947, /* exp(-1/4) */
      1302514674, /* exp(-1/2) */
      790015084,  /* exp(-1)   */
      290630308,  /* exp(-2)   */
      39332535,   /* exp(-4)   */
      720401,     /* exp(-8)   */
      242         /* exp(-16)  */
  };
  const int32_t fractional_bits = 31 - integer_bits;
  const int32_t one_quarter = (int32_t)1 << (fractional_bits - 2);
  const int32_t mask = one_quarter - 1;
  const int32_t a_mod_quarter_minus_one_quarter = msf_wrap_sub(a & mask, one_quarter);
  /* Rescale<0>: saturating left shift by integer_bits. */
  int32_t result =
      msf_fp_exp_quarter(msf_fp_sat_shl(a_mod_quarter_minus_one_quarter, integer_bits));
  const int32_t remainder = msf_wrap_sub(a_mod_quarter_minus_one_quarter, a);
  int32_t k;
  for (k = -2; k < integer_bits; ++k) {
    const int32_t bit = fractional_bits + k;
    if (remainder & (int32_t)(1u << bit)) result = msf_fp_srdhm(result, kMultipliers[k + 2]);
  }
  if (a == 0) result = INT32_MAX; /* FixedPoint<int32, 0>::One() */
  return result;
}

/* gemmlowp RoundingHalfSum for int32. */
static inline int32_t msf_fp_rounding_half_sum(int32_t a, int32_t b) {
  const int64_t sum = (int64_t)a + (int64_t)b;
  const int64_t sign = sum >= 0 ? 1 : -1;
  return (int32_t)((sum + sign) / 2);
}

/* 1 / (1 + a) for a in [0, 1): Newton-Raphson in Q2.29; a and result Q0.31. */
static inline int32_t msf_fp_one_over_one_plus_x(int32_t a) {
  const int32_t half_denominator = msf_fp_rounding_half_sum(a, INT32_MAX);
  const int32_t constant_48_over_17 = 1515870810;
  const int32_t constant_neg_32_over_17 = -1010580540;
  const int32_t f2_one = 1 << 29;
  int32_t x = msf_wrap_add(constant_48_over_17,
                           msf_fp_srdhm(half_denominator, constant_neg_32_over_17));
  int32_t i;
  for (i = 0; i < 3; ++i) {
    const int32_t half_denominator_times_x = msf_fp_srdhm(half_denominator, x);
    const int32_t one_minus = msf_wrap_sub(f2_one, half_denominator_times_x);
    x = msf_wrap_add(x, msf_fp_sat_shl(msf_fp_srdhm(x, one_minus), 2)); /* Rescale<2> */
  }
  /* ExactMulByPot<-1> (Q2 -> Q1, same raw), Rescale<0>: left shift by 1. */
  return msf_fp_sat_shl(x, 1);
}

/* gemmlowp logistic: a is Q(ib).(31-ib), result Q0.31 in [0, 1]. */
static inline int32_t msf_fp_logistic(int32_t a, int32_t integer_bits) {
  int32_t abs_a, pos;
  if (a == 0) return 1 << 30; /* one half */
  abs_a = a > 0 ? a : (int32_t)(0u - (uint32_t)a);
  /* logistic_on_positive_values(|a|) = 1 / (1 + exp(-|a|)). */
  pos = msf_fp_one_over_one_plus_x(
      msf_fp_exp_on_negative_values((int32_t)(0u - (uint32_t)abs_a), integer_bits));
  return a > 0 ? pos : msf_wrap_sub(INT32_MAX, pos); /* One() - result */
}

#endif /* MSF_FIXEDPOINT_INTERNAL_H */
