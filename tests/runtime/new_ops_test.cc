// SPDX-License-Identifier: MIT
// RESIZE_NEAREST_NEIGHBOR, CONCATENATION, MUL, LOGISTIC, HARD_SWISH,
// TRANSPOSE, QUANTIZE/DEQUANTIZE (float): hand-computed bytes from the TFLite
// formulas, the host parameter math against TFLite's Prepare, independent
// references, and tiled / ring-buffer views against whole-tensor runs.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <tuple>
#include <vector>

#include "base/error.h"
#include "ir/resize_nearest.h"
#include "lower/quantize_multiplier.h"
#include "lower/runtime_params.h"
#include "msf_rt/msf_kernels.h"
#include "rt_test_util.h"

namespace {

using msf::lower::DownScaleInt32ToInt16Multiplier;
using msf::lower::MakeHardSwishParams;
using msf::lower::MakeLogisticParams;
using msf::lower::MakeMulParams;
using msf::ir::ResizeNearestIndices;
using msf_test::Axis;
using msf_test::CheckTilingEquivalence;
using msf_test::RandomTensor;
using msf_test::RefMbqm;
using msf_test::Tensor;
using msf_test::WholeView;

// Elementwise ops: output pixel (y, x) reads input pixel (y, x) only.
Axis Same(int32_t n) { return Axis{n, n, 1, 0, 1}; }

// ---- RESIZE_NEAREST_NEIGHBOR ------------------------------------------------

using V = std::vector<int32_t>;

TEST(ResizeNearestIndices, TwoTimesUpsampleAllFlags) {
  // in 2 -> out 4. scale = 2/4 = 0.5 (align_corners: 1/3 = 0.33333334f).
  // (F,F) floor(o * 0.5)              = 0 0 1 1
  // (T,F) round(o / 3)                = 0 0 1 1   (o=3: round(1.0000001) = 1)
  // (F,T) floor((o + .5) * 0.5)       = 0 0 1 1   (0.25 0.75 1.25 1.75)
  // (T,T) round((o + .5) * 0.33333334f) = 0 1 1 1 (1.5 * 0.33333334f is 0.5f: half away)
  EXPECT_EQ(ResizeNearestIndices(2, 4, false, false), (V{0, 0, 1, 1}));
  EXPECT_EQ(ResizeNearestIndices(2, 4, true, false), (V{0, 0, 1, 1}));
  EXPECT_EQ(ResizeNearestIndices(2, 4, false, true), (V{0, 0, 1, 1}));
  EXPECT_EQ(ResizeNearestIndices(2, 4, true, true), (V{0, 1, 1, 1}));
}

TEST(ResizeNearestIndices, OddSizesAllFlags) {
  // in 3 -> out 5: scale 0.6f (align: 2/4 = 0.5).
  // (F,F) floor(0, .6, 1.2, 1.8, 2.4)        = 0 0 1 1 2
  // (T,F) round(0, .5, 1, 1.5, 2)            = 0 1 1 2 2
  // (F,T) floor(.3, .9, 1.5000001, 2.1, 2.7) = 0 0 1 2 2
  // (T,T) round(.25, .75, 1.25, 1.75, 2.25)  = 0 1 1 2 2
  EXPECT_EQ(ResizeNearestIndices(3, 5, false, false), (V{0, 0, 1, 1, 2}));
  EXPECT_EQ(ResizeNearestIndices(3, 5, true, false), (V{0, 1, 1, 2, 2}));
  EXPECT_EQ(ResizeNearestIndices(3, 5, false, true), (V{0, 0, 1, 2, 2}));
  EXPECT_EQ(ResizeNearestIndices(3, 5, true, true), (V{0, 1, 1, 2, 2}));
  // in 5 -> out 3 (downsample): scale 5/3 = 1.6666666f (align: 4/2 = 2).
  // (F,F) floor(0, 1.67, 3.33)       = 0 1 3
  // (T,F) round(0, 2, 4)             = 0 2 4
  // (F,T) floor(.83, 2.5f, 4.17)     = 0 2 4   (1.5 * 1.6666666f rounds to 2.5f)
  // (T,T) min(round(1, 3, 5), 4)     = 1 3 4   (the clamp to in_size - 1)
  EXPECT_EQ(ResizeNearestIndices(5, 3, false, false), (V{0, 1, 3}));
  EXPECT_EQ(ResizeNearestIndices(5, 3, true, false), (V{0, 2, 4}));
  EXPECT_EQ(ResizeNearestIndices(5, 3, false, true), (V{0, 2, 4}));
  EXPECT_EQ(ResizeNearestIndices(5, 3, true, true), (V{1, 3, 4}));
  // out 1 with align_corners falls back to in/out: (0 + .5) * 4 = 2.
  EXPECT_EQ(ResizeNearestIndices(4, 1, true, true), (V{2}));
  EXPECT_EQ(ResizeNearestIndices(4, 1, true, false), (V{0}));
  EXPECT_THROW(ResizeNearestIndices(0, 3, false, false), msf::Error);
  EXPECT_THROW(ResizeNearestIndices(3, 0, false, false), msf::Error);
}

TEST(ResizeNearestIndices, InRangeAndNonDecreasing) {
  for (int in = 1; in <= 17; ++in)
    for (int out = 1; out <= 40; ++out)
      for (int f = 0; f < 4; ++f) {
        const V t = ResizeNearestIndices(in, out, f & 1, f & 2);
        ASSERT_EQ(t.size(), size_t(out));
        for (int o = 0; o < out; ++o) {
          ASSERT_GE(t[o], 0);
          ASSERT_LT(t[o], in);
          if (o > 0) {
            ASSERT_GE(t[o], t[o - 1]) << in << "->" << out << " flags " << f;
          }
        }
      }
}

msf_resize_params ResizeParams(const Tensor& in, const V& ty, const V& tx) {
  return msf_resize_params{in.h, in.w, int32_t(ty.size()), int32_t(tx.size()), in.c, ty.data(),
                           tx.data()};
}

TEST(RuntimeResizeNearest, HandCheckedUpsample) {
  // 2x2x1 [[1, 2], [3, 4]] -> 4x4 with src = 0 0 1 1 both ways.
  Tensor in(2, 2, 1);
  in.d = {1, 2, 3, 4};
  Tensor out(4, 4, 1);
  const V t = ResizeNearestIndices(2, 4, false, false);
  const msf_resize_params p = ResizeParams(in, t, t);
  msf_view iv = WholeView(in), ov = WholeView(out);
  msf_rect r{0, 0, 4, 4};
  ASSERT_EQ(MSF_OK, msf_resize_nearest_s8(&p, &iv, &r, &ov));
  EXPECT_EQ(out.d, (std::vector<int8_t>{1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}));
}

TEST(RuntimeResizeNearest, TilesAndRingsEqualWholeRun) {
  std::mt19937 rng(7);
  for (int f = 0; f < 4; ++f) {
    const Tensor in = RandomTensor(rng, 5, 6, 3);
    const int32_t oh = 11, ow = 9;
    const V ty = ResizeNearestIndices(in.h, oh, f & 1, f & 2);
    const V tx = ResizeNearestIndices(in.w, ow, f & 1, f & 2);
    const msf_resize_params p = ResizeParams(in, ty, tx);
    // Whole run against the definition out(y, x) = in(src_y[y], src_x[x]).
    Tensor whole(oh, ow, in.c);
    Tensor in_copy = in;
    msf_view iv = WholeView(in_copy), ov = WholeView(whole);
    msf_rect all{0, 0, oh, ow};
    ASSERT_EQ(MSF_OK, msf_resize_nearest_s8(&p, &iv, &all, &ov));
    for (int y = 0; y < oh; ++y)
      for (int x = 0; x < ow; ++x)
        for (int c = 0; c < in.c; ++c) ASSERT_EQ(whole.at(y, x, c), in.at(ty[y], tx[x], c));
    // Tiles: input window = [src[first], src[last]] of the tile's rows/cols.
    for (int ty0 = 0; ty0 < oh; ty0 += 4)
      for (int tx0 = 0; tx0 < ow; tx0 += 3) {
        const int th = std::min(4, oh - ty0), tw = std::min(3, ow - tx0);
        const int ylo = ty[ty0], yhi = ty[ty0 + th - 1], xlo = tx[tx0], xhi = tx[tx0 + tw - 1];
        std::vector<int8_t> ib(size_t(yhi - ylo + 1) * (xhi - xlo + 1) * in.c, 0x55);
        msf_view tiv{ib.data(), ylo, xlo, yhi - ylo + 1, xhi - xlo + 1, in.c, 0, 0};
        for (int y = ylo; y <= yhi; ++y)
          for (int x = xlo; x <= xhi; ++x)
            for (int c = 0; c < in.c; ++c)
              ib[(size_t(y - ylo) * tiv.w + (x - xlo)) * in.c + c] = in.at(y, x, c);
        std::vector<int8_t> ob(size_t(th) * tw * in.c, 0x33);
        msf_view tov{ob.data(), ty0, tx0, th, tw, in.c, 0, 0};
        msf_rect r{ty0, tx0, th, tw};
        ASSERT_EQ(MSF_OK, msf_resize_nearest_s8(&p, &tiv, &r, &tov));
        for (int y = 0; y < th; ++y)
          for (int x = 0; x < tw; ++x)
            for (int c = 0; c < in.c; ++c)
              ASSERT_EQ(whole.at(ty0 + y, tx0 + x, c), ob[(size_t(y) * tw + x) * in.c + c]);
        // One row short of the window: refused, nothing read out of bounds.
        if (yhi > ylo) {
          tiv.h -= 1;
          EXPECT_EQ(MSF_ARG_ERROR, msf_resize_nearest_s8(&p, &tiv, &r, &tov));
        }
      }
    // Row ring of 2 input rows, 3 output rows: output row y needs input row src_y[y].
    std::vector<int8_t> ring(size_t(2) * in.w * in.c, 0x11), oring(size_t(3) * ow * in.c, 0x22);
    msf_view riv{ring.data(), 0, 0, 2, in.w, in.c, 1, 0};
    msf_view rov{oring.data(), 0, 0, 3, ow, in.c, 1, 0};
    for (int y = 0; y < oh; ++y) {
      std::copy_n(in.d.data() + size_t(ty[y]) * in.w * in.c, size_t(in.w) * in.c,
                  &ring[size_t(ty[y] % 2) * in.w * in.c]);
      msf_rect r{y, 0, 1, ow};
      ASSERT_EQ(MSF_OK, msf_resize_nearest_s8(&p, &riv, &r, &rov));
      for (int x = 0; x < ow; ++x)
        for (int c = 0; c < in.c; ++c)
          ASSERT_EQ(whole.at(y, x, c), oring[(size_t(y % 3) * ow + x) * in.c + c]);
    }
  }
}

TEST(RuntimeResizeNearest, BadArguments) {
  Tensor in(2, 2, 1), out(4, 4, 1);
  V t = {0, 0, 1, 1};
  msf_resize_params p = ResizeParams(in, t, t);
  msf_view iv = WholeView(in), ov = WholeView(out);
  msf_rect r{0, 0, 4, 4};
  msf_rect outside{1, 0, 4, 4};
  EXPECT_EQ(MSF_ARG_ERROR, msf_resize_nearest_s8(&p, &iv, &outside, &ov));
  V bad = {0, 0, 1, 2};  // 2 is not an input row
  msf_resize_params pb = ResizeParams(in, bad, t);
  EXPECT_EQ(MSF_ARG_ERROR, msf_resize_nearest_s8(&pb, &iv, &r, &ov));
  p.c = 2;
  EXPECT_EQ(MSF_ARG_ERROR, msf_resize_nearest_s8(&p, &iv, &r, &ov));
  EXPECT_EQ(MSF_ARG_ERROR, msf_resize_nearest_s8(nullptr, &iv, &r, &ov));
}

// ---- CONCATENATION ----------------------------------------------------------

TEST(RuntimeConcat, ChannelsHandChecked) {
  Tensor a(1, 2, 2), b(1, 2, 3), out(1, 2, 5);
  a.d = {1, 2, 3, 4};
  b.d = {10, 11, 12, 13, 14, 15};
  msf_view av = WholeView(a), bv = WholeView(b), ov = WholeView(out);
  msf_rect r{0, 0, 1, 2};
  ASSERT_EQ(MSF_OK, msf_concat_channels_s8(&av, 0, &r, &ov));
  ASSERT_EQ(MSF_OK, msf_concat_channels_s8(&bv, 2, &r, &ov));
  EXPECT_EQ(out.d, (std::vector<int8_t>{1, 2, 10, 11, 12, 3, 4, 13, 14, 15}));
  EXPECT_EQ(MSF_ARG_ERROR, msf_concat_channels_s8(&bv, 3, &r, &ov));  // 3 + 3 > 5
  EXPECT_EQ(MSF_ARG_ERROR, msf_concat_channels_s8(&bv, -1, &r, &ov));
}

TEST(RuntimeConcat, ChannelsTilesAndRings) {
  std::mt19937 rng(3);
  const Tensor in = RandomTensor(rng, 7, 6, 3);
  // out = concat(in, in) along channels: two calls per rect.
  CheckTilingEquivalence(
      in, Same(7), Same(6), 6,
      [](const msf_view& iv, const msf_rect& r, msf_view* ov) {
        const msf_status s = msf_concat_channels_s8(&iv, 0, &r, ov);
        return s != MSF_OK ? s : msf_concat_channels_s8(&iv, 3, &r, ov);
      },
      3, 4, 1, 1);
}

TEST(RuntimeConcat, GeneralAxisHandChecked) {
  // Shapes [2, 1, 2] and [2, 2, 2] along axis 1 -> [2, 3, 2]:
  // outer 2, inner 2, axis sizes 1 and 2.
  const std::vector<int8_t> a = {1, 2, 3, 4};
  const std::vector<int8_t> b = {10, 11, 12, 13, 20, 21, 22, 23};
  const int8_t* ins[2] = {a.data(), b.data()};
  const int32_t axis[2] = {1, 2};
  std::vector<int8_t> out(12, 0);
  ASSERT_EQ(MSF_OK, msf_concat_s8(2, ins, axis, 2, 2, out.data()));
  EXPECT_EQ(out, (std::vector<int8_t>{1, 2, 10, 11, 12, 13, 3, 4, 20, 21, 22, 23}));
  // An input with extent 0 on the axis contributes nothing.
  const int8_t* ins3[3] = {a.data(), nullptr, b.data()};
  const int32_t axis3[3] = {1, 0, 2};
  std::fill(out.begin(), out.end(), 0);
  ASSERT_EQ(MSF_OK, msf_concat_s8(3, ins3, axis3, 2, 2, out.data()));
  EXPECT_EQ(out, (std::vector<int8_t>{1, 2, 10, 11, 12, 13, 3, 4, 20, 21, 22, 23}));
  const int32_t neg[2] = {1, -2};
  EXPECT_EQ(MSF_ARG_ERROR, msf_concat_s8(2, ins, neg, 2, 2, out.data()));
  EXPECT_EQ(MSF_ARG_ERROR, msf_concat_s8(0, ins, axis, 2, 2, out.data()));
}

// ---- MUL ----------------------------------------------------------------------

int8_t RefMul(const msf_mul_params& p, int a, int b) {
  const int32_t v = p.output_offset +
                    RefMbqm((a + p.input1_offset) * (b + p.input2_offset), p.output_multiplier,
                            p.output_shift);
  return int8_t(std::clamp(v, p.act_min, p.act_max));
}

TEST(QuantParamsNewOps, MulParams) {
  // real = 0.5 * 0.25 / 0.25 = 0.5 = 2^30 * 2^(0 - 31).
  msf_mul_params p = MakeMulParams(0.5f, 1, 0.25f, -3, 0.25f, 2, -128, 127);
  EXPECT_EQ(-1, p.input1_offset);
  EXPECT_EQ(3, p.input2_offset);
  EXPECT_EQ(2, p.output_offset);
  EXPECT_EQ(1 << 30, p.output_multiplier);
  EXPECT_EQ(0, p.output_shift);
  EXPECT_EQ(MSF_MUL_BCAST_NONE, p.in2_broadcast);
  // The product is taken in double, not float: 0.1f * 0.2f / 0.3f.
  p = MakeMulParams(0.1f, 0, 0.2f, 0, 0.3f, 0, -128, 127);
  int32_t m, s;
  msf::lower::QuantizeMultiplier(double(0.1f) * double(0.2f) / double(0.3f), &m, &s);
  EXPECT_EQ(m, p.output_multiplier);
  EXPECT_EQ(s, p.output_shift);
  EXPECT_EQ(-3, p.output_shift);  // 0.0667 = 0.533 * 2^-3
}

TEST(RuntimeMul, HandChecked) {
  // out = 2 + MBQM((a - 1) * (b + 3), 2^30, 0) = 2 + round_half_up(product / 2).
  const msf_mul_params p = MakeMulParams(0.5f, 1, 0.25f, -3, 0.25f, 2, -128, 127);
  Tensor a(1, 1, 5), b(1, 1, 5), out(1, 1, 5);
  a.d = {5, -128, 4, 2, 127};
  b.d = {1, 127, -2, -4, 127};
  // 4*4=16 -> 8+2=10; -129*130=-16770 -> -8385 -> -128; 3*1=3 -> 1.5 -> 2 -> 4;
  // 1*(-1)=-1 -> -0.5 -> 0 -> 2 (SRDHM rounds half up); 126*130=16380 -> 8190 -> 127.
  msf_view av = WholeView(a), bv = WholeView(b), ov = WholeView(out);
  msf_rect r{0, 0, 1, 1};
  ASSERT_EQ(MSF_OK, msf_mul_s8(&p, &av, &bv, &r, &ov));
  EXPECT_EQ(out.d, (std::vector<int8_t>{10, -128, 4, 2, 127}));
  // Fused ReLU-style clamp.
  msf_mul_params pc = p;
  pc.act_min = 3;
  pc.act_max = 9;
  ASSERT_EQ(MSF_OK, msf_mul_s8(&pc, &av, &bv, &r, &ov));
  EXPECT_EQ(out.d, (std::vector<int8_t>{9, 3, 4, 3, 9}));
}

TEST(RuntimeMul, BroadcastsMatchReference) {
  std::mt19937 rng(11);
  msf_mul_params p = MakeMulParams(0.05f, -7, 0.02f, 12, 0.011f, -3, -128, 127);
  const Tensor a = RandomTensor(rng, 4, 5, 6);
  // Squeeze-excite: [1,4,5,6] x [1,1,1,6].
  Tensor se = RandomTensor(rng, 1, 1, 6), ch = RandomTensor(rng, 4, 5, 1);
  Tensor a1 = a, out(4, 5, 6), out4(4, 5, 6);
  msf_view av = WholeView(a1), sv = WholeView(se), cv = WholeView(ch), ov = WholeView(out);
  msf_rect r{0, 0, 4, 5};
  p.in2_broadcast = MSF_MUL_BCAST_HW;
  ASSERT_EQ(MSF_OK, msf_mul_s8(&p, &av, &sv, &r, &ov));
  const int32_t sa[4] = {1, 4, 5, 6}, ss[4] = {1, 1, 1, 6}, sc[4] = {1, 4, 5, 1};
  ASSERT_EQ(MSF_OK, msf_mul_s8_broadcast4d(&p, sa, a.d.data(), ss, se.d.data(), sa, out4.d.data()));
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 5; ++x)
      for (int c = 0; c < 6; ++c) {
        ASSERT_EQ(RefMul(p, a.at(y, x, c), se.at(0, 0, c)), out.at(y, x, c));
        ASSERT_EQ(out.at(y, x, c), out4.at(y, x, c));
      }
  // Channel broadcast: [1,4,5,6] x [1,4,5,1].
  p.in2_broadcast = MSF_MUL_BCAST_C;
  ASSERT_EQ(MSF_OK, msf_mul_s8(&p, &av, &cv, &r, &ov));
  ASSERT_EQ(MSF_OK, msf_mul_s8_broadcast4d(&p, sa, a.d.data(), sc, ch.d.data(), sa, out4.d.data()));
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 5; ++x)
      for (int c = 0; c < 6; ++c) {
        ASSERT_EQ(RefMul(p, a.at(y, x, c), ch.at(y, x, 0)), out.at(y, x, c));
        ASSERT_EQ(out.at(y, x, c), out4.at(y, x, c));
      }
  // Scalar: both bits.
  Tensor sc1 = RandomTensor(rng, 1, 1, 1);
  msf_view s1v = WholeView(sc1);
  p.in2_broadcast = MSF_MUL_BCAST_HW | MSF_MUL_BCAST_C;
  ASSERT_EQ(MSF_OK, msf_mul_s8(&p, &av, &s1v, &r, &ov));
  for (size_t i = 0; i < a.d.size(); ++i) ASSERT_EQ(RefMul(p, a.d[i], sc1.d[0]), out.d[i]);
  // Wrong shapes for the declared broadcast.
  p.in2_broadcast = MSF_MUL_BCAST_HW;
  EXPECT_EQ(MSF_ARG_ERROR, msf_mul_s8(&p, &av, &cv, &r, &ov));
  p.in2_broadcast = MSF_MUL_BCAST_NONE;
  EXPECT_EQ(MSF_ARG_ERROR, msf_mul_s8(&p, &av, &sv, &r, &ov));
  p.in2_broadcast = 4;
  EXPECT_EQ(MSF_ARG_ERROR, msf_mul_s8(&p, &av, &av, &r, &ov));
}

