// SPDX-License-Identifier: MIT
// Host-side parameter computation (TFLM Prepare() equivalents).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "lower/quantize_multiplier.h"
#include "lower/runtime_params.h"

namespace {

using msf::ir::Activation;
using namespace msf::lower;

TEST(QuantActivation, Ranges) {
  int32_t lo, hi;
  CalculateActivationRangeQuantized(Activation::kNone, 0.1f, 3, &lo, &hi);
  EXPECT_EQ(-128, lo);
  EXPECT_EQ(127, hi);
  CalculateActivationRangeQuantized(Activation::kRelu, 0.1f, 5, &lo, &hi);
  EXPECT_EQ(5, lo);
  EXPECT_EQ(127, hi);
  CalculateActivationRangeQuantized(Activation::kRelu, 0.1f, -128, &lo, &hi);
  EXPECT_EQ(-128, lo);
  CalculateActivationRangeQuantized(Activation::kRelu6, 0.05f, -10, &lo, &hi);
  EXPECT_EQ(-10, lo);
  EXPECT_EQ(110, hi);
  CalculateActivationRangeQuantized(Activation::kRelu6, 0.05f, 100, &lo, &hi);
  EXPECT_EQ(100, lo);
  EXPECT_EQ(127, hi);
  CalculateActivationRangeQuantized(Activation::kRelu6, 6.0f / 255.0f, -128, &lo, &hi);
  EXPECT_EQ(-128, lo);
  EXPECT_EQ(127, hi);
  // 6 / 0.0625 = 96 exactly; 6 / 0.07 = 85.71 -> 86.
  CalculateActivationRangeQuantized(Activation::kRelu6, 0.0625f, -20, &lo, &hi);
  EXPECT_EQ(76, hi);
  CalculateActivationRangeQuantized(Activation::kRelu6, 0.07f, -20, &lo, &hi);
  EXPECT_EQ(66, hi);
}

TEST(QuantParams, AddParams) {
  const msf_add_params p = MakeAddParams(0.5f, 1, 0.25f, -3, 1.0f, 2, -100, 100);
  EXPECT_EQ(-1, p.input1_offset);
  EXPECT_EQ(3, p.input2_offset);
  EXPECT_EQ(2, p.output_offset);
  EXPECT_EQ(20, p.left_shift);
  EXPECT_EQ(1 << 30, p.input1_multiplier);  // 0.5
  EXPECT_EQ(0, p.input1_shift);
  EXPECT_EQ(1 << 30, p.input2_multiplier);  // 0.25
  EXPECT_EQ(-1, p.input2_shift);
  EXPECT_EQ(1 << 30, p.output_multiplier);  // 1 / 2^20
  EXPECT_EQ(-19, p.output_shift);
  EXPECT_EQ(-100, p.act_min);
  EXPECT_EQ(100, p.act_max);
}

TEST(QuantParams, SoftmaxParams) {
  msf_softmax_params p = MakeSoftmaxParams(1.0f, 0.5f, 2, 5);
  EXPECT_EQ(1 << 30, p.input_multiplier);  // 0.5 * 2^26 = 2^25
  EXPECT_EQ(26, p.input_left_shift);
  EXPECT_EQ(-31, p.diff_min);  // floor(31 * 2^26 / 2^26)
  EXPECT_EQ(2, p.rows);
  EXPECT_EQ(5, p.depth);
  p = MakeSoftmaxParams(1.0f, 0.1f, 1, 5);
  // 0.1f * 2^26 = 0.800000011920929 * 2^23
  EXPECT_EQ(static_cast<int32_t>(std::round(static_cast<double>(0.1f) * std::ldexp(1.0, 26 - 23 + 31))),
            p.input_multiplier);
  EXPECT_EQ(23, p.input_left_shift);
  EXPECT_EQ(-248, p.diff_min);  // floor(31 * 2^26 / 2^23)
  EXPECT_EQ(248, CalculateInputRadius(5, 23));
  EXPECT_EQ(31, CalculateInputRadius(5, 26));
  EXPECT_EQ(0, CalculateInputRadius(5, 31));  // 31 * 2^26 / 2^31 = 0.97 -> 0
}

TEST(QuantParams, MeanAndRequantizeParams) {
  msf_mean_params m = MakeMeanParams(0.5f, 3, 0.5f, 3, 4, 5, 6);
  EXPECT_EQ(1, m.same_quant);
  EXPECT_EQ(1 << 30, m.multiplier);
  EXPECT_EQ(1, m.shift);
  m = MakeMeanParams(0.5f, 3, 0.25f, 3, 4, 5, 6);
  EXPECT_EQ(0, m.same_quant);
  EXPECT_EQ(1 << 30, m.multiplier);
  EXPECT_EQ(2, m.shift);
  m = MakeMeanParams(0.5f, 3, 0.5f, 4, 4, 5, 6);
  EXPECT_EQ(0, m.same_quant);
  const msf_requantize_params r = MakeRequantizeParams(0.75f, -5, 0.5f, 7);
  EXPECT_EQ(-5, r.input_zero_point);
  EXPECT_EQ(7, r.output_zero_point);
  EXPECT_EQ(1610612736, r.multiplier);  // 1.5 = 0.75 * 2^1
  EXPECT_EQ(1, r.shift);
}

TEST(QuantParams, ConvAndFullyConnectedMultipliers) {
  std::vector<int32_t> m, s;
  const std::vector<float> fs = {0.5f, 0.25f, 0.1f};
  ConvPerChannelMultipliers(0.5f, fs, 0.25f, &m, &s);
  ASSERT_EQ(3u, m.size());
  EXPECT_EQ(1 << 30, m[0]);  // 1.0
  EXPECT_EQ(1, s[0]);
  EXPECT_EQ(1 << 30, m[1]);  // 0.5
  EXPECT_EQ(0, s[1]);
  int32_t em, es;
  QuantizeMultiplier(0.5 * static_cast<double>(0.1f) / 0.25, &em, &es);
  EXPECT_EQ(em, m[2]);
  EXPECT_EQ(es, s[2]);

}

// TFLite's fully connected layer multiplies the scales in double
// (GetQuantizedConvolutionMultipler casts both to double first); a float
// product can differ in the last bit of the multiplier. The lowered FC must
// take the double one, and this sweep must find scales where it matters,
// or it would prove nothing.
TEST(QuantParams, FullyConnectedMultiplierTakesTheScaleProductInDouble) {
  uint64_t state = 12345;
  const auto next_scale = [&state] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<float>(1e-4 + 0.05 * static_cast<double>(state >> 11) / 9007199254740992.0);
  };
  int differing = 0;
  for (int i = 0; i < 2000; ++i) {
    const float in_s = next_scale(), f_s = next_scale(), out_s = next_scale() * 4;
    std::vector<int32_t> m, s;
    ConvPerChannelMultipliers(in_s, std::vector<float>{f_s}, out_s, &m, &s);
    int32_t dm, dsh, fm, fsh;
    QuantizeMultiplier(static_cast<double>(in_s) * static_cast<double>(f_s) / static_cast<double>(out_s), &dm, &dsh);
    QuantizeMultiplier(static_cast<double>(in_s * f_s) / static_cast<double>(out_s), &fm, &fsh);
    ASSERT_EQ(1u, m.size());
    EXPECT_EQ(dm, m[0]);
    EXPECT_EQ(dsh, s[0]);
    differing += (fm != dm || fsh != dsh) ? 1 : 0;
  }
  EXPECT_GT(differing, 0) << "no scales where the float product differs: the check above is not discriminating";
}

TEST(QuantParams, InvalidAddScalesThrow) {
  // Output multiplier >= 1 is rejected by TFLite's SmallerThanOneExp check.
  EXPECT_ANY_THROW(MakeAddParams(1.0f, 0, 1.0f, 0, 1e-9f, 0, -128, 127));
}

}  // namespace
