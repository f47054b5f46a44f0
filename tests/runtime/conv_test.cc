// SPDX-License-Identifier: MIT
// CONV_2D and DEPTHWISE_CONV_2D: hand-checked cases, comparison with a naive
// whole-tensor reference (explicit zero-point padding), and equivalence of
// tiled / ring-buffer execution with whole-layer execution.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "msf_rt/msf_kernels.h"
#include "rt_test_util.h"

namespace {

using msf_test::Axis;
using msf_test::OutSize;
using msf_test::RandomInt8;
using msf_test::RandomTensor;
using msf_test::RefMbqm;
using msf_test::Tensor;
using msf_test::WholeView;

struct ConvCase {
  int32_t in_h, in_w, in_c, out_c, kh, kw, sh, sw, dh, dw;
  int32_t pad_top, pad_bottom, pad_left, pad_right, depth_multiplier;
};

msf_conv_params MakeParams(const ConvCase& k, int32_t in_zp, int32_t out_zp, int32_t act_min,
                           int32_t act_max) {
  msf_conv_params p{};
  p.in_h = k.in_h;
  p.in_w = k.in_w;
  p.in_c = k.in_c;
  p.out_c = k.out_c;
  p.kernel_h = k.kh;
  p.kernel_w = k.kw;
  p.stride_h = k.sh;
  p.stride_w = k.sw;
  p.dilation_h = k.dh;
  p.dilation_w = k.dw;
  p.pad_top = k.pad_top;
  p.pad_left = k.pad_left;
  p.depth_multiplier = k.depth_multiplier;
  p.input_offset = -in_zp;
  p.output_offset = out_zp;
  p.act_min = act_min;
  p.act_max = act_max;
  return p;
}

int32_t OutH(const ConvCase& k) {
  return OutSize(k.in_h, k.pad_top, k.pad_bottom, (k.kh - 1) * k.dh + 1, k.sh);
}
int32_t OutW(const ConvCase& k) {
  return OutSize(k.in_w, k.pad_left, k.pad_right, (k.kw - 1) * k.dw + 1, k.sw);
}

// Naive reference: materialise the padded input (padding = input zero point)
// and convolve it; requantise with the independent int64 reference.
Tensor RefConv(const ConvCase& k, const Tensor& in, const std::vector<int8_t>& filt,
               const std::vector<int32_t>& bias, const std::vector<int32_t>& mult,
               const std::vector<int32_t>& shift, int32_t in_zp, int32_t out_zp, int32_t lo,
               int32_t hi, bool depthwise) {
  const int32_t ph = k.in_h + k.pad_top + k.pad_bottom, pw = k.in_w + k.pad_left + k.pad_right;
  Tensor padded(ph, pw, k.in_c);
  for (auto& v : padded.d) v = static_cast<int8_t>(in_zp);
  for (int32_t y = 0; y < k.in_h; ++y)
    for (int32_t x = 0; x < k.in_w; ++x)
      for (int32_t c = 0; c < k.in_c; ++c) padded.at(y + k.pad_top, x + k.pad_left, c) = in.at(y, x, c);
  Tensor out(OutH(k), OutW(k), k.out_c);
  for (int32_t oy = 0; oy < out.h; ++oy)
    for (int32_t ox = 0; ox < out.w; ++ox)
      for (int32_t oc = 0; oc < k.out_c; ++oc) {
        int64_t acc = 0;
        for (int32_t ky = 0; ky < k.kh; ++ky)
          for (int32_t kx = 0; kx < k.kw; ++kx) {
            const int32_t y = oy * k.sh + ky * k.dh, x = ox * k.sw + kx * k.dw;
            if (depthwise) {
              const int32_t ic = oc / k.depth_multiplier;
              acc += int64_t(padded.at(y, x, ic) - in_zp) * filt[(ky * k.kw + kx) * k.out_c + oc];
            } else {
              for (int32_t ic = 0; ic < k.in_c; ++ic)
                acc += int64_t(padded.at(y, x, ic) - in_zp) *
                       filt[((oc * k.kh + ky) * k.kw + kx) * k.in_c + ic];
            }
          }
        if (!bias.empty()) acc += bias[oc];
        const size_t qi = mult.size() > 1 ? size_t(oc) : 0;
        int32_t v = RefMbqm(static_cast<int32_t>(acc), mult[qi], shift[qi]) + out_zp;
        out.at(oy, ox, oc) = static_cast<int8_t>(std::clamp(v, lo, hi));
      }
  return out;
}

const int32_t kOne = 1 << 30;  // with shift 1: multiplier 1.0

TEST(RuntimeConv, HandChecked3x3SamePadding) {
  // 3x3 input 1..9, 3x3 all-ones filter, SAME padding, zero points 0,
  // identity requantisation: outputs are the 3x3 neighbourhood sums.
  ConvCase k{3, 3, 1, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1};
  Tensor in(3, 3, 1);
  for (int i = 0; i < 9; ++i) in.d[i] = static_cast<int8_t>(i + 1);
  std::vector<int8_t> f(9, 1);
  int32_t m = kOne, s = 1;
  msf_requant q{&m, &s, 0, 0};
  msf_conv_params p = MakeParams(k, 0, 0, -128, 127);
  Tensor out(3, 3, 1);
  msf_view iv = WholeView(in), ov = WholeView(out);
  msf_rect r{0, 0, 3, 3};
  ASSERT_EQ(MSF_OK, msf_conv_s8_ref(&p, &q, &iv, f.data(), nullptr, &r, &ov));
  const int8_t expect[9] = {12, 21, 16, 27, 45, 33, 24, 39, 28};
  for (int i = 0; i < 9; ++i) EXPECT_EQ(expect[i], out.d[i]) << i;

  // Input zero point 2: padding contributes nothing, real values are v - 2;
  // bias 10, output zero point -5, multiplier 0.5 (2^30, shift 0).
  p = MakeParams(k, 2, -5, -128, 127);
  int32_t bias = 10;
  s = 0;
  ASSERT_EQ(MSF_OK, msf_conv_s8_ref(&p, &q, &iv, f.data(), &bias, &r, &ov));
  // centre: sum(1..9) - 9*2 = 27, +10 = 37, *0.5 = 18.5 -> 19 (SRDHM rounds up), -5 = 14
  EXPECT_EQ(14, out.d[4]);
  // corner (0,0): 1+2+4+5 - 4*2 = 4, +10 = 14 -> 7, -5 = 2
  EXPECT_EQ(2, out.d[0]);
  // clamping
  p = MakeParams(k, 2, -5, 0, 10);
  ASSERT_EQ(MSF_OK, msf_conv_s8_ref(&p, &q, &iv, f.data(), &bias, &r, &ov));
  EXPECT_EQ(10, out.d[4]);
  EXPECT_EQ(2, out.d[0]);
}

TEST(RuntimeConv, HandCheckedStrideDilation) {
  // 6x6 input (y*6+x), 2x2 filter [1, 2; 3, 4] with dilation 2, stride 2,
  // no padding: out(oy,ox) = in(2oy,2ox) + 2 in(2oy,2ox+2) + 3 in(2oy+2,2ox) + 4 in(2oy+2,2ox+2).
  ConvCase k{6, 6, 1, 1, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 1};
  ASSERT_EQ(2, OutH(k));  // (6 - 3) / 2 + 1
  Tensor in(6, 6, 1);
  for (int i = 0; i < 36; ++i) in.d[i] = static_cast<int8_t>(i);
  std::vector<int8_t> f = {1, 2, 3, 4};
  int32_t m = kOne, s = 1;
  msf_requant q{&m, &s, 0, 0};
  msf_conv_params p = MakeParams(k, 0, 0, -128, 127);
  Tensor out(2, 2, 1);
  msf_view iv = WholeView(in), ov = WholeView(out);
  msf_rect r{0, 0, 2, 2};
  ASSERT_EQ(MSF_OK, msf_conv_s8_ref(&p, &q, &iv, f.data(), nullptr, &r, &ov));
  auto v = [](int y, int x) { return y * 6 + x; };
  for (int oy = 0; oy < 2; ++oy)
    for (int ox = 0; ox < 2; ++ox) {
      const int e = v(2 * oy, 2 * ox) + 2 * v(2 * oy, 2 * ox + 2) + 3 * v(2 * oy + 2, 2 * ox) +
                    4 * v(2 * oy + 2, 2 * ox + 2);
      EXPECT_EQ(std::min(e, 127), out.at(oy, ox, 0)) << oy << "," << ox;
    }
}

void RandomConvCase(const ConvCase& k, bool depthwise, uint32_t seed, bool per_channel) {
  std::mt19937 rng(seed);
  Tensor in = RandomTensor(rng, k.in_h, k.in_w, k.in_c);
  const size_t fsize = depthwise ? size_t(k.kh) * k.kw * k.out_c
                                 : size_t(k.out_c) * k.kh * k.kw * k.in_c;
  std::vector<int8_t> f = RandomInt8(rng, fsize, -127, 127);
  std::vector<int32_t> bias(k.out_c);
  std::uniform_int_distribution<int32_t> bd(-5000, 5000);
  for (auto& b : bias) b = bd(rng);
  const size_t nq = per_channel ? size_t(k.out_c) : 1;
  std::vector<int32_t> mult(nq), shift(nq);
  std::uniform_int_distribution<int32_t> md(1 << 30, INT32_MAX);
  // Scale the accumulator (std ~ sqrt(taps) * 147 * 73) to an output std of
  // ~40 so that most outputs are not clamped and rounding is exercised.
  const double taps = double(k.kh) * k.kw * (depthwise ? 1 : k.in_c);
  const int32_t base = static_cast<int32_t>(std::lround(std::log2(40.0 / (std::sqrt(taps) * 10731.0))));
  std::uniform_int_distribution<int32_t> sd(base - 1, base + 1);
  for (size_t i = 0; i < nq; ++i) {
    mult[i] = md(rng);
    shift[i] = sd(rng);
  }
  const int32_t in_zp = 7, out_zp = -3, lo = -100, hi = 120;
  msf_conv_params p = MakeParams(k, in_zp, out_zp, lo, hi);
  msf_requant q{mult.data(), shift.data(), per_channel ? 1 : 0, 0};
  const Tensor ref = RefConv(k, in, f, bias, mult, shift, in_zp, out_zp, lo, hi, depthwise);

  auto run = [&](const msf_view& iv, const msf_rect& r, msf_view* ov) {
    return depthwise ? msf_depthwise_conv_s8_ref(&p, &q, &iv, f.data(), bias.data(), &r, ov)
                     : msf_conv_s8_ref(&p, &q, &iv, f.data(), bias.data(), &r, ov);
  };
  Tensor out(ref.h, ref.w, ref.c);
  {
    Tensor in_copy = in;
    msf_view iv = WholeView(in_copy), ov = WholeView(out);
    msf_rect r{0, 0, out.h, out.w};
    ASSERT_EQ(MSF_OK, run(iv, r, &ov));
  }
  ASSERT_EQ(ref.d, out.d);
  const auto unclamped = std::count_if(out.d.begin(), out.d.end(), [&](int8_t v) {
    return v > lo && v < hi;
  });
  EXPECT_GT(unclamped * 10, static_cast<long>(out.d.size()) * 7) << "test data mostly clamped";

  const Axis ay{k.in_h, ref.h, k.sh, k.pad_top, (k.kh - 1) * k.dh + 1};
  const Axis ax{k.in_w, ref.w, k.sw, k.pad_left, (k.kw - 1) * k.dw + 1};
  msf_test::CheckTilingEquivalence(in, ay, ax, k.out_c, run, 2, 3, ay.extent, ax.extent);
  msf_test::CheckTilingEquivalence(in, ay, ax, k.out_c, run, 3, 2, ay.extent + 1, ax.extent + 2);
}

TEST(RuntimeConv, RandomMatchesReference) {
  // in_h in_w in_c out_c kh kw sh sw dh dw pt pb pl pr dm
  const ConvCase cases[] = {
      {7, 6, 3, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1},  // SAME 3x3
      {8, 9, 2, 5, 3, 3, 2, 2, 1, 1, 0, 1, 0, 1, 1},  // stride 2 SAME (pad after)
      {9, 9, 3, 2, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 1},  // dilation 2
      {6, 7, 4, 3, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1},  // pointwise
      {10, 8, 2, 3, 5, 3, 2, 1, 1, 2, 2, 2, 2, 2, 1}, // asymmetric kernel/stride/dilation
      {5, 5, 3, 2, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1},  // stride 2 SAME (pad before)
  };
  uint32_t seed = 1;
  for (const auto& k : cases) {
    SCOPED_TRACE(::testing::Message() << "case seed " << seed);
    RandomConvCase(k, false, seed, true);
    RandomConvCase(k, false, seed + 100, false);
    ++seed;
  }
}

TEST(RuntimeDepthwise, HandCheckedMultiplier2) {
  // 1x1 spatial, 2 input channels, depth multiplier 2: oc = ic*2 + m.
  ConvCase k{1, 1, 2, 4, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 2};
  Tensor in(1, 1, 2);
  in.d = {3, -5};
  std::vector<int8_t> f = {1, 2, 3, 4};  // [1][1][1][4]
  int32_t m = kOne, s = 1;
  msf_requant q{&m, &s, 0, 0};
  msf_conv_params p = MakeParams(k, 0, 0, -128, 127);
  Tensor out(1, 1, 4);
  msf_view iv = WholeView(in), ov = WholeView(out);
  msf_rect r{0, 0, 1, 1};
  ASSERT_EQ(MSF_OK, msf_depthwise_conv_s8_ref(&p, &q, &iv, f.data(), nullptr, &r, &ov));
  EXPECT_EQ(3, out.d[0]);    // ic0 * f[0]
  EXPECT_EQ(6, out.d[1]);    // ic0 * f[1]
  EXPECT_EQ(-15, out.d[2]);  // ic1 * f[2]
  EXPECT_EQ(-20, out.d[3]);  // ic1 * f[3]
}

TEST(RuntimeDepthwise, RandomMatchesReference) {
  const ConvCase cases[] = {
      {7, 6, 3, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1},
      {8, 7, 3, 6, 3, 3, 2, 2, 1, 1, 0, 1, 0, 1, 2},   // depth multiplier 2
      {6, 6, 2, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 8},  // depth multiplier 8
      {9, 8, 4, 4, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 1},   // dilation 2
      {9, 9, 2, 4, 5, 5, 2, 2, 1, 1, 2, 2, 2, 2, 2},   // 5x5 stride 2
  };
  uint32_t seed = 50;
  for (const auto& k : cases) {
    SCOPED_TRACE(::testing::Message() << "case seed " << seed);
    RandomConvCase(k, true, seed, true);
    RandomConvCase(k, true, seed + 100, false);
    ++seed;
  }
}

TEST(RuntimeConv, RejectsViewsThatDoNotCoverTheRect) {
  ConvCase k{6, 6, 1, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1};
  std::vector<int8_t> buf(36), obuf(36), f(9, 1);
  int32_t m = kOne, s = 1;
  msf_requant q{&m, &s, 0, 0};
  msf_conv_params p = MakeParams(k, 0, 0, -128, 127);
  msf_view ov{obuf.data(), 0, 0, 6, 6, 1, 0, 0};
  msf_rect r{2, 0, 2, 6};  // needs input rows 1..4
  msf_view iv{buf.data(), 2, 0, 3, 6, 1, 0, 0};  // rows 2..4 only
  EXPECT_EQ(MSF_ARG_ERROR, msf_conv_s8_ref(&p, &q, &iv, f.data(), nullptr, &r, &ov));
  iv = msf_view{buf.data(), 1, 0, 4, 6, 1, 0, 0};
  EXPECT_EQ(MSF_OK, msf_conv_s8_ref(&p, &q, &iv, f.data(), nullptr, &r, &ov));
  iv = msf_view{buf.data(), 0, 0, 3, 6, 1, 1, 0};  // ring of 3 rows < span 4
  EXPECT_EQ(MSF_ARG_ERROR, msf_conv_s8_ref(&p, &q, &iv, f.data(), nullptr, &r, &ov));
  msf_rect bad{5, 0, 2, 6};  // beyond the output view
  iv = msf_view{buf.data(), 0, 0, 6, 6, 1, 0, 0};
  EXPECT_EQ(MSF_ARG_ERROR, msf_conv_s8_ref(&p, &q, &iv, f.data(), nullptr, &bad, &ov));
  EXPECT_EQ(0, msf_conv_s8_buffer_size(&p));
  EXPECT_EQ(0, msf_depthwise_conv_s8_buffer_size(&p));
}

}  // namespace