TEST(RuntimeMul, Broadcast4dGeneralShapes) {
  std::mt19937 rng(5);
  const msf_mul_params p = MakeMulParams(0.03f, 5, 0.07f, -9, 0.02f, 4, -100, 110);
  const std::array<int32_t, 4> out_shape = {2, 3, 4, 5};
  for (int m1 = 0; m1 < 16; ++m1) {
    const int m2 = (m1 * 7 + 3) % 16;
    int32_t s1[4], s2[4];
    for (int d = 0; d < 4; ++d) {
      s1[d] = (m1 >> d) & 1 ? 1 : out_shape[d];
      s2[d] = (m2 >> d) & 1 ? 1 : out_shape[d];
    }
    const auto a = msf_test::RandomInt8(rng, size_t(s1[0]) * s1[1] * s1[2] * s1[3]);
    const auto b = msf_test::RandomInt8(rng, size_t(s2[0]) * s2[1] * s2[2] * s2[3]);
    std::vector<int8_t> out(120, 0);
    ASSERT_EQ(MSF_OK, msf_mul_s8_broadcast4d(&p, s1, a.data(), s2, b.data(), out_shape.data(),
                                             out.data()));
    auto idx = [](const int32_t* s, int i0, int i1, int i2, int i3) {
      return ((size_t(i0 % s[0]) * s[1] + i1 % s[1]) * s[2] + i2 % s[2]) * s[3] + i3 % s[3];
    };
    size_t k = 0;
    for (int i0 = 0; i0 < 2; ++i0)
      for (int i1 = 0; i1 < 3; ++i1)
        for (int i2 = 0; i2 < 4; ++i2)
          for (int i3 = 0; i3 < 5; ++i3, ++k)
            ASSERT_EQ(RefMul(p, a[idx(s1, i0, i1, i2, i3)], b[idx(s2, i0, i1, i2, i3)]), out[k])
                << m1 << " " << m2;
  }
  const int32_t bad[4] = {2, 2, 4, 5};  // 2 is neither 3 nor 1
  std::vector<int8_t> a(120), out(120);
  EXPECT_EQ(MSF_ARG_ERROR, msf_mul_s8_broadcast4d(&p, bad, a.data(), out_shape.data(), a.data(),
                                                  out_shape.data(), out.data()));
}

