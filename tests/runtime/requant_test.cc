// SPDX-License-Identifier: MIT
// Requantisation primitives vs an independent int64 formulation of the
// gemmlowp / TFLite formulas, plus host-side QuantizeMultiplier edge cases.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "msf_rt/msf_kernels.h"
#include "lower/quantize_multiplier.h"
#include "rt_test_util.h"

namespace {

using msf_test::RefMbqm;
using msf_test::RefRdbpot;
using msf_test::RefSrdhm;

TEST(RuntimeRequant, SrdhmEdgeCases) {
  EXPECT_EQ(INT32_MAX, msf_saturating_rounding_doubling_high_mul(INT32_MIN, INT32_MIN));
  EXPECT_EQ(INT32_MIN + 1, msf_saturating_rounding_doubling_high_mul(INT32_MIN, INT32_MAX));
  EXPECT_EQ(0, msf_saturating_rounding_doubling_high_mul(0, INT32_MIN));
  EXPECT_EQ(INT32_MAX - 1, msf_saturating_rounding_doubling_high_mul(INT32_MAX, INT32_MAX));
  // 0.5 * 2^-30 ... ties: +0.5 rounds up, -0.5 rounds up (towards +inf).
  EXPECT_EQ(1, msf_saturating_rounding_doubling_high_mul(1, 1 << 30));   // 0.5 -> 1
  EXPECT_EQ(0, msf_saturating_rounding_doubling_high_mul(-1, 1 << 30));  // -0.5 -> 0
  EXPECT_EQ(-1, msf_saturating_rounding_doubling_high_mul(-3, 1 << 30)); // -1.5 -> -1
  EXPECT_EQ(2, msf_saturating_rounding_doubling_high_mul(3, 1 << 30));   // 1.5 -> 2
  EXPECT_EQ(-1, msf_saturating_rounding_doubling_high_mul(-2, 1 << 30));
}

TEST(RuntimeRequant, RdbpotEdgeCases) {
  EXPECT_EQ(5, msf_rounding_divide_by_pot(5, 0));
  EXPECT_EQ(-5, msf_rounding_divide_by_pot(-5, 0));
  EXPECT_EQ(3, msf_rounding_divide_by_pot(5, 1));   // 2.5 -> 3
  EXPECT_EQ(-3, msf_rounding_divide_by_pot(-5, 1)); // -2.5 -> -3 (away from zero)
  EXPECT_EQ(-1, msf_rounding_divide_by_pot(-3, 2)); // -0.75 -> -1
  EXPECT_EQ(0, msf_rounding_divide_by_pot(-2, 3));  // -0.25 -> 0
  EXPECT_EQ(-1, msf_rounding_divide_by_pot(INT32_MIN, 31));
  EXPECT_EQ(1, msf_rounding_divide_by_pot(INT32_MAX, 31));
  EXPECT_EQ(0, msf_rounding_divide_by_pot((1 << 30) - 1, 31));
  EXPECT_EQ(1, msf_rounding_divide_by_pot(1 << 30, 31));       // 0.5 -> 1
  EXPECT_EQ(-1, msf_rounding_divide_by_pot(-(1 << 30), 31));   // -0.5 -> -1
  EXPECT_EQ(0, msf_rounding_divide_by_pot(-(1 << 30) + 1, 31));
}

TEST(RuntimeRequant, MatchesInt64ReferenceOnEdgeCases) {
  const int32_t xs[] = {0, 1, -1, 2, -2, 3, -3, 127, -128, 255, -255, 1000, -1000, 12345,
                        -12345, 1 << 20, -(1 << 20), (1 << 30) - 1, -(1 << 30), INT32_MAX,
                        INT32_MIN, INT32_MIN + 1};
  const int32_t ms[] = {0, 1, 1 << 30, (1 << 30) + 1, 1518500250, 1859775393, INT32_MAX,
                        INT32_MIN};
  for (int32_t x : xs)
    for (int32_t m : ms)
      for (int shift = -31; shift <= 0; ++shift) {
        if (m < 0) continue;  // TFLite multipliers are non-negative
        ASSERT_EQ(RefMbqm(x, m, shift), msf_multiply_by_quantized_multiplier(x, m, shift))
            << x << " " << m << " " << shift;
      }
  // Left shifts: only values that do not overflow in TFLite's int32 x*2^s,
  // plus explicit wrap cases (two's complement, as the MCU does).
  for (int32_t x : {0, 1, -1, 77, -77, 1 << 10, -(1 << 10)})
    for (int32_t m : {1 << 30, 1518500250, INT32_MAX})
      for (int shift = 1; shift <= 20; ++shift)
        ASSERT_EQ(RefMbqm(x, m, shift), msf_multiply_by_quantized_multiplier(x, m, shift))
            << x << " " << m << " " << shift;
}

TEST(RuntimeRequant, MatchesInt64ReferenceRandom) {
  std::mt19937 rng(1234);
  std::uniform_int_distribution<int32_t> any(INT32_MIN, INT32_MAX);
  std::uniform_int_distribution<int32_t> mult(1 << 30, INT32_MAX);
  std::uniform_int_distribution<int32_t> small(-(1 << 20), 1 << 20);
  std::uniform_int_distribution<int> rshift(-31, 0);
  for (int i = 0; i < 200000; ++i) {
    const int32_t x = (i & 1) ? any(rng) : small(rng);
    const int32_t m = mult(rng);
    const int s = rshift(rng);
    ASSERT_EQ(RefMbqm(x, m, s), msf_multiply_by_quantized_multiplier(x, m, s))
        << x << " " << m << " " << s;
    ASSERT_EQ(RefSrdhm(x, m), msf_saturating_rounding_doubling_high_mul(x, m));
    ASSERT_EQ(RefRdbpot(x, -s), msf_rounding_divide_by_pot(x, -s));
  }
}

#ifndef MSF_SINGLE_ROUNDING
TEST(RuntimeRequant, DoubleRoundingKnownValues) {
  // Identity multiplier: 2^30 with shift 1 represents exactly 1.0.
  for (int32_t x : {0, 1, -1, 100, -100, 123456, -123456})
    EXPECT_EQ(x, msf_multiply_by_quantized_multiplier(x, 1 << 30, 1));
  // 0.5 with shift 0 halves, rounding half away from zero in the second step.
  EXPECT_EQ(3, msf_multiply_by_quantized_multiplier(5, 1 << 30, 0));
  EXPECT_EQ(-2, msf_multiply_by_quantized_multiplier(-5, 1 << 30, 0));  // SRDHM(-5, 0.5) = -2
  // Double rounding differs from exact rounding: 0.75 * 2^-1 of 3 ...
  // x=3, m=0.75 (1610612736), shift=-1: SRDHM -> round(2.25) = 2, /2 -> 1.
  EXPECT_EQ(1, msf_multiply_by_quantized_multiplier(3, 1610612736, -1));
  // Shift -31 on the largest product still rounds to 0 or +-1.
  EXPECT_EQ(1, msf_multiply_by_quantized_multiplier(INT32_MAX, INT32_MAX, -31));
  EXPECT_EQ(-1, msf_multiply_by_quantized_multiplier(INT32_MIN, INT32_MAX, -31));
  EXPECT_EQ(0, msf_multiply_by_quantized_multiplier(1 << 29, 1 << 30, -31));
  // Saturation: INT32_MIN * 2^31 (via left shift wrap) stays saturated.
  EXPECT_EQ(INT32_MAX, msf_multiply_by_quantized_multiplier(INT32_MIN, INT32_MIN, 0));
}
#else
TEST(RuntimeRequant, SingleRoundingKnownValues) {
  for (int32_t x : {0, 1, -1, 100, -100, 123456, -123456})
    EXPECT_EQ(x, msf_multiply_by_quantized_multiplier(x, 1 << 30, 1));
  EXPECT_EQ(3, msf_multiply_by_quantized_multiplier(5, 1 << 30, 0));   // 2.5 -> 3
  EXPECT_EQ(-2, msf_multiply_by_quantized_multiplier(-5, 1 << 30, 0)); // -2.5 -> -2
  EXPECT_EQ(INT32_MAX, msf_multiply_by_quantized_multiplier(INT32_MAX, INT32_MAX, 30));
}
#endif

// ---- host side --------------------------------------------------------------

TEST(QuantMultiplier, Zero) {
  int32_t m = 7, s = 7;
  msf::lower::QuantizeMultiplier(0.0, &m, &s);
  EXPECT_EQ(0, m);
  EXPECT_EQ(0, s);
}

TEST(QuantMultiplier, PowersOfTwo) {
  int32_t m, s;
  msf::lower::QuantizeMultiplier(1.0, &m, &s);
  EXPECT_EQ(1 << 30, m);
  EXPECT_EQ(1, s);
  msf::lower::QuantizeMultiplier(0.5, &m, &s);
  EXPECT_EQ(1 << 30, m);
  EXPECT_EQ(0, s);
  msf::lower::QuantizeMultiplier(0.25, &m, &s);
  EXPECT_EQ(1 << 30, m);
  EXPECT_EQ(-1, s);
}

TEST(QuantMultiplier, RoundsUpTo2Pow31) {
  // frexp gives q = 1 - 2^-33; q * 2^31 rounds to 2^31 -> halved, shift + 1.
  int32_t m, s;
  const double real = 1.0 - std::ldexp(1.0, -33);
  msf::lower::QuantizeMultiplier(real, &m, &s);
  EXPECT_EQ(1 << 30, m);
  EXPECT_EQ(1, s);
  msf::lower::QuantizeMultiplier(std::ldexp(real, -10), &m, &s);
  EXPECT_EQ(1 << 30, m);
  EXPECT_EQ(-9, s);
}

TEST(QuantMultiplier, TinyFlushesToZero) {
  int32_t m, s;
  msf::lower::QuantizeMultiplier(std::ldexp(1.0, -32), &m, &s);  // frexp exp -31: kept
  EXPECT_EQ(1 << 30, m);
  EXPECT_EQ(-31, s);
  msf::lower::QuantizeMultiplier(std::ldexp(1.0, -33), &m, &s);  // exp -32: flushed
  EXPECT_EQ(0, m);
  EXPECT_EQ(0, s);
  msf::lower::QuantizeMultiplier(1e-20, &m, &s);
  EXPECT_EQ(0, m);
  EXPECT_EQ(0, s);
}

TEST(QuantMultiplier, RepresentsValueAccurately) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> mant(0.5, 1.0);
  std::uniform_int_distribution<int> ex(-25, 10);
  for (int i = 0; i < 10000; ++i) {
    const double real = std::ldexp(mant(rng), ex(rng));
    int32_t m, s;
    msf::lower::QuantizeMultiplier(real, &m, &s);
    ASSERT_GE(m, 1 << 30);
    const double back = std::ldexp(static_cast<double>(m), s - 31);
    ASSERT_LE(std::fabs(back - real), std::ldexp(real, -31)) << real;
  }
}

