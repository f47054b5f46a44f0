// SPDX-License-Identifier: MIT
// Pools, PAD and ADD: hand-checked cases, naive references, and tiled /
// ring-buffer execution equal to whole-layer execution.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "msf_rt/msf_kernels.h"
#include "lower/runtime_params.h"
#include "rt_test_util.h"

namespace {

using msf_test::Axis;
using msf_test::OutSize;
using msf_test::RandomTensor;
using msf_test::RefMbqm;
using msf_test::Tensor;
using msf_test::WholeView;

msf_pool_params PoolParams(int32_t in_h, int32_t in_w, int32_t c, int32_t fh, int32_t fw,
                           int32_t sh, int32_t sw, int32_t pt, int32_t pl, int32_t lo,
                           int32_t hi) {
  msf_pool_params p{};
  p.in_h = in_h;
  p.in_w = in_w;
  p.c = c;
  p.filter_h = fh;
  p.filter_w = fw;
  p.stride_h = sh;
  p.stride_w = sw;
  p.pad_top = pt;
  p.pad_left = pl;
  p.act_min = lo;
  p.act_max = hi;
  return p;
}

TEST(RuntimePool, AvgPoolHandCheckedWithPadding) {
  // 2x2 input [[1, 2], [3, 5]], 3x3 filter, SAME padding (1 each side):
  // every window sees the 4 valid cells, sum 11, count 4 -> 11/4 = 2.75 -> 3.
  Tensor in(2, 2, 1);
  in.d = {1, 2, 3, 5};
  Tensor out(2, 2, 1);
  msf_pool_params p = PoolParams(2, 2, 1, 3, 3, 1, 1, 1, 1, -128, 127);
  msf_view iv = WholeView(in), ov = WholeView(out);
  msf_rect r{0, 0, 2, 2};
  ASSERT_EQ(MSF_OK, msf_avgpool_s8(&p, &iv, &r, &ov));
  for (int i = 0; i < 4; ++i) EXPECT_EQ(3, out.d[i]);
  // Negative values round half away from zero: -1,-2,-3,-4 -> -10/4 = -2.5 -> -3.
  in.d = {-1, -2, -3, -4};
  ASSERT_EQ(MSF_OK, msf_avgpool_s8(&p, &iv, &r, &ov));
  EXPECT_EQ(-3, out.d[0]);
  // 2x2 filter stride 1 pad 0 on 2x2 -> 1 output; -1-2-3-5 = -11 / 4 = -2.75 -> -3
  in.d = {-1, -2, -3, -5};
  Tensor o1(1, 1, 1);
  msf_view ov1 = WholeView(o1);
  msf_pool_params p1 = PoolParams(2, 2, 1, 2, 2, 1, 1, 0, 0, -128, 127);
  msf_rect r1{0, 0, 1, 1};
  ASSERT_EQ(MSF_OK, msf_avgpool_s8(&p1, &iv, &r1, &ov1));
  EXPECT_EQ(-3, o1.d[0]);
  // Corner window of a 3x3 filter over a 3x3 input with padding 1: 4 cells.
  Tensor in3(3, 3, 1);
  in3.d = {10, 20, 30, 40, 50, 60, 70, 80, 90};
  Tensor out3(3, 3, 1);
  msf_pool_params p3 = PoolParams(3, 3, 1, 3, 3, 1, 1, 1, 1, -128, 127);
  msf_view iv3 = WholeView(in3), ov3 = WholeView(out3);
  msf_rect r3{0, 0, 3, 3};
  ASSERT_EQ(MSF_OK, msf_avgpool_s8(&p3, &iv3, &r3, &ov3));
  EXPECT_EQ(30, out3.d[0]);  // (10+20+40+50)/4
  EXPECT_EQ(35, out3.d[1]);  // (10+20+30+40+50+60)/6
  EXPECT_EQ(50, out3.d[4]);
  // Activation clamp.
  p3.act_max = 40;
  ASSERT_EQ(MSF_OK, msf_avgpool_s8(&p3, &iv3, &r3, &ov3));
  EXPECT_EQ(40, out3.d[4]);
}

TEST(RuntimePool, MaxPoolHandCheckedWithPadding) {
  Tensor in(3, 3, 2);
  for (int i = 0; i < 9; ++i) {
    in.d[2 * i] = static_cast<int8_t>(-100 + i);  // all negative: padding must not win
    in.d[2 * i + 1] = static_cast<int8_t>(9 - i);
  }
  Tensor out(2, 2, 2);
  // 2x2 filter, stride 2, pad 0 top/left (SAME on 3 -> 2 outputs, pad after).
  msf_pool_params p = PoolParams(3, 3, 2, 2, 2, 2, 2, 0, 0, -128, 127);
  msf_view iv = WholeView(in), ov = WholeView(out);
  msf_rect r{0, 0, 2, 2};
  ASSERT_EQ(MSF_OK, msf_maxpool_s8(&p, &iv, &r, &ov));
  EXPECT_EQ(-96, out.at(0, 0, 0));  // max of cells 0,1,3,4
  EXPECT_EQ(9, out.at(0, 0, 1));
  EXPECT_EQ(-95, out.at(0, 1, 0));  // cells 2,5 only
  EXPECT_EQ(7, out.at(0, 1, 1));
  EXPECT_EQ(-92, out.at(1, 1, 0));  // cell 8 only
  EXPECT_EQ(1, out.at(1, 1, 1));
  p.act_min = -95;
  ASSERT_EQ(MSF_OK, msf_maxpool_s8(&p, &iv, &r, &ov));
  EXPECT_EQ(-95, out.at(0, 0, 0));
}

Tensor RefPool(const Tensor& in, const msf_pool_params& p, int32_t oh, int32_t ow, bool avg) {
  Tensor out(oh, ow, in.c);
  for (int32_t oy = 0; oy < oh; ++oy)
    for (int32_t ox = 0; ox < ow; ++ox)
      for (int32_t c = 0; c < in.c; ++c) {
        int32_t sum = 0, n = 0, mx = -1000;
        for (int32_t fy = 0; fy < p.filter_h; ++fy)
          for (int32_t fx = 0; fx < p.filter_w; ++fx) {
            const int32_t y = oy * p.stride_h - p.pad_top + fy, x = ox * p.stride_w - p.pad_left + fx;
            if (y < 0 || y >= in.h || x < 0 || x >= in.w) continue;
            sum += in.at(y, x, c);
            mx = std::max<int32_t>(mx, in.at(y, x, c));
            ++n;
          }
        int32_t v;
        if (avg) {  // nearest, ties away from zero, via double
          const double q = static_cast<double>(sum) / n;
          v = static_cast<int32_t>(q >= 0 ? std::floor(q + 0.5) : std::ceil(q - 0.5));
        } else {
          v = mx;
        }
        out.at(oy, ox, c) = static_cast<int8_t>(std::clamp(v, p.act_min, p.act_max));
      }
  return out;
}

TEST(RuntimePool, RandomMatchesReferenceAndTiling) {
  struct Case { int32_t h, w, c, fh, fw, sh, sw, pt, pb, pl, pr; };
  const Case cases[] = {
      {7, 7, 3, 3, 3, 1, 1, 1, 1, 1, 1},
      {8, 9, 2, 2, 2, 2, 2, 0, 0, 0, 1},
      {9, 8, 4, 3, 3, 2, 2, 1, 1, 0, 1},
      {6, 6, 1, 5, 3, 1, 2, 2, 2, 1, 1},
  };
  std::mt19937 rng(5);
  for (const auto& k : cases) {
    const Tensor in = RandomTensor(rng, k.h, k.w, k.c);
    const int32_t oh = OutSize(k.h, k.pt, k.pb, k.fh, k.sh), ow = OutSize(k.w, k.pl, k.pr, k.fw, k.sw);
    const msf_pool_params p = PoolParams(k.h, k.w, k.c, k.fh, k.fw, k.sh, k.sw, k.pt, k.pl, -120, 110);
    for (bool avg : {true, false}) {
      const Tensor ref = RefPool(in, p, oh, ow, avg);
      Tensor inc = in, out(oh, ow, k.c);
      msf_view iv = WholeView(inc), ov = WholeView(out);
      msf_rect r{0, 0, oh, ow};
      ASSERT_EQ(MSF_OK, avg ? msf_avgpool_s8(&p, &iv, &r, &ov) : msf_maxpool_s8(&p, &iv, &r, &ov));
      ASSERT_EQ(ref.d, out.d) << (avg ? "avg" : "max");
      auto run = [&](const msf_view& v, const msf_rect& rr, msf_view* o) {
        return avg ? msf_avgpool_s8(&p, &v, &rr, o) : msf_maxpool_s8(&p, &v, &rr, o);
      };
      const Axis ay{k.h, oh, k.sh, k.pt, k.fh}, ax{k.w, ow, k.sw, k.pl, k.fw};
      msf_test::CheckTilingEquivalence(in, ay, ax, k.c, run, 2, 2, k.fh, k.fw);
      msf_test::CheckTilingEquivalence(in, ay, ax, k.c, run, 3, 4, k.fh + 1, k.fw + 1);
    }
  }
  msf_pool_params p{};
  EXPECT_EQ(0, msf_pool_s8_buffer_size(&p));
}

TEST(RuntimePad, HandCheckedAndTiling) {
  Tensor in(2, 3, 2);
  for (int i = 0; i < 12; ++i) in.d[i] = static_cast<int8_t>(i + 1);
  // pad top 1, bottom 2, left 2, right 1 -> 5 x 6
  Tensor out(5, 6, 2);
  msf_view iv = WholeView(in), ov = WholeView(out);
  msf_rect r{0, 0, 5, 6};
  ASSERT_EQ(MSF_OK, msf_pad_s8(2, 3, 1, 2, -7, &iv, &r, &ov));
  for (int32_t y = 0; y < 5; ++y)
    for (int32_t x = 0; x < 6; ++x)
      for (int32_t c = 0; c < 2; ++c) {
        const bool inside = y >= 1 && y < 3 && x >= 2 && x < 5;
        EXPECT_EQ(inside ? in.at(y - 1, x - 2, c) : -7, out.at(y, x, c)) << y << "," << x;
      }
  std::mt19937 rng(11);
  const Tensor big = RandomTensor(rng, 7, 6, 3);
  auto run = [&](const msf_view& v, const msf_rect& rr, msf_view* o) {
    return msf_pad_s8(7, 6, 2, 1, 5, &v, &rr, o);
  };
  const Axis ay{7, 7 + 2 + 1, 1, 2, 1}, ax{6, 6 + 1 + 3, 1, 1, 1};
  msf_test::CheckTilingEquivalence(big, ay, ax, 3, run, 3, 4, 1, 1);
  msf_test::CheckTilingEquivalence(big, ay, ax, 3, run, 4, 3, 2, 3);
}

int8_t RefAdd(const msf_add_params& p, int8_t a, int8_t b) {
  const int32_t s1 = RefMbqm((a + p.input1_offset) * (1 << p.left_shift), p.input1_multiplier,
                             p.input1_shift);
  const int32_t s2 = RefMbqm((b + p.input2_offset) * (1 << p.left_shift), p.input2_multiplier,
                             p.input2_shift);
  const int32_t o = RefMbqm(s1 + s2, p.output_multiplier, p.output_shift) + p.output_offset;
  return static_cast<int8_t>(std::clamp(o, p.act_min, p.act_max));
}

TEST(RuntimeAdd, HandCheckedDifferentScales) {
  // in1: scale 0.5 zp 1; in2: scale 0.25 zp -3; out: scale 1.0 zp 2.
  const msf_add_params p = msf::lower::MakeAddParams(0.5f, 1, 0.25f, -3, 1.0f, 2, -128, 127);
  Tensor a(1, 1, 4), b(1, 1, 4), o(1, 1, 4);
  a.d = {1, 11, -9, 101};   // reals 0, 5, -5, 50
  b.d = {-3, 9, 5, -7};     // reals 0, 3, 2, -1
  msf_view av = WholeView(a), bv = WholeView(b), ov = WholeView(o);
  msf_rect r{0, 0, 1, 1};
  ASSERT_EQ(MSF_OK, msf_add_s8(&p, &av, &bv, &r, &ov));
  EXPECT_EQ(2, o.d[0]);       // 0 + 2
  EXPECT_EQ(10, o.d[1]);      // 8 + 2
  EXPECT_EQ(-1, o.d[2]);      // -3 + 2
  EXPECT_EQ(51, o.d[3]);      // 49 + 2
  // Rounding: in1 real 0.5 (q=2), in2 real 0.25 (q=-2) -> 0.75 -> 1 + 2 = 3.
  a.d[0] = 2;
  b.d[0] = -2;
  ASSERT_EQ(MSF_OK, msf_add_s8(&p, &av, &bv, &r, &ov));
  EXPECT_EQ(3, o.d[0]);
}

TEST(RuntimeAdd, RandomMatchesReferenceAndTiling) {
  std::mt19937 rng(21);
  const msf_add_params p = msf::lower::MakeAddParams(0.0731f, -12, 0.0215f, 30, 0.0977f, 4, -128, 127);
  const Tensor a = RandomTensor(rng, 6, 7, 5), b = RandomTensor(rng, 6, 7, 5);
  Tensor ac = a, bc = b, o(6, 7, 5);
  msf_view av = WholeView(ac), bv = WholeView(bc), ov = WholeView(o);
  msf_rect r{0, 0, 6, 7};
  ASSERT_EQ(MSF_OK, msf_add_s8(&p, &av, &bv, &r, &ov));
  for (size_t i = 0; i < o.d.size(); ++i) ASSERT_EQ(RefAdd(p, a.d[i], b.d[i]), o.d[i]) << i;

  // Tiled: in1 as an offset tile, in2 as a ring of rows, out as an offset tile.
  for (int32_t ty = 0; ty < 6; ty += 2)
    for (int32_t tx = 0; tx < 7; tx += 3) {
      const int32_t th = std::min(2, 6 - ty), tw = std::min(3, 7 - tx);
      std::vector<int8_t> t1(size_t(th) * tw * 5), ring(size_t(3) * 7 * 5), to(size_t(th) * tw * 5);
      for (int32_t y = 0; y < th; ++y)
        for (int32_t x = 0; x < tw; ++x)
          for (int32_t c = 0; c < 5; ++c) t1[(size_t(y) * tw + x) * 5 + c] = a.at(ty + y, tx + x, c);
      for (int32_t y = ty; y < ty + th; ++y)
        for (int32_t x = 0; x < 7; ++x)
          for (int32_t c = 0; c < 5; ++c) ring[(size_t(y % 3) * 7 + x) * 5 + c] = b.at(y, x, c);
      msf_view v1{t1.data(), ty, tx, th, tw, 5, 0, 0};
      msf_view v2{ring.data(), 0, 0, 3, 7, 5, 1, 0};
      msf_view vo{to.data(), ty, tx, th, tw, 5, 0, 0};
      msf_rect rr{ty, tx, th, tw};
      ASSERT_EQ(MSF_OK, msf_add_s8(&p, &v1, &v2, &rr, &vo));
      for (int32_t y = 0; y < th; ++y)
        for (int32_t x = 0; x < tw; ++x)
          for (int32_t c = 0; c < 5; ++c)
            ASSERT_EQ(o.at(ty + y, tx + x, c), to[(size_t(y) * tw + x) * 5 + c]);
    }
}

}  // namespace