TEST(RuntimeMul, TilesAndRings) {
  std::mt19937 rng(9);
  const Tensor in = RandomTensor(rng, 6, 7, 5);
  Tensor se = RandomTensor(rng, 1, 1, 5);
  msf_mul_params p = MakeMulParams(0.04f, 3, 0.04f, 3, 0.05f, -2, -128, 127);
  // x * x (same view twice).
  CheckTilingEquivalence(
      in, Same(6), Same(7), 5,
      [&](const msf_view& iv, const msf_rect& r, msf_view* ov) {
        return msf_mul_s8(&p, &iv, &iv, &r, ov);
      },
      4, 3, 1, 1);
  // x * se (the 1x1 operand is the same view for every tile).
  msf_mul_params pb = MakeMulParams(0.04f, 3, 0.01f, -20, 0.02f, 1, -128, 127);
  pb.in2_broadcast = MSF_MUL_BCAST_HW;
  msf_view sv = WholeView(se);
  CheckTilingEquivalence(
      in, Same(6), Same(7), 5,
      [&](const msf_view& iv, const msf_rect& r, msf_view* ov) {
        return msf_mul_s8(&pb, &iv, &sv, &r, ov);
      },
      2, 5, 1, 1);
}

// ---- LOGISTIC -----------------------------------------------------------------