TEST(QuantMultiplier, KnownTfliteValue) {
  // 0.0039215686 (1/255): frexp -> 0.50196078 * 2^-7.
  int32_t m, s;
  msf::lower::QuantizeMultiplier(1.0 / 255.0, &m, &s);
  EXPECT_EQ(-7, s);
  EXPECT_EQ(static_cast<int32_t>(std::round(std::ldexp(1.0 / 255.0, 7) * 2147483648.0)), m);
  EXPECT_EQ(1077952576, m);
}

TEST(QuantMultiplier, GreaterAndSmallerVariantsCheckRange) {
  int32_t m, s;
  msf::lower::QuantizeMultiplierGreaterThanOne(3.0, &m, &s);
  EXPECT_EQ(1610612736, m);  // 0.75 * 2^31
  EXPECT_EQ(2, s);
  msf::lower::QuantizeMultiplierSmallerThanOneExp(0.375, &m, &s);
  EXPECT_EQ(1610612736, m);
  EXPECT_EQ(-1, s);
  EXPECT_ANY_THROW(msf::lower::QuantizeMultiplierGreaterThanOne(0.5, &m, &s));
  EXPECT_ANY_THROW(msf::lower::QuantizeMultiplierSmallerThanOneExp(1.0, &m, &s));
  EXPECT_ANY_THROW(msf::lower::QuantizeMultiplierSmallerThanOneExp(0.0, &m, &s));
}

TEST(QuantMultiplier, RequantRoundTripThroughRuntime) {
  // A host multiplier applied by the runtime approximates x * real.
  std::mt19937 rng(99);
  std::uniform_real_distribution<double> realdist(1e-4, 4.0);
  std::uniform_int_distribution<int32_t> xd(-100000, 100000);
  for (int i = 0; i < 2000; ++i) {
    const double real = realdist(rng);
    int32_t m, s;
    msf::lower::QuantizeMultiplier(real, &m, &s);
    const int32_t x = xd(rng);
    const int32_t got = msf_multiply_by_quantized_multiplier(x, m, s);
    ASSERT_NEAR(static_cast<double>(x) * real, static_cast<double>(got), 1.01) << x << " " << real;
  }
}

}  // namespace
