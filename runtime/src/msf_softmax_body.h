/* SPDX-License-Identifier: MIT */
/* The body of SOFTMAX int8 -> int8 (output scale 1/256, zero point -128),
 * bit-exact with TFLite's templated reference_ops::Softmax
 * (kernels/internal/reference/softmax.h) as used by TFLM for int8 -> int8,
 * with gemmlowp's scalar fixed-point math (fixedpoint/fixedpoint.h):
 *   diff = in - row_max; cells with diff < diff_min contribute nothing and
 *   output -128. Others: x = MBQMGreaterThanOne(diff, mult, left_shift) as
 *   Q5.26, e = exp_on_negative_values(x) as Q0.31, summed as Q12.19 via
 *   Rescale (rounding shift by 12). 1/sum comes from GetReciprocal
 *   (one_over_one_plus_x_for_x_in_0_1 on the normalised sum) and
 *   out = RoundingDivideByPOT(SRDHM(recip, e), num_bits_over_unit + 23) - 128.
 * Every gemmlowp helper is reproduced for int32 only; "Add" in gemmlowp is
 * plain (non-saturating) and is done here with explicit wrap-around.
 *
 * Included by msf_softmax_s8_ref.c (the out-of-line primitives of
 * msf_requant.c) and msf_softmax_s8.c (the inlined ones), which define
 * SRDHM, RDBPOT and MBQM first. */
#ifndef MSF_SOFTMAX_BODY_H
#define MSF_SOFTMAX_BODY_H
#include "msf_view_internal.h"


/* gemmlowp SaturatingRoundingMultiplyByPOT<e> for e > 0 (saturating shift).
 * The threshold test is gemmlowp's: |x| > 2^(31-e) - 1 saturates. */
static int32_t sat_shl(int32_t x, int32_t e) {
  const int32_t threshold = (int32_t)((1u << (31 - e)) - 1u);
  if (x > threshold) return INT32_MAX;
  if (x < -threshold) return INT32_MIN;
  return msf_wrap_shl(x, e);
}

/* exp(a) for a in [-1/4, 0), Q0.31 in and out (Taylor series around -1/8). */
static int32_t exp_on_interval_between_negative_one_quarter_and_0_excl(int32_t a) {
  const int32_t constant_term = 1895147668;    /* exp(-1/8) */
  const int32_t constant_1_over_3 = 715827883; /* 1/3 */
  const int32_t x = msf_wrap_add(a, 1 << 28);  /* a + 1/8 */
  const int32_t x2 = SRDHM(x, x);
  const int32_t x3 = SRDHM(x2, x);
  const int32_t x4 = SRDHM(x2, x2);
  const int32_t x4_over_4 = RDBPOT(x4, 2);
  const int32_t poly =
      RDBPOT(msf_wrap_add(SRDHM(msf_wrap_add(x4_over_4, x3), constant_1_over_3), x2), 1);
  return msf_wrap_add(constant_term, SRDHM(constant_term, msf_wrap_add(x, poly)));
}

/* exp(a) for a <= 0; a is Q5.26 (5 integer bits), result Q0.31. */
static int32_t exp_on_negative_values_q5(int32_t a) {
  enum { kIntegerBits = 5, kFractionalBits = 31 - kIntegerBits };
  static const int32_t kMultipliers[7] = {
      1672461947, /* exp(-1/4) */
      1302514674, /* exp(-1/2) */
      790015084,  /* exp(-1)   */
      290630308,  /* exp(-2)   */
      39332535,   /* exp(-4)   */
      720401,     /* exp(-8)   */
      242         /* exp(-16)  */
  };
  const int32_t one_quarter = 1 << (kFractionalBits - 2);
  const int32_t mask = one_quarter - 1;
  const int32_t a_mod_quarter_minus_one_quarter = msf_wrap_sub(a & mask, one_quarter);
  /* Rescale<0> from Q5: saturating left shift by 5. */
  int32_t result = exp_on_interval_between_negative_one_quarter_and_0_excl(
      sat_shl(a_mod_quarter_minus_one_quarter, kIntegerBits));
  const int32_t remainder = msf_wrap_sub(a_mod_quarter_minus_one_quarter, a);
  int32_t i;
  /* Barrel shifter over exponents -2..+4 (all below kIntegerBits = 5). */
  for (i = 0; i < 7; ++i) {
    const int32_t bit = kFractionalBits - 2 + i;
    if (remainder & (int32_t)(1u << bit)) result = SRDHM(result, kMultipliers[i]);
  }
  /* No clamp to 0 below -32: gemmlowp only does that for > 5 integer bits. */
  if (a == 0) result = INT32_MAX; /* FixedPoint<int32, 0>::One() */
  return result;
}