int8_t RunLogisticOne(const msf_logistic_params& p, int8_t v) {
  Tensor in(1, 1, 1), out(1, 1, 1);
  in.d[0] = v;
  msf_view iv = WholeView(in), ov = WholeView(out);
  msf_rect r{0, 0, 1, 1};
  EXPECT_EQ(MSF_OK, msf_logistic_s8(&p, &iv, &r, &ov));
  return out.d[0];
}

TEST(QuantParamsNewOps, LogisticParams) {
  // 0.1f = 13421773 * 2^-27, so real = 0.1f * 2^27 = 13421773 = 0.80000001 * 2^24:
  // multiplier = 13421773 * 2^7 = 1717986944, left shift 24,
  // radius = floor(15 * 2^27 / 2^24) = 120.
  msf_logistic_params p = MakeLogisticParams(0.1f, -5);
  EXPECT_EQ(-5, p.input_zero_point);
  EXPECT_EQ(1717986944, p.input_multiplier);
  EXPECT_EQ(24, p.input_left_shift);
  EXPECT_EQ(120, p.input_range_radius);
  // 1/16: real = 2^23 = 0.5 * 2^24 -> multiplier 2^30, shift 24, radius 120.
  p = MakeLogisticParams(0.0625f, 0);
  EXPECT_EQ(1 << 30, p.input_multiplier);
  EXPECT_EQ(24, p.input_left_shift);
  EXPECT_EQ(120, p.input_range_radius);
  // 1.0: real = 2^27 = 0.5 * 2^28 -> shift 28, radius floor(15 * 2^27 / 2^28) = 7.
  p = MakeLogisticParams(1.0f, 0);
  EXPECT_EQ(28, p.input_left_shift);
  EXPECT_EQ(7, p.input_range_radius);
  // 32: real = 2^32 -> shift 33, radius 0 (all saturate); 1e30: no 1 << 130.
  p = MakeLogisticParams(32.0f, 0);
  EXPECT_EQ(33, p.input_left_shift);
  EXPECT_EQ(0, p.input_range_radius);
  EXPECT_EQ(0, MakeLogisticParams(1e30f, 0).input_range_radius);
  EXPECT_EQ(127, RunLogisticOne(p, 1));
  EXPECT_EQ(-128, RunLogisticOne(p, 0));
  EXPECT_THROW(MakeLogisticParams(0.0f, 0), msf::Error);
  EXPECT_THROW(MakeLogisticParams(1e-9f, 0), msf::Error);  // left shift < 0
}

