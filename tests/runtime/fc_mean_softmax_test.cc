// SPDX-License-Identifier: MIT
// FULLY_CONNECTED, MEAN, SOFTMAX and QUANTIZE (int8 -> int8).
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <random>
#include <vector>

#include "msf_rt/msf_kernels.h"
#include "lower/runtime_params.h"
#include "rt_test_util.h"

#if __has_include(<gemmlowp/fixedpoint/fixedpoint.h>)
#include <gemmlowp/fixedpoint/fixedpoint.h>
#define MSF_HAVE_GEMMLOWP 1
#endif

namespace {

using msf_test::RandomInt8;
using msf_test::RefMbqm;

// ---- FULLY_CONNECTED ----------------------------------------------------------

TEST(RuntimeFullyConnected, HandCheckedPerTensorAndPerChannel) {
  const int8_t in[3] = {1, 2, 3};
  const int8_t w[6] = {1, 1, 1, -1, 2, 0};
  const int32_t bias[2] = {5, -5};
  int8_t out[2];
  msf_fc_params p{};
  p.in_features = 3;
  p.out_features = 2;
  p.input_offset = -1;
  p.filter_offset = 0;
  p.output_offset = 3;
  p.act_min = -128;
  p.act_max = 127;
  int32_t m1 = 1 << 30, s1 = 1;
  msf_requant q{&m1, &s1, 0, 0};
  ASSERT_EQ(MSF_OK, msf_fully_connected_s8(&p, &q, in, w, bias, out));
  EXPECT_EQ(11, out[0]);  // 0+1+2 + 5 + 3
  EXPECT_EQ(0, out[1]);   // 0+2+0 - 5 + 3
  const int32_t pm[2] = {1 << 30, 1 << 30}, ps[2] = {1, 0};
  msf_requant pq{pm, ps, 1, 0};
  ASSERT_EQ(MSF_OK, msf_fully_connected_s8(&p, &pq, in, w, bias, out));
  EXPECT_EQ(11, out[0]);
  EXPECT_EQ(2, out[1]);   // round(-3 * 0.5) = -1 (half up) + 3
  // Filter zero point -2 (offset +2): weights become {3,3,3}, {1,4,2}.
  p.filter_offset = 2;
  ASSERT_EQ(MSF_OK, msf_fully_connected_s8(&p, &q, in, w, nullptr, out));
  EXPECT_EQ(12, out[0]);  // 0*3+1*3+2*3 + 3
  EXPECT_EQ(11, out[1]);  // 0+4+4 + 3
  EXPECT_EQ(0, msf_fully_connected_s8_buffer_size(&p));
}

TEST(RuntimeFullyConnected, RandomMatchesReference) {
  std::mt19937 rng(3);
  const int32_t nin = 37, nout = 11;
  const auto in = RandomInt8(rng, nin);
  const auto w = RandomInt8(rng, size_t(nin) * nout, -127, 127);
  std::vector<int32_t> bias(nout), mult(nout), shift(nout);
  std::uniform_int_distribution<int32_t> bd(-3000, 3000), md(1 << 30, INT32_MAX), sd(-11, -7);
  for (int32_t o = 0; o < nout; ++o) {
    bias[o] = bd(rng);
    mult[o] = md(rng);
    shift[o] = sd(rng);
  }
  msf_fc_params p{nin, nout, 9, 0, -4, -110, 100};
  for (int per_channel = 0; per_channel < 2; ++per_channel) {
    msf_requant q{mult.data(), shift.data(), per_channel, 0};
    std::vector<int8_t> out(nout);
    ASSERT_EQ(MSF_OK, msf_fully_connected_s8(&p, &q, in.data(), w.data(), bias.data(), out.data()));
    for (int32_t o = 0; o < nout; ++o) {
      int64_t acc = bias[o];
      for (int32_t i = 0; i < nin; ++i) acc += int64_t(w[size_t(o) * nin + i]) * (in[i] + 9);
      const int32_t qi = per_channel ? o : 0;
      const int32_t v = RefMbqm(int32_t(acc), mult[qi], shift[qi]) - 4;
      ASSERT_EQ(std::clamp(v, -110, 100), out[o]) << o;
    }
  }
}

// ---- MEAN ---------------------------------------------------------------------

// Independent restatement of TFLM's int8 MEAN (reduce.h QuantizedMeanOrSum).
std::vector<int8_t> RefMean(const msf_mean_params& p, const std::vector<int8_t>& in) {
  const int64_t n = int64_t(p.h) * p.w;
  std::vector<int8_t> out(p.c);
  for (int32_t c = 0; c < p.c; ++c) {
    int64_t sum = 0;
    for (int64_t i = 0; i < n; ++i) sum += in[size_t(i) * p.c + c];
    if (p.same_quant) {
      out[c] = static_cast<int8_t>(sum / n);  // truncation towards zero
      continue;
    }
    int k = std::bit_width(static_cast<uint64_t>(n)) - 1;
    k = std::min({k, 32, 31 + p.shift});
    const int32_t m = static_cast<int32_t>((int64_t{p.multiplier} << k) / n);
    const int32_t v = RefMbqm(static_cast<int32_t>(sum - int64_t{p.input_zero_point} * n), m,
                              p.shift - k) + p.output_zero_point;
    out[c] = static_cast<int8_t>(std::clamp(v, -128, 127));
  }
  return out;
}

TEST(RuntimeMean, SameQuantTruncates) {
  const msf_mean_params p = msf::lower::MakeMeanParams(0.1f, 4, 0.1f, 4, 2, 2, 2);
  ASSERT_EQ(1, p.same_quant);
  const std::vector<int8_t> in = {1, -1, 2, -2, 3, -3, 5, -5};
  std::vector<int32_t> scratch(size_t(msf_mean_s8_buffer_size(&p)) / 4);
  ASSERT_EQ(8, msf_mean_s8_buffer_size(&p));
  std::vector<int8_t> out(2);
  ASSERT_EQ(MSF_OK, msf_mean_s8(&p, in.data(), scratch.data(), out.data()));
  EXPECT_EQ(2, out[0]);   // 11 / 4 = 2.75 -> 2
  EXPECT_EQ(-2, out[1]);  // -11 / 4 -> -2 (towards zero)
}

TEST(RuntimeMean, RequantisedHandChecked) {
  // in scale 0.5 zp 3 -> out scale 0.25 zp -1 over 2x2: multiplier 2.0
  // (2^30, shift 2); n = 4 folds into the shift: m' = 2^30, s' = 0, so
  // out = round_half_up((sum - 12) / 2) - 1.
  const msf_mean_params p = msf::lower::MakeMeanParams(0.5f, 3, 0.25f, -1, 2, 2, 1);
  ASSERT_EQ(0, p.same_quant);
  const std::vector<int8_t> in = {5, 6, 7, 9};
  std::vector<int32_t> scratch(1);
  std::vector<int8_t> out(1);
  ASSERT_EQ(MSF_OK, msf_mean_s8(&p, in.data(), scratch.data(), out.data()));
  EXPECT_EQ(7, out[0]);  // sum 27: (27 - 12) / 2 = 7.5 -> 8, - 1
}

TEST(RuntimeMean, RandomMatchesReference) {
  std::mt19937 rng(17);
  struct Case { float is; int32_t iz; float os; int32_t oz; int32_t h, w, c; };
  const Case cases[] = {
      {0.05f, -3, 0.02f, 10, 7, 7, 5},    {0.05f, -3, 0.05f, -3, 7, 7, 5},
      {0.1f, 0, 0.3f, -128, 1, 1, 3},     {0.0213f, 17, 0.0199f, -2, 3, 3, 8},
      {1e-9f, 5, 0.9f, 0, 4, 4, 2},       // tiny multiplier: shift clamps k
      {0.04f, -20, 0.041f, 7, 32, 32, 4}, {0.04f, -20, 0.04f, 7, 13, 11, 4},
  };
  for (const auto& k : cases) {
    const msf_mean_params p = msf::lower::MakeMeanParams(k.is, k.iz, k.os, k.oz, k.h, k.w, k.c);
    const auto in = RandomInt8(rng, size_t(k.h) * k.w * k.c);
    std::vector<int32_t> scratch(size_t(k.c));
    std::vector<int8_t> out(size_t(k.c));
    ASSERT_EQ(MSF_OK, msf_mean_s8(&p, in.data(), scratch.data(), out.data()));
    EXPECT_EQ(RefMean(p, in), out) << k.h << "x" << k.w << " shift " << p.shift;
  }
}

// ---- QUANTIZE (int8 -> int8) ------------------------------------------------------

TEST(RuntimeRequantize, HandChecked) {
  const msf_requantize_params p = msf::lower::MakeRequantizeParams(0.75f, -5, 0.5f, 7);
  const int8_t in[5] = {-5, 0, -10, 127, -128};
  int8_t out[5];
  ASSERT_EQ(MSF_OK, msf_requantize_s8(&p, in, out, 5));
  EXPECT_EQ(7, out[0]);
  EXPECT_EQ(15, out[1]);    // 7.5 -> 8
  EXPECT_EQ(0, out[2]);     // -7.5 -> -7
  EXPECT_EQ(127, out[3]);   // saturates
  EXPECT_EQ(-128, out[4]);  // saturates
  std::mt19937 rng(8);
  const auto v = RandomInt8(rng, 1000);
  std::vector<int8_t> o(v.size());
  const msf_requantize_params q = msf::lower::MakeRequantizeParams(0.0371f, 12, 0.0449f, -30);
  ASSERT_EQ(MSF_OK, msf_requantize_s8(&q, v.data(), o.data(), int32_t(v.size())));
  for (size_t i = 0; i < v.size(); ++i)
    ASSERT_EQ(std::clamp(RefMbqm(v[i] - 12, q.multiplier, q.shift) - 30, -128, 127), o[i]);
}

// ---- SOFTMAX ----------------------------------------------------------------------

TEST(RuntimeSoftmax, TflmGoldenVector) {
  // tensorflow/lite/experimental/micro/kernels/softmax_test.cc,
  // SimpleTestQuantizedSigned (exact equality there): input range
  // [-63.5, 64] -> scale 0.5, zero point -1; output scale 1/256, zp -128.
  const msf_softmax_params p = msf::lower::MakeSoftmaxParams(1.0f, 0.5f, 2, 5);
  const int8_t in[10] = {-7, 9, -15, 17, -23,  // -3, 5, -7, 9, -11
                         1, 3, 5, 7, 9};       // 1, 2, 3, 4, 5
  int8_t out[10];
  ASSERT_EQ(MSF_OK, msf_softmax_s8(&p, in, out));
  const int8_t expect[10] = {-128, -123, -128, 123, -128, -125, -120, -106, -68, 35};
  for (int i = 0; i < 10; ++i) EXPECT_EQ(expect[i], out[i]) << i;
}

TEST(RuntimeSoftmax, Properties) {
  std::mt19937 rng(31);
  for (float scale : {0.02f, 0.0625f, 0.1f, 0.25f, 0.5f, 1.0f}) {
    const int32_t depth = 10;
    const msf_softmax_params p = msf::lower::MakeSoftmaxParams(1.0f, scale, 1, depth);
    for (int trial = 0; trial < 50; ++trial) {
      auto in = RandomInt8(rng, depth);
      std::sort(in.begin(), in.end());
      std::vector<int8_t> out(depth);
      ASSERT_EQ(MSF_OK, msf_softmax_s8(&p, in.data(), out.data()));
      int sum = 0;
      double fsum = 0;
      const int8_t mx = in.back();
      for (int32_t c = 0; c < depth; ++c) fsum += std::exp(scale * (in[c] - mx));
      for (int32_t c = 0; c < depth; ++c) {
        if (c > 0) {
          ASSERT_LE(out[c - 1], out[c]);  // monotonic in the input
        }
        sum += out[c] + 128;
        const double expect = std::exp(scale * (in[c] - mx)) / fsum * 256.0;
        ASSERT_NEAR(expect, out[c] + 128, 1.01) << "scale " << scale;
      }
      ASSERT_NEAR(256, sum, depth);  // probabilities sum to ~1
    }
  }
  // Equal inputs: uniform output; one dominant input: 1.0 (saturated 127).
  const msf_softmax_params p = msf::lower::MakeSoftmaxParams(1.0f, 0.5f, 1, 4);
  int8_t eq[4] = {3, 3, 3, 3}, out[4];
  ASSERT_EQ(MSF_OK, msf_softmax_s8(&p, eq, out));
  for (int i = 0; i < 4; ++i) EXPECT_EQ(-64, out[i]);  // 0.25 * 256 - 128
  int8_t dom[4] = {-128, 127, -128, -128};
  ASSERT_EQ(MSF_OK, msf_softmax_s8(&p, dom, out));
  EXPECT_EQ(127, out[1]);
  EXPECT_EQ(-128, out[0]);  // below diff_min
}

#ifdef MSF_HAVE_GEMMLOWP
// Cross-check against the real gemmlowp fixed-point library, arranged as
// TFLite's reference_ops::Softmax (int8 in, int8 out). Runs only where the
// libgemmlowp-dev headers are installed.
void GemmlowpSoftmax(const msf_softmax_params& p, const int8_t* in, int8_t* out) {
  using FixedPointScaledDiff = gemmlowp::FixedPoint<int32_t, 5>;
  using FixedPointAccum = gemmlowp::FixedPoint<int32_t, 12>;
  using FixedPoint0 = gemmlowp::FixedPoint<int32_t, 0>;
  for (int r = 0; r < p.rows; ++r) {
    const int8_t* x = in + r * p.depth;
    int8_t max_in_row = -128;
    for (int c = 0; c < p.depth; ++c) max_in_row = std::max(max_in_row, x[c]);
    FixedPointAccum sum_of_exps = FixedPointAccum::Zero();
    auto rescaled = [&](int32_t diff) {
      return gemmlowp::SaturatingRoundingDoublingHighMul(diff * (1 << p.input_left_shift),
                                                         p.input_multiplier);
    };
    for (int c = 0; c < p.depth; ++c) {
      const int32_t diff = int32_t(x[c]) - max_in_row;
      if (diff >= p.diff_min)
        sum_of_exps = sum_of_exps + gemmlowp::Rescale<12>(gemmlowp::exp_on_negative_values(
                                        FixedPointScaledDiff::FromRaw(rescaled(diff))));
    }
    const int headroom_plus_one = std::countl_zero(static_cast<uint32_t>(sum_of_exps.raw()));
    const int num_bits_over_unit = 12 - headroom_plus_one;
    const int32_t shifted_sum_minus_one = static_cast<int32_t>(
        (static_cast<uint32_t>(sum_of_exps.raw()) << headroom_plus_one) - (uint32_t{1} << 31));
    const FixedPoint0 shifted_scale = gemmlowp::one_over_one_plus_x_for_x_in_0_1(
        FixedPoint0::FromRaw(shifted_sum_minus_one));
    const int exponent = num_bits_over_unit + 31 - 8;
    for (int c = 0; c < p.depth; ++c) {
      const int32_t diff = int32_t(x[c]) - max_in_row;
      if (diff >= p.diff_min) {
        const FixedPoint0 e =
            gemmlowp::exp_on_negative_values(FixedPointScaledDiff::FromRaw(rescaled(diff)));
        const int32_t unsat = gemmlowp::RoundingDivideByPOT((shifted_scale * e).raw(), exponent);
        out[r * p.depth + c] = static_cast<int8_t>(std::clamp(unsat - 128, -128, 127));
      } else {
        out[r * p.depth + c] = -128;
      }
    }
  }
}

TEST(RuntimeSoftmax, MatchesGemmlowp) {
#ifdef MSF_SINGLE_ROUNDING
  GTEST_SKIP() << "gemmlowp cross-check is for the double-rounding build";
#endif
  std::mt19937 rng(77);
  for (float scale : {0.0039f, 0.02f, 0.0625f, 0.1f, 0.17f, 0.25f, 0.5f, 1.0f, 3.0f}) {
    for (int32_t depth : {1, 2, 5, 10, 37, 100, 256}) {
      const int32_t rows = 8;
      const msf_softmax_params p = msf::lower::MakeSoftmaxParams(1.0f, scale, rows, depth);
      const auto in = RandomInt8(rng, size_t(rows) * depth);
      std::vector<int8_t> got(in.size()), want(in.size());
      ASSERT_EQ(MSF_OK, msf_softmax_s8(&p, in.data(), got.data()));
      GemmlowpSoftmax(p, in.data(), want.data());
      ASSERT_EQ(want, got) << "scale " << scale << " depth " << depth;
    }
  }
}
#endif

}  // namespace