/* gemmlowp RoundingHalfSum for int32. */
static int32_t rounding_half_sum(int32_t a, int32_t b) {
  const int64_t sum = (int64_t)a + (int64_t)b;
  const int64_t sign = sum >= 0 ? 1 : -1;
  return (int32_t)((sum + sign) / 2);
}

/* 1 / (1 + a) for a in [0, 1): Newton-Raphson in Q2.29; a and result Q0.31. */
static int32_t one_over_one_plus_x_for_x_in_0_1(int32_t a) {
  const int32_t half_denominator = rounding_half_sum(a, INT32_MAX);
  const int32_t constant_48_over_17 = 1515870810;
  const int32_t constant_neg_32_over_17 = -1010580540;
  const int32_t f2_one = 1 << 29;
  int32_t x = msf_wrap_add(constant_48_over_17, SRDHM(half_denominator, constant_neg_32_over_17));
  int32_t i;
  for (i = 0; i < 3; ++i) {
    const int32_t half_denominator_times_x = SRDHM(half_denominator, x);
    const int32_t one_minus = msf_wrap_sub(f2_one, half_denominator_times_x);
    /* Q2 * Q2 = Q4, Rescale<2>: saturating left shift by 2. */
    x = msf_wrap_add(x, sat_shl(SRDHM(x, one_minus), 2));
  }
  /* ExactMulByPot<-1> (Q2 -> Q1, same raw) then Rescale<0>: shift left by 1. */
  return sat_shl(x, 1);
}

static int32_t count_leading_zeros_u32(uint32_t x) {
  int32_t n = 0;
  if (x == 0) return 32;
  while (!(x & 0x80000000u)) {
    x <<= 1;
    ++n;
  }
  return n;
}

static msf_status softmax_rows(const msf_softmax_params *p, const int8_t *in, int8_t *out) {
  enum { kAccumulationIntegerBits = 12 };
  int32_t r, c;
  if (p == 0 || in == 0 || out == 0 || p->rows < 0 || p->depth < 1) return MSF_ARG_ERROR;
  for (r = 0; r < p->rows; ++r) {
    const int8_t *x = in + r * p->depth;
    int8_t *y = out + r * p->depth;
    int32_t max_in_row = INT8_MIN;
    int32_t sum_of_exps = 0; /* Q12.19 */
    int32_t headroom_plus_one, num_bits_over_unit, shifted_scale, exponent;
    for (c = 0; c < p->depth; ++c)
      if (x[c] > max_in_row) max_in_row = x[c];
    for (c = 0; c < p->depth; ++c) {
      const int32_t diff = (int32_t)x[c] - max_in_row;
      if (diff >= p->diff_min) {
        /* MultiplyByQuantizedMultiplierGreaterThanOne == MBQM for shift >= 0. */
        const int32_t scaled =
            MBQM(diff, p->input_multiplier, p->input_left_shift);
        sum_of_exps = msf_wrap_add(
            sum_of_exps, RDBPOT(exp_on_negative_values_q5(scaled), kAccumulationIntegerBits));
      }
    }
    /* GetReciprocal(sum, 12, &num_bits_over_unit). */
    headroom_plus_one = count_leading_zeros_u32((uint32_t)sum_of_exps);
    if (headroom_plus_one >= 32) return MSF_ARG_ERROR; /* cannot happen: exp(0) counts */
    num_bits_over_unit = kAccumulationIntegerBits - headroom_plus_one;
    shifted_scale = one_over_one_plus_x_for_x_in_0_1(
        (int32_t)(((uint32_t)sum_of_exps << headroom_plus_one) - (1u << 31)));
    exponent = num_bits_over_unit + 31 - 8;
    /* TFLite TFLITE_CHECKs this range (fails for very long rows). */
    if (exponent < 0 || exponent > 31) return MSF_ARG_ERROR;
    for (c = 0; c < p->depth; ++c) {
      const int32_t diff = (int32_t)x[c] - max_in_row;
      if (diff >= p->diff_min) {
        const int32_t scaled =
            MBQM(diff, p->input_multiplier, p->input_left_shift);
        const int32_t e = exp_on_negative_values_q5(scaled);
        const int32_t unsat = RDBPOT(SRDHM(shifted_scale, e), exponent);
        y[c] = (int8_t)msf_clamp(unsat + INT8_MIN, INT8_MIN, INT8_MAX);
      } else {
        y[c] = INT8_MIN;
      }
    }
  }
  return MSF_OK;
}

#endif /* MSF_SOFTMAX_BODY_H */