TEST(RuntimeLogistic, HandChecked) {
  // scale 0.1, zp 0, radius 120: d = 0 -> logistic 1/2 -> RDBPOT(2^30, 23) - 128 = 0.
  const msf_logistic_params p = MakeLogisticParams(0.1f, 0);
  EXPECT_EQ(0, RunLogisticOne(p, 0));
  // Saturation outside the radius: d >= 120 -> 127, d <= -120 -> -128.
  EXPECT_EQ(127, RunLogisticOne(p, 120));
  EXPECT_EQ(127, RunLogisticOne(p, 127));
  EXPECT_EQ(-128, RunLogisticOne(p, -120));
  EXPECT_EQ(-128, RunLogisticOne(p, -128));
  // x = 1.0 (d = 10): 256 * sigmoid(1) = 187.15 -> 187 - 128 = 59;
  // x = -1.0: 256 * 0.26894 = 68.85 -> 69 - 128 = -59.
  EXPECT_EQ(59, RunLogisticOne(p, 10));
  EXPECT_EQ(-59, RunLogisticOne(p, -10));
  // x = 3.0 (d = 30): 256 * 0.952574 = 243.86 -> 244 - 128 = 116.
  EXPECT_EQ(116, RunLogisticOne(p, 30));
  // The zero point shifts d: zp 100, in 110 is x = 1.0 again.
  EXPECT_EQ(59, RunLogisticOne(MakeLogisticParams(0.1f, 100), 110));
}

TEST(RuntimeLogistic, EqualsRoundedSigmoidAwayFromTies) {
  // gemmlowp's logistic is accurate to a few 2^-31; after the rounding shift
  // by 23 the output is round(256 * sigmoid(x)) - 128 for every x whose
  // 256 * sigmoid(x) is not within 1e-4 of a half. x is the Q4.27 value
  // the kernel actually uses (the independent MBQM of rt_test_util.h).
  for (float scale : {0.1f, 0.0625f, 0.03f, 0.5f, 0.013f, 0.2f}) {
    for (int zp : {-128, -7, 0, 31, 127}) {
      const msf_logistic_params p = MakeLogisticParams(scale, zp);
      for (int v = -128; v <= 127; ++v) {
        const int d = v - zp;
        const int8_t got = RunLogisticOne(p, int8_t(v));
        if (d <= -p.input_range_radius) {
          ASSERT_EQ(-128, got);
          continue;
        }
        if (d >= p.input_range_radius) {
          ASSERT_EQ(127, got);
          continue;
        }
        const double x = RefMbqm(d, p.input_multiplier, p.input_left_shift) / double(1 << 27);
        const double y = 256.0 / (1.0 + std::exp(-x));
        if (std::abs(y - std::floor(y) - 0.5) < 1e-4) continue;
        const int want = std::clamp(int(std::floor(y + 0.5)) - 128, -128, 127);
        ASSERT_EQ(want, got) << "scale " << scale << " zp " << zp << " v " << v;
      }
    }
  }
}

TEST(RuntimeLogistic, TilesAndRings) {
  std::mt19937 rng(13);
  const Tensor in = RandomTensor(rng, 5, 8, 4);
  const msf_logistic_params p = MakeLogisticParams(0.05f, -10);
  CheckTilingEquivalence(
      in, Same(5), Same(8), 4,
      [&](const msf_view& iv, const msf_rect& r, msf_view* ov) {
        return msf_logistic_s8(&p, &iv, &r, ov);
      },
      2, 3, 1, 1);
}

// ---- HARD_SWISH ---------------------------------------------------------------

TEST(QuantParamsNewOps, DownScaleToInt16) {
  // (m + 2^15) >> 16, saturating from INT32_MAX - 2^15 on.
  EXPECT_EQ(16384, DownScaleInt32ToInt16Multiplier(1 << 30));
  EXPECT_EQ(16384, DownScaleInt32ToInt16Multiplier((1 << 30) + 32767));
  EXPECT_EQ(16385, DownScaleInt32ToInt16Multiplier((1 << 30) + 32768));
  EXPECT_EQ(32767, DownScaleInt32ToInt16Multiplier(INT32_MAX));
  EXPECT_EQ(32767, DownScaleInt32ToInt16Multiplier(INT32_MAX - 32768));
  EXPECT_EQ(32767, DownScaleInt32ToInt16Multiplier(INT32_MAX - 32769));  // 2^31-2 >> 16
  EXPECT_EQ(0, DownScaleInt32ToInt16Multiplier(0));
  EXPECT_THROW(DownScaleInt32ToInt16Multiplier(-1), msf::Error);
}

TEST(QuantParamsNewOps, HardSwishParams) {
  // in = out = 3/128: hires = 3/16384; output multiplier hires/out = 2^-7
  // -> (2^30, -6) -> 16384; reluish hires / (3/32768) = 2 -> (2^30, 2) -> 16384.
  msf_hard_swish_params p = MakeHardSwishParams(0.0234375f, -4, 0.0234375f, 9);
  EXPECT_EQ(-4, p.input_zero_point);
  EXPECT_EQ(9, p.output_zero_point);
  EXPECT_EQ(16384, p.output_multiplier_fixedpoint_int16);
  EXPECT_EQ(-6, p.output_multiplier_exponent);
  EXPECT_EQ(16384, p.reluish_multiplier_fixedpoint_int16);
  EXPECT_EQ(2, p.reluish_multiplier_exponent);
  // The ratios are float divisions (widened afterwards), as in TFLite.
  p = MakeHardSwishParams(0.1f, 0, 0.07f, 0);
  int32_t m, e;
  const float hires = (1.0f / 128.0f) * 0.1f;
  msf::lower::QuantizeMultiplier(double(hires / 0.07f), &m, &e);
  EXPECT_EQ(DownScaleInt32ToInt16Multiplier(m), p.output_multiplier_fixedpoint_int16);
  EXPECT_EQ(e, p.output_multiplier_exponent);
  msf::lower::QuantizeMultiplier(double(hires / (3.0f / 32768.0f)), &m, &e);
  EXPECT_EQ(DownScaleInt32ToInt16Multiplier(m), p.reluish_multiplier_fixedpoint_int16);
  EXPECT_EQ(e, p.reluish_multiplier_exponent);
  EXPECT_EQ(4, p.reluish_multiplier_exponent);  // 0.1 * 256 / 3 = 8.53
  // in / (128 * out) >= 1: TFLite's Prepare fails (output exponent > 0).
  EXPECT_THROW(MakeHardSwishParams(1.0f, 0, 1.0f / 256.0f, 0), msf::Error);
}

int8_t RunHardSwishOne(const msf_hard_swish_params& p, int8_t v) {
  Tensor in(1, 1, 1), out(1, 1, 1);
  in.d[0] = v;
  msf_view iv = WholeView(in), ov = WholeView(out);
  msf_rect r{0, 0, 1, 1};
  EXPECT_EQ(MSF_OK, msf_hard_swish_s8(&p, &iv, &r, &ov));
  return out.d[0];
}

TEST(RuntimeHardSwish, HandChecked) {
  // in = out = 3/128, zp 0; output (16384, -6), reluish (16384, 2).
  const msf_hard_swish_params p = MakeHardSwishParams(0.0234375f, 0, 0.0234375f, 0);
  // v = 64 (1.5): hires 8192; pre = SRDHM16(8192, 16384) = trunc(4096.5) = 4096;
  // relu: 8192 << 1 = 16384, SRDHM16 -> 8192, << 1 -> 16384, (16384 + 32768) >> 1 = 24576;
  // SDHM16(24576, 4096) = 3072; RDBPOT(3072, 6) = 48. (1.5 * 4.5 / 6 = 1.125 = 48 * 3/128.)
  EXPECT_EQ(48, RunHardSwishOne(p, 64));
  // v = -64: pre = trunc((-134217728 - 16383) / 32768) = -4096; relu -> 8192;
  // SDHM16(8192, -4096) = -1024; RDBPOT(-1024, 6) = -16. (-1.5 * 1.5 / 6 = -16 * 3/128.)
  EXPECT_EQ(-16, RunHardSwishOne(p, -64));
  // v = -128 (-3.0): relu saturates to -32768 -> (0) -> output 0.
  EXPECT_EQ(0, RunHardSwishOne(p, -128));
  // v = 127: pre 8128, relu 32640, SDHM16 = trunc(8096.25) = 8096, RDBPOT(8096, 6) = 126.5 -> 127.
  EXPECT_EQ(127, RunHardSwishOne(p, 127));
  EXPECT_EQ(0, RunHardSwishOne(p, 0));
  // Zero points: with in zp -64 and out zp 5, in = 0 is v = 64 -> 48 + 5.
  EXPECT_EQ(53, RunHardSwishOne(MakeHardSwishParams(0.0234375f, -64, 0.0234375f, 5), 0));
  // Output saturation: out scale 3/512 (4x finer): 2.98 * 5.98 / 6 / (3/512) = 506 -> 127.
  EXPECT_EQ(127, RunHardSwishOne(MakeHardSwishParams(0.0234375f, 0, 3.0f / 512.0f, 0), 127));
  EXPECT_EQ(-128, RunHardSwishOne(MakeHardSwishParams(0.0234375f, 0, 3.0f / 512.0f, -100), -64));
}

TEST(RuntimeHardSwish, CloseToFloatReference) {
  // Not the bit-exactness proof (that is the hand-checked arithmetic above),
  // a sanity bound: within 1 LSB of round(hswish(x) / out_scale) + zp.
  for (auto [is, izp, os, ozp] : std::vector<std::tuple<float, int, float, int>>{
           {0.0234375f, 0, 0.0234375f, 0}, {0.05f, -20, 0.04f, -100}, {0.1f, 10, 0.08f, -90},
           {0.02f, 3, 0.015f, -110}, {0.003f, -128, 0.002f, -128}}) {
    const msf_hard_swish_params p = MakeHardSwishParams(is, izp, os, ozp);
    for (int v = -128; v <= 127; ++v) {
      const double x = double(is) * (v - izp);
      const double hs = x * std::clamp(x + 3.0, 0.0, 6.0) / 6.0;
      const int want = std::clamp(int(std::lround(hs / os)) + ozp, -128, 127);
      ASSERT_NEAR(want, RunHardSwishOne(p, int8_t(v)), 1) << is << " " << v;
    }
  }
}

TEST(RuntimeHardSwish, TilesAndRingsAndBadArguments) {
  std::mt19937 rng(17);
  const Tensor in = RandomTensor(rng, 6, 5, 3);
  const msf_hard_swish_params p = MakeHardSwishParams(0.05f, -20, 0.04f, -100);
  CheckTilingEquivalence(
      in, Same(6), Same(5), 3,
      [&](const msf_view& iv, const msf_rect& r, msf_view* ov) {
        return msf_hard_swish_s8(&p, &iv, &r, ov);
      },
      4, 2, 1, 1);
  Tensor a(1, 1, 1), b(1, 1, 1);
  msf_view av = WholeView(a), bv = WholeView(b);
  msf_rect r{0, 0, 1, 1};
  msf_hard_swish_params bad = p;
  bad.output_multiplier_exponent = 1;
  EXPECT_EQ(MSF_ARG_ERROR, msf_hard_swish_s8(&bad, &av, &r, &bv));
  bad = p;
  bad.reluish_multiplier_exponent = 32;
  EXPECT_EQ(MSF_ARG_ERROR, msf_hard_swish_s8(&bad, &av, &r, &bv));
}

// ---- TRANSPOSE ----------------------------------------------------------------

TEST(RuntimeTranspose, NhwcToNchwHandChecked) {
  // [1, 2, 2, 3] -> perm {0, 3, 1, 2} -> [1, 3, 2, 2]: out[c][y][x] = in[y][x][c].
  std::vector<int8_t> in(12);
  std::iota(in.begin(), in.end(), 0);
  std::vector<int8_t> out(12, -1);
  const int32_t shape[4] = {1, 2, 2, 3}, perm[4] = {0, 3, 1, 2};
  ASSERT_EQ(MSF_OK, msf_transpose_s8(shape, perm, in.data(), out.data()));
  EXPECT_EQ(out, (std::vector<int8_t>{0, 3, 6, 9, 1, 4, 7, 10, 2, 5, 8, 11}));
  // 2-D [2, 3] padded to [1, 1, 2, 3], perm {0, 1, 3, 2}: a matrix transpose.
  const int32_t s2[4] = {1, 1, 2, 3}, p2[4] = {0, 1, 3, 2};
  std::vector<int8_t> o2(6);
  ASSERT_EQ(MSF_OK, msf_transpose_s8(s2, p2, in.data(), o2.data()));
  EXPECT_EQ(o2, (std::vector<int8_t>{0, 3, 1, 4, 2, 5}));
}

TEST(RuntimeTranspose, AllPermutationsMatchIndexDefinition) {
  std::mt19937 rng(19);
  const int32_t shape[4] = {2, 3, 4, 5};
  const auto in = msf_test::RandomInt8(rng, 120);
  std::array<int32_t, 4> perm = {0, 1, 2, 3};
  int count = 0;
  do {
    std::vector<int8_t> out(120, 0);
    ASSERT_EQ(MSF_OK, msf_transpose_s8(shape, perm.data(), in.data(), out.data()));
    int32_t os[4];
    for (int d = 0; d < 4; ++d) os[d] = shape[perm[d]];
    for (int i0 = 0; i0 < os[0]; ++i0)
      for (int i1 = 0; i1 < os[1]; ++i1)
        for (int i2 = 0; i2 < os[2]; ++i2)
          for (int i3 = 0; i3 < os[3]; ++i3) {
            int ii[4];
            const int oi[4] = {i0, i1, i2, i3};
            for (int d = 0; d < 4; ++d) ii[perm[d]] = oi[d];
            const size_t src = ((size_t(ii[0]) * 3 + ii[1]) * 4 + ii[2]) * 5 + ii[3];
            const size_t dst = ((size_t(i0) * os[1] + i1) * os[2] + i2) * os[3] + i3;
            ASSERT_EQ(in[src], out[dst]);
          }
    ++count;
  } while (std::next_permutation(perm.begin(), perm.end()));
  EXPECT_EQ(24, count);
  const int32_t dup[4] = {0, 1, 1, 3}, range[4] = {0, 1, 2, 4};
  std::vector<int8_t> out(120);
  EXPECT_EQ(MSF_ARG_ERROR, msf_transpose_s8(shape, dup, in.data(), out.data()));
  EXPECT_EQ(MSF_ARG_ERROR, msf_transpose_s8(shape, range, in.data(), out.data()));
}

// ---- QUANTIZE / DEQUANTIZE (float) ----------------------------------------------

TEST(RuntimeQuantizeF32, HandChecked) {
  // out = clamp(roundf(in / 0.5f) + 3): 1.25 -> 2.5 -> 3 -> 6; -1.25 -> -3 -> 0;
  // 0.74 -> 1.48 -> 1 -> 4; -0.25 -> -0.5 -> -1 -> 2 (half away from zero).
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  const std::vector<float> in = {1.25f, -1.25f, 0.74f, -0.25f, 100.0f, -1000.0f, nan, inf, -inf,
                                 3e9f, -3e9f, 0.0f};
  std::vector<int8_t> out(in.size());
  ASSERT_EQ(MSF_OK, msf_quantize_f32_s8(0.5f, 3, in.data(), out.data(), int32_t(in.size())));
  EXPECT_EQ(out, (std::vector<int8_t>{6, 0, 4, 2, 127, -128, 3, 127, -128, 127, -128, 3}));
  EXPECT_EQ(MSF_ARG_ERROR, msf_quantize_f32_s8(0.0f, 0, in.data(), out.data(), 1));
  EXPECT_EQ(MSF_ARG_ERROR, msf_quantize_f32_s8(0.5f, 0, in.data(), out.data(), -1));
}

TEST(RuntimeQuantizeF32, MatchesFloatRoundEverywhere) {
  // TFLite: (int32)std::round(val / (float)scale) + zp, clamped, all in float.
  std::mt19937 rng(23);
  std::uniform_real_distribution<float> dist(-40.0f, 40.0f);
  for (float scale : {0.1f, 0.0078125f, 0.3f, 1.0f / 255.0f, 0.0471f}) {
    for (int zp : {-128, -3, 0, 17, 127}) {
      std::vector<float> in(4000);
      for (auto& v : in) v = dist(rng);
      // Exact halves and their float neighbours.
      for (int k = -300; k <= 300; ++k) {
        const float h = (float(k) + 0.5f) * scale;
        in.push_back(h);
        in.push_back(std::nextafter(h, 1e9f));
        in.push_back(std::nextafter(h, -1e9f));
      }
      std::vector<int8_t> out(in.size());
      ASSERT_EQ(MSF_OK, msf_quantize_f32_s8(scale, zp, in.data(), out.data(), int32_t(in.size())));
      for (size_t i = 0; i < in.size(); ++i) {
        const float q = in[i] / scale;
        const int want = std::clamp(int(std::round(q)) + zp, -128, 127);
        ASSERT_EQ(want, out[i]) << in[i] << " / " << scale;
      }
    }
  }
}

TEST(RuntimeDequantizeF32, MatchesTflite) {
  // scale * (in - zp) in float; TFLite's older double form rounds to the same float.
  std::vector<int8_t> in(256);
  std::iota(in.begin(), in.end(), -128);
  std::vector<float> out(256);
  for (float scale : {0.5f, 0.1f, 1.0f / 255.0f, 0.0471f, 3.3e-5f}) {
    for (int zp : {-128, 0, 5, 127}) {
      ASSERT_EQ(MSF_OK, msf_dequantize_s8_f32(scale, zp, in.data(), out.data(), 256));
      for (int i = 0; i < 256; ++i) {
        ASSERT_EQ(scale * float(in[i] - zp), out[i]);
        ASSERT_EQ(static_cast<float>(double(scale) * (in[i] - zp)), out[i]);
      }
    }
  }
  // Hand: 0.5 * (7 - 3) = 2.
  const int8_t v = 7;
  float f = 0;
  ASSERT_EQ(MSF_OK, msf_dequantize_s8_f32(0.5f, 3, &v, &f, 1));
  EXPECT_EQ(2.0f, f);
}

}  // namespace
