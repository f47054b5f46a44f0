// SPDX-License-Identifier: MIT
// Optimised runtime kernels against their *_ref oracles, bit for bit: same
// status, same output bytes (also outside the output rect), on random
// shapes, data and quantisation, on whole tensors, offset tiles and ring
// views (fast_kernels_util.h), through the tiling harness of rt_test_util.h,
// and on invalid arguments. Every random case has its own seed (printed on
// failure) so that it can be replayed alone.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "fast_kernels_util.h"
#include "msf_rt/msf_kernels.h"
#include "lower/runtime_params.h"
#include "rt_test_util.h"

namespace {

using msf_fast_test::Chance;
using msf_fast_test::CompareOnRandomViews;
using msf_fast_test::KernelFn;
using msf_fast_test::Pick;
using msf_fast_test::Quant;
using msf_fast_test::SameOnViews;
using msf_fast_test::Str;
using msf_fast_test::Uniform;
using msf_fast_test::WindowGeom;
using msf_test::Axis;
using msf_test::OutSize;
using msf_test::Tensor;
using msf_test::WholeView;

// ======================= CONV_2D and DEPTHWISE_CONV_2D ===========================

struct ConvShape {
  int32_t in_h, in_w, in_c, out_c, kh, kw, sh, sw, dh, dw, pt, pb, pl, pr, mult;
  int32_t ExtentH() const { return (kh - 1) * dh + 1; }
  int32_t ExtentW() const { return (kw - 1) * dw + 1; }
  int32_t OutH() const { return OutSize(in_h, pt, pb, ExtentH(), sh); }
  int32_t OutW() const { return OutSize(in_w, pl, pr, ExtentW(), sw); }
  int64_t Taps(bool depthwise) const { return int64_t(kh) * kw * (depthwise ? 1 : in_c); }
  int64_t Macs(bool depthwise) const { return int64_t(OutH()) * OutW() * out_c * Taps(depthwise); }
  std::string Str() const {
    std::ostringstream s;
    s << "in " << in_h << "x" << in_w << "x" << in_c << " -> out " << OutH() << "x" << OutW() << "x"
      << out_c << ", kernel " << kh << "x" << kw << " stride " << sh << "," << sw << " dilation "
      << dh << "," << dw << " pad t/b/l/r " << pt << "/" << pb << "/" << pl << "/" << pr
      << " depth_multiplier " << mult;
    return s.str();
  }
};

// TFLite SAME padding for one axis.
void SamePad(int32_t in, int32_t extent, int32_t stride, int32_t* before, int32_t* after) {
  const int32_t out = (in + stride - 1) / stride;
  const int32_t total = std::max((out - 1) * stride + extent - in, 0);
  *before = total / 2;
  *after = total - *before;
}

ConvShape MakeShape(int32_t in_h, int32_t in_w, int32_t in_c, int32_t out_c, int32_t kh, int32_t kw,
                    int32_t sh, int32_t sw, int32_t dh, int32_t dw, bool same, int32_t mult = 1) {
  ConvShape k{in_h, in_w, in_c, out_c, kh, kw, sh, sw, dh, dw, 0, 0, 0, 0, mult};
  if (same) {
    SamePad(in_h, k.ExtentH(), sh, &k.pt, &k.pb);
    SamePad(in_w, k.ExtentW(), sw, &k.pl, &k.pr);
  }
  return k;
}

int32_t RandomPad(std::mt19937& rng, int32_t extent) {
  const int m = Uniform(rng, 0, 99);
  if (m < 30) return 0;
  if (m < 45) return 1;
  if (m < 75) return Chance(rng, 0.5) ? (extent - 1) / 2 : extent / 2;  // SAME-like
  return Uniform(rng, 0, extent + 1);  // up to larger than extent - 1
}

int32_t RandomChannels(std::mt19937& rng) {
  return Chance(rng, 0.1) ? Uniform(rng, 1, 40) : Pick(rng, {1, 3, 5, 8, 17, 64});
}

ConvShape RandomConvShape(std::mt19937& rng, bool depthwise, int64_t max_macs) {
  for (;;) {
    ConvShape k{};
    const int km = Uniform(rng, 0, 99);
    if (km < 30) {
      k.kh = k.kw = 1;
    } else if (km < 50) {
      k.kh = k.kw = 3;
    } else if (km < 58) {
      k.kh = k.kw = 5;
    } else if (km < 64) {
      k.kh = k.kw = 7;
    } else if (km < 96) {
      k.kh = Uniform(rng, 1, 7);
      k.kw = Uniform(rng, 1, 7);
    } else {  // around the size limit of a kernel's tap tables
      k.kh = Uniform(rng, 1, 9);
      k.kw = Uniform(rng, 8, 9);
      if (Chance(rng, 0.5)) std::swap(k.kh, k.kw);
    }
    k.sh = Chance(rng, 0.5) ? 1 : Uniform(rng, 1, 3);
    k.sw = Chance(rng, 0.5) ? k.sh : Uniform(rng, 1, 3);
    k.dh = Chance(rng, 0.65) ? 1 : Uniform(rng, 1, 3);
    k.dw = Chance(rng, 0.5) ? k.dh : Uniform(rng, 1, 3);
    k.pt = RandomPad(rng, k.ExtentH());
    k.pb = Chance(rng, 0.5) ? k.pt : RandomPad(rng, k.ExtentH());
    k.pl = Chance(rng, 0.5) ? k.pt : RandomPad(rng, k.ExtentW());
    k.pr = Chance(rng, 0.5) ? k.pl : RandomPad(rng, k.ExtentW());
    const int32_t min_h = std::max(1, k.ExtentH() - k.pt - k.pb);
    const int32_t min_w = std::max(1, k.ExtentW() - k.pl - k.pr);
    k.in_h = min_h + Uniform(rng, 0, 9);
    k.in_w = min_w + Uniform(rng, 0, 9);
    if (depthwise) {
      k.in_c = RandomChannels(rng);
      k.mult = Chance(rng, 0.1) ? Uniform(rng, 3, 4) : Pick(rng, {1, 1, 2, 8});
      k.out_c = k.in_c * k.mult;
    } else {
      k.in_c = RandomChannels(rng);
      k.out_c = RandomChannels(rng);
      k.mult = 1;
    }
    while (k.Macs(depthwise) > max_macs && (k.in_h > min_h || k.in_w > min_w)) {
      if (k.in_h > min_h && (k.in_h >= k.in_w || k.in_w == min_w))
        --k.in_h;
      else
        --k.in_w;
    }
    if (k.Macs(depthwise) <= max_macs) return k;
  }
}

struct ConvSetup {
  ConvShape k{};
  bool depthwise = false;
  Tensor in;
  std::vector<int8_t> filter;
  std::vector<int32_t> bias;  // empty: NULL
  Quant q;
  int32_t in_off = 0, out_off = 0, act_min = -128, act_max = 127;
  std::string data_desc, filter_desc, bias_desc;

  size_t FilterSize() const {
    return depthwise ? size_t(k.kh) * k.kw * k.out_c : size_t(k.out_c) * k.kh * k.kw * k.in_c;
  }
  const int32_t* Bias() const { return bias.empty() ? nullptr : bias.data(); }
  msf_conv_params Params() const {
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
    p.pad_top = k.pt;
    p.pad_left = k.pl;
    p.depth_multiplier = k.mult;
    p.input_offset = in_off;
    p.output_offset = out_off;
    p.act_min = act_min;
    p.act_max = act_max;
    return p;
  }
  std::string Describe() const {
    std::ostringstream s;
    s << (depthwise ? "DEPTHWISE " : "CONV ") << k.Str() << "; input_offset " << in_off
      << " output_offset " << out_off << " act [" << act_min << "," << act_max << "]; quant "
      << q.desc << "; bias " << bias_desc << "; data " << data_desc << "; filter " << filter_desc;
    return s.str();
  }
};

double AccStd(const ConvShape& k, bool depthwise) {
  return std::sqrt(double(k.Taps(depthwise))) * 147.0 * 74.0;
}

ConvSetup RandomConvSetup(std::mt19937& rng, const ConvShape& k, bool depthwise) {
  ConvSetup s;
  s.k = k;
  s.depthwise = depthwise;
  s.in = Tensor(k.in_h, k.in_w, k.in_c);
  s.in.d = msf_fast_test::RandomData(rng, s.in.d.size(), &s.data_desc);
  s.filter = msf_fast_test::RandomFilter(rng, s.FilterSize(), &s.filter_desc);
  const double acc_std = AccStd(k, depthwise);
  s.bias = msf_fast_test::RandomBias(rng, k.out_c, acc_std, &s.bias_desc);
  s.q = msf_fast_test::RandomQuant(rng, k.out_c, acc_std);
  s.in_off = msf_fast_test::RandomInputOffset(rng);
  s.out_off = msf_fast_test::RandomOutputOffset(rng);
  msf_fast_test::RandomActivation(rng, s.out_off, &s.act_min, &s.act_max);
  return s;
}

// eff_bias as msf_kernels.h defines it: bias + input_offset * sum(filter of
// the channel), wrapped to int32.
std::vector<int32_t> ExpectedEffBias(const ConvSetup& s) {
  std::vector<int32_t> e(size_t(s.k.out_c));
  const int64_t taps = s.k.Taps(s.depthwise);
  for (int32_t oc = 0; oc < s.k.out_c; ++oc) {
    int64_t sum = 0;
    for (int64_t t = 0; t < taps; ++t)
      sum += s.depthwise ? s.filter[size_t(t) * s.k.out_c + oc] : s.filter[size_t(oc * taps + t)];
    const int64_t v = (s.bias.empty() ? 0 : int64_t{s.bias[oc]}) + int64_t{s.in_off} * sum;
    e[oc] = static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(v)));
  }
  return e;
}

struct RunOptions {
  int view_runs = 6;
  bool harness = false;
  bool null_eff_bias = true;  // also compare the eff_bias == NULL fallback
  int tall_runs = 0;          // CompareTallRects runs
  bool force_narrow = false;  // MSF_REQUANT_NARROW must be allowed, and set
};

// Tall rectangles (w < h: the kernels visit them column by column, as the
// streamed columns of hcache blocks), one to three columns wide, odd and even
// heights, on views whose column axis is mostly a ring (the fused blocks'
// tiles) and whose row axis is an offset window or a ring.
void CompareTallRects(std::mt19937& rng, const Tensor& in, const WindowGeom& g, const KernelFn& ref,
                      const KernelFn& fast, int runs) {
  using namespace msf_fast_test;
  const int32_t oh = g.ay.out_size, ow = g.ax.out_size;
  if (oh < 2) return;
  for (int i = 0; i < runs; ++i) {
    const int32_t w = Uniform(rng, 1, std::min<int32_t>(3, std::min(ow, oh - 1)));
    const int32_t h = Uniform(rng, w + 1, oh);
    const msf_rect r{Uniform(rng, 0, oh - h), Uniform(rng, 0, ow - w), h, w};
    int32_t ylo, yhi, xlo, xhi;
    g.ay.InputRange(r.y0, r.h, &ylo, &yhi);
    g.ax.InputRange(r.x0, r.w, &xlo, &xhi);
    const int imy = Pick(rng, {kWhole, kTight, kLoose, kRingExact});
    const int imx = Pick(rng, {kRingExact, kRingLarger, kRingExact, kTight});
    const int omy = Pick(rng, {kTight, kLoose, kRingExact});
    const int omx = Pick(rng, {kRingExact, kRingLarger, kLoose});
    ViewStore iv, ov;
    BuildInputView(rng, in, MakeAxis(rng, imy, ylo, yhi, in.h), ylo, yhi, MakeAxis(rng, imx, xlo, xhi, in.w),
                   xlo, xhi, &iv);
    BuildOutputView(rng, MakeAxis(rng, omy, r.y0, r.y0 + r.h - 1, oh), MakeAxis(rng, omx, r.x0, r.x0 + r.w - 1, ow),
                    g.out_c, &ov);
    msf_status st = MSF_ARG_ERROR;
    const auto res = SameOnViews(ref, fast, iv.v, r, ov.v, &st);
    ASSERT_TRUE(res) << "tall rect run " << i << ": input " << AxisModeName(imy) << "/" << AxisModeName(imx)
                     << ", output " << AxisModeName(omy) << "/" << AxisModeName(omx);
    ASSERT_EQ(MSF_OK, st) << "reference rejected tall rect run " << i << " (test bug): in " << Str(iv.v)
                          << " rect " << Str(r) << " out " << Str(ov.v);
  }
}

RunOptions DefaultRunOptions(std::mt19937& rng, int64_t macs) {
  RunOptions o;
  o.view_runs = static_cast<int>(std::clamp<int64_t>(400000 / (macs + 2000), 3, 12));
  o.harness = macs <= 12000 && Chance(rng, 0.5);
  o.null_eff_bias = Chance(rng, 0.3);
  return o;
}

void RunConvSetup(std::mt19937& rng, const ConvSetup& s, const RunOptions& o) {
  SCOPED_TRACE(s.Describe());
  const msf_conv_params p = s.Params();
  msf_requant q = s.q.Get(o.force_narrow || Chance(rng, 0.5));  // verified, or the kernel's own check
  const int8_t* f = s.filter.data();
  const int32_t* b = s.Bias();

  std::vector<int32_t> eff(size_t(s.k.out_c), 0x5a5a5a5a);
  if (s.depthwise)
    msf_depthwise_conv_s8_eff_bias(&p, f, b, eff.data());
  else
    msf_conv_s8_eff_bias(&p, f, b, eff.data());
  ASSERT_EQ(ExpectedEffBias(s), eff) << "eff_bias differs from its definition in msf_kernels.h";
  // The narrow requantisation, where lowering would allow it (most calls).
  {
    const bool narrow_ok = q.verified && msf_requant_narrow_ok(&p, &q, f, b, eff.data(), s.depthwise ? 1 : 0);
    if (o.force_narrow) {
      ASSERT_TRUE(narrow_ok) << "test bug: the setup must allow MSF_REQUANT_NARROW";
    }
    if (narrow_ok && (o.force_narrow || Chance(rng, 0.7))) q.verified |= MSF_REQUANT_NARROW;
  }

  KernelFn ref, fast, fast_null;
  if (s.depthwise) {
    ref = [&](const msf_view* i, const msf_rect* r, msf_view* out) {
      return msf_depthwise_conv_s8_ref(&p, &q, i, f, b, r, out);
    };
    fast = [&](const msf_view* i, const msf_rect* r, msf_view* out) {
      return msf_depthwise_conv_s8(&p, &q, i, f, b, eff.data(), r, out);
    };
    fast_null = [&](const msf_view* i, const msf_rect* r, msf_view* out) {
      return msf_depthwise_conv_s8(&p, &q, i, f, b, nullptr, r, out);
    };
  } else {
    ref = [&](const msf_view* i, const msf_rect* r, msf_view* out) {
      return msf_conv_s8_ref(&p, &q, i, f, b, r, out);
    };
    fast = [&](const msf_view* i, const msf_rect* r, msf_view* out) {
      return msf_conv_s8(&p, &q, i, f, b, eff.data(), r, out);
    };
    fast_null = [&](const msf_view* i, const msf_rect* r, msf_view* out) {
      return msf_conv_s8(&p, &q, i, f, b, nullptr, r, out);
    };
  }
  const Axis ay{s.k.in_h, s.k.OutH(), s.k.sh, s.k.pt, s.k.ExtentH()};
  const Axis ax{s.k.in_w, s.k.OutW(), s.k.sw, s.k.pl, s.k.ExtentW()};
  const WindowGeom g{ay, ax, s.k.out_c};
  CompareOnRandomViews(rng, s.in, g, ref, fast, o.view_runs, true);
  if (::testing::Test::HasFatalFailure()) return;
  if (o.tall_runs > 0) {
    SCOPED_TRACE("tall rects");
    CompareTallRects(rng, s.in, g, ref, fast, o.tall_runs);
    if (::testing::Test::HasFatalFailure()) return;
  }
  if (o.null_eff_bias) {
    SCOPED_TRACE("eff_bias == NULL (reference fallback)");
    CompareOnRandomViews(rng, s.in, g, ref, fast_null, 1, true);
    if (::testing::Test::HasFatalFailure()) return;
  }
  if (o.harness) {
    const int32_t tile_h = Pick(rng, {1, 2, 3, 5}), tile_w = Pick(rng, {1, 3, 5, 2});
    const int32_t ring_h = ay.extent + (Chance(rng, 0.5) ? 0 : Uniform(rng, 1, 2));
    const int32_t ring_w = ax.extent + (Chance(rng, 0.5) ? 0 : Uniform(rng, 1, 2));
    SCOPED_TRACE(::testing::Message()
                 << "tiling harness: tiles " << tile_h << "x" << tile_w << " input rings " << ring_h
                 << " rows / " << ring_w << " cols");
    msf_test::CheckTilingEquivalence(s.in, ay, ax, s.k.out_c, msf_fast_test::DualRun(ref, fast),
                                     tile_h, tile_w, ring_h, ring_w);
  }
}

void RandomConvCases(bool depthwise, uint32_t base_seed, int cases) {
  for (int i = 0; i < cases; ++i) {
    const uint32_t seed = base_seed + uint32_t(i);
    SCOPED_TRACE(::testing::Message() << "case " << i << " seed " << seed);
    std::mt19937 rng(seed);
    const ConvShape k = RandomConvShape(rng, depthwise, 100000);
    const ConvSetup s = RandomConvSetup(rng, k, depthwise);
    RunConvSetup(rng, s, DefaultRunOptions(rng, k.Macs(depthwise)));
    if (::testing::Test::HasFailure()) return;  // the first failing case is enough
  }
}

TEST(FastKernelsConv, RandomShapes) { RandomConvCases(false, 1000, 260); }

TEST(FastKernelsDepthwise, RandomShapes) { RandomConvCases(true, 5000, 260); }

// The narrow requantisation (MSF_REQUANT_NARROW: one rounding high multiply,
// for layers whose shifts are all right shifts and whose accumulators stay
// below 2^30): every kernel path that uses it (1x1 with K = 8, 16 and any
// other, kxk pairs such as the 3x3 stride-2 stem, 3x3 depthwise) on channel
// counts 1, 3, 5, 8, 16, 17, 64, every padding and stride, ring views, tall
// and odd rectangles, and extreme multipliers with every right shift.
void NarrowCases(bool depthwise, uint32_t base_seed) {
  const int32_t mults[] = {0, 1, 1 << 30, INT32_MAX, -1, INT32_MIN + 1, 1518500250, -2147483647 / 3};
  std::vector<ConvShape> shapes;
  for (int32_t c : {1, 3, 5, 8, 16, 17, 64}) {
    if (depthwise) {
      shapes.push_back(MakeShape(11, 7, c, c, 3, 3, 1, 1, 1, 1, true));
      shapes.push_back(MakeShape(12, 9, c, c, 3, 3, 2, 2, 1, 1, true));
      shapes.push_back(MakeShape(9, 8, c, c, 3, 3, 2, 1, 1, 1, false));
    } else {
      shapes.push_back(MakeShape(7, 9, c, 48, 1, 1, 1, 1, 1, 1, true));
      shapes.push_back(MakeShape(9, 7, c, 5, 1, 1, 2, 2, 1, 1, true));
      shapes.push_back(MakeShape(13, 11, c, 16, 3, 3, 2, 2, 1, 1, true));
      shapes.push_back(MakeShape(8, 9, c, 3, 3, 3, 1, 1, 1, 1, false));
    }
  }
  if (!depthwise) {
    ConvShape pad{6, 5, 8, 7, 1, 1, 1, 1, 1, 1, 1, 2, 2, 1, 1};  // 1x1 with padding
    shapes.push_back(pad);
    shapes.push_back(MakeShape(20, 20, 3, 16, 3, 3, 2, 2, 1, 1, true));  // the stem
  }
  uint32_t seed = base_seed;
  for (size_t i = 0; i < shapes.size(); ++i) {
    for (int variant = 0; variant < 4; ++variant, ++seed) {
      SCOPED_TRACE(::testing::Message() << "shape " << i << " variant " << variant << " seed " << seed);
      std::mt19937 rng(seed);
      ConvSetup s = RandomConvSetup(rng, shapes[i], depthwise);
      const int32_t n = s.k.out_c;
      s.q.per_channel = variant == 3 ? 0 : 1;
      s.q.mult.assign(size_t(n), 0);
      s.q.shift.assign(size_t(n), 0);
      for (int32_t c = 0; c < n; ++c) {
        s.q.mult[size_t(c)] = variant == 0 ? mults[size_t(c) % 8] : msf_fast_test::Uniform(rng, 1 << 30, INT32_MAX);
        // every right shift 1..31, and the small ones real layers have
        s.q.shift[size_t(c)] = variant == 0 ? -(1 + c % 31) : -msf_fast_test::Uniform(rng, 1, variant == 1 ? 31 : 12);
      }
      s.q.desc = "narrow";
      s.bias.assign(size_t(n), 0);
      for (auto& v : s.bias) v = msf_fast_test::Uniform(rng, -2000, 2000);
      if (variant == 2) s.bias.assign(size_t(n), (1 << 29));  // large bias, still within the bound
      if (variant == 0) {  // zero-scale channels: (0, 0) or (0, right shift), any bias
        for (int32_t c = 0; c < n; ++c) {
          if (s.q.mult[size_t(c)] != 0) continue;
          if (c % 2) s.q.shift[size_t(c)] = 0;
          s.bias[size_t(c)] = c % 4 < 2 ? INT32_MAX : -INT32_MAX;
        }
      }
      if (variant == 3) {
        s.in_off = Chance(rng, 0.5) ? 128 : -127;
        s.act_min = -100, s.act_max = 90;
      }
      RunOptions o;
      o.view_runs = 6;
      o.tall_runs = 6;
      o.null_eff_bias = false;
      o.harness = variant == 1;
      o.force_narrow = true;
      RunConvSetup(rng, s, o);
      if (::testing::Test::HasFailure()) return;
    }
  }
}

TEST(FastKernelsConv, NarrowRequantisation) { NarrowCases(false, 90000); }
TEST(FastKernelsDepthwise, NarrowRequantisation) { NarrowCases(true, 91000); }

// msf_requant_narrow_ok: the accumulator bound at 2^30 exactly, and the
// shifts it refuses (left shifts, zero shift, out of range) and INT32_MIN.
TEST(FastKernelsConv, NarrowRequantisationBound) {
  for (int depthwise = 0; depthwise < 2; ++depthwise) {
    msf_conv_params p{};
    p.in_h = p.in_w = 4, p.in_c = 2, p.out_c = 2, p.kernel_h = p.kernel_w = 1;
    p.stride_h = p.stride_w = p.dilation_h = p.dilation_w = 1, p.depth_multiplier = 1;
    p.input_offset = 5, p.act_min = -128, p.act_max = 127;
    const int8_t filter[4] = {-100, 100, 100, -100};  // sum|w| = 100 per channel (depthwise) or 200 (conv)
    const int64_t sum = depthwise ? 100 : 200;
    int32_t mult[2] = {1 << 30, 1 << 30}, shift[2] = {-1, -31};
    const msf_requant q{mult, shift, 1, 1};
    // border bound: |bias| + (128 + 5) * sum; interior: |eff| + 128 * sum
    const int32_t edge = int32_t((int64_t{1} << 30) - 1 - 133 * sum);
    int32_t bias[2] = {edge, -edge}, eff[2] = {0, 0};
    EXPECT_EQ(1, msf_requant_narrow_ok(&p, &q, filter, bias, eff, depthwise));
    bias[1] = -edge - 1;
    EXPECT_EQ(0, msf_requant_narrow_ok(&p, &q, filter, bias, eff, depthwise));
    bias[1] = 0;
    eff[0] = int32_t((int64_t{1} << 30) - 128 * sum);
    EXPECT_EQ(0, msf_requant_narrow_ok(&p, &q, filter, bias, eff, depthwise));
    eff[0] -= 1;
    EXPECT_EQ(1, msf_requant_narrow_ok(&p, &q, filter, bias, eff, depthwise));
    for (int32_t bad : {0, 1, 31, -32}) {
      shift[1] = bad;
      EXPECT_EQ(0, msf_requant_narrow_ok(&p, &q, filter, bias, eff, depthwise)) << bad;
    }
    // a zero multiplier: shift 0 and any bias allowed, a left shift not
    mult[1] = 0, bias[1] = INT32_MAX;
    shift[1] = 0;
    EXPECT_EQ(1, msf_requant_narrow_ok(&p, &q, filter, bias, eff, depthwise));
    shift[1] = 1;
    EXPECT_EQ(0, msf_requant_narrow_ok(&p, &q, filter, bias, eff, depthwise));
    mult[1] = 1 << 30, bias[1] = 0;
    shift[1] = -31;
    mult[0] = INT32_MIN;
    EXPECT_EQ(0, msf_requant_narrow_ok(&p, &q, filter, bias, eff, depthwise));
    mult[0] = 1 << 30;
  }
}

void RunShapeList(const std::vector<ConvShape>& shapes, bool depthwise, uint32_t base_seed,
                  int repeats, int tall_runs = 0) {
  uint32_t seed = base_seed;
  for (const ConvShape& k : shapes) {
    for (int r = 0; r < repeats; ++r, ++seed) {
      SCOPED_TRACE(::testing::Message() << "seed " << seed);
      std::mt19937 rng(seed);
      const ConvSetup s = RandomConvSetup(rng, k, depthwise);
      RunOptions o = DefaultRunOptions(rng, k.Macs(depthwise));
      o.harness = k.Macs(depthwise) <= 60000;
      o.tall_runs = tall_runs;
      RunConvSetup(rng, s, o);
      if (::testing::Test::HasFailure()) return;
    }
  }
}

TEST(FastKernelsConv, DirectedShapes) {
  std::vector<ConvShape> shapes;
  // The 3x3 stride-2 stem over 1-3 input channels (person_detect: 1), SAME
  // on odd and even inputs, and VALID.
  for (int32_t ic = 1; ic <= 3; ++ic) {
    shapes.push_back(MakeShape(16, 16, ic, 8, 3, 3, 2, 2, 1, 1, true));
    shapes.push_back(MakeShape(15, 17, ic, 16, 3, 3, 2, 2, 1, 1, true));
    shapes.push_back(MakeShape(13, 12, ic, 3, 3, 3, 2, 2, 1, 1, false));
  }
  // Pointwise, including the large channel counts and strided 1x1.
  shapes.push_back(MakeShape(3, 5, 64, 64, 1, 1, 1, 1, 1, 1, false));
  shapes.push_back(MakeShape(5, 7, 17, 5, 1, 1, 1, 1, 1, 1, false));
  shapes.push_back(MakeShape(7, 7, 8, 3, 1, 1, 2, 2, 1, 1, false));
  shapes.push_back(MakeShape(1, 1, 64, 17, 1, 1, 1, 1, 1, 1, false));
  shapes.push_back(MakeShape(4, 9, 3, 1, 1, 1, 3, 1, 1, 1, false));
  // kxk SAME with odd output sizes, non-square kernels and dilation.
  shapes.push_back(MakeShape(9, 11, 8, 17, 3, 3, 1, 1, 1, 1, true));
  shapes.push_back(MakeShape(7, 5, 5, 8, 5, 5, 1, 1, 1, 1, true));
  shapes.push_back(MakeShape(6, 6, 3, 5, 7, 7, 1, 1, 1, 1, true));
  shapes.push_back(MakeShape(8, 9, 3, 5, 1, 7, 1, 2, 1, 1, true));
  shapes.push_back(MakeShape(9, 8, 5, 3, 7, 1, 2, 1, 1, 1, true));
  shapes.push_back(MakeShape(11, 10, 3, 3, 2, 5, 1, 1, 3, 2, true));
  shapes.push_back(MakeShape(10, 10, 8, 8, 3, 3, 3, 3, 3, 3, true));
  // Around the size limit of the optimised kernel's tap tables (8).
  shapes.push_back(MakeShape(9, 10, 3, 3, 8, 8, 1, 1, 1, 1, true));
  shapes.push_back(MakeShape(6, 12, 2, 3, 3, 9, 1, 2, 1, 1, true));
  shapes.push_back(MakeShape(12, 6, 2, 3, 9, 3, 2, 1, 1, 1, true));
  // Padding larger than kernel - 1 (rows/cols that see only padding).
  ConvShape big_pad{4, 5, 3, 5, 3, 3, 1, 1, 1, 1, 4, 3, 5, 2, 1};
  shapes.push_back(big_pad);
  ConvShape asym{7, 6, 8, 3, 3, 5, 2, 1, 1, 1, 0, 2, 3, 0, 1};
  shapes.push_back(asym);
  RunShapeList(shapes, false, 20000, 3);
}

TEST(FastKernelsDepthwise, DirectedShapes) {
  std::vector<ConvShape> shapes;
  // person_detect: 1 input channel with depth multiplier 8; 3x3 s1 and s2.
  shapes.push_back(MakeShape(12, 12, 1, 8, 3, 3, 1, 1, 1, 1, true, 8));
  shapes.push_back(MakeShape(13, 12, 1, 8, 3, 3, 2, 2, 1, 1, true, 8));
  for (int32_t c : {1, 3, 5, 8, 17, 64}) {
    shapes.push_back(MakeShape(7, 9, c, c, 3, 3, 1, 1, 1, 1, true));
    shapes.push_back(MakeShape(9, 8, c, c, 3, 3, 2, 2, 1, 1, true));
    shapes.push_back(MakeShape(7, 7, c, 2 * c, 5, 5, 1, 1, 1, 1, true, 2));
    shapes.push_back(MakeShape(8, 7, c, c, 7, 7, 1, 1, 1, 1, true));
  }
  shapes.push_back(MakeShape(6, 5, 8, 64, 3, 3, 1, 1, 1, 1, true, 8));
  shapes.push_back(MakeShape(9, 9, 5, 10, 3, 3, 1, 1, 2, 2, true, 2));
  shapes.push_back(MakeShape(10, 9, 3, 3, 3, 5, 3, 2, 3, 1, true));
  shapes.push_back(MakeShape(9, 9, 17, 17, 1, 1, 1, 1, 1, 1, false));
  shapes.push_back(MakeShape(10, 9, 5, 5, 8, 8, 1, 1, 1, 1, true));
  shapes.push_back(MakeShape(6, 11, 3, 6, 3, 9, 1, 1, 1, 1, true, 2));
  ConvShape big_pad{4, 4, 5, 5, 3, 3, 1, 1, 1, 1, 4, 4, 3, 5, 1};
  shapes.push_back(big_pad);
  RunShapeList(shapes, true, 30000, 2);
}

// Tall rectangles (column-by-column visiting) on the shapes of fused blocks'
// streamed columns: channel counts 1, 3, 5, 8, 17, 64; 3x3 stride 1 and 2
// (stem and depthwise), 1x1, dilation, padding on every side, multipliers.
TEST(FastKernelsConv, TallRects) {
  std::vector<ConvShape> shapes;
  for (int32_t c : {1, 3, 5, 8, 17, 64}) {
    shapes.push_back(MakeShape(11, 6, c, 8, 1, 1, 1, 1, 1, 1, false));
    shapes.push_back(MakeShape(9, 7, c, c == 64 ? 5 : 17, 1, 1, 2, 1, 1, 1, false));
    shapes.push_back(MakeShape(12, 9, c, 16, 3, 3, 2, 2, 1, 1, true));
    shapes.push_back(MakeShape(10, 7, c, 3, 3, 3, 1, 1, 1, 1, true));
  }
  shapes.push_back(MakeShape(11, 9, 3, 5, 3, 3, 1, 1, 2, 2, true));
  shapes.push_back(MakeShape(9, 8, 5, 4, 5, 3, 1, 2, 1, 1, true));
  ConvShape big_pad{6, 5, 3, 5, 3, 3, 1, 1, 1, 1, 4, 3, 5, 2, 1};
  shapes.push_back(big_pad);
  RunShapeList(shapes, false, 40000, 2, 24);
}

TEST(FastKernelsDepthwise, TallRects) {
  std::vector<ConvShape> shapes;
  for (int32_t c : {1, 3, 5, 8, 17, 64}) {
    shapes.push_back(MakeShape(11, 7, c, c, 3, 3, 1, 1, 1, 1, true));
    shapes.push_back(MakeShape(12, 9, c, c, 3, 3, 2, 2, 1, 1, true));
    shapes.push_back(MakeShape(10, 8, c, c, 7, 7, 2, 2, 1, 1, true));
    shapes.push_back(MakeShape(9, 7, c, 2 * c, 5, 5, 1, 1, 1, 1, true, 2));
  }
  shapes.push_back(MakeShape(10, 8, 1, 8, 3, 3, 2, 2, 1, 1, true, 8));
  shapes.push_back(MakeShape(11, 9, 5, 5, 3, 3, 1, 1, 2, 2, true));
  ConvShape big_pad{6, 4, 5, 5, 3, 3, 1, 1, 1, 1, 4, 4, 3, 5, 1};
  shapes.push_back(big_pad);
  RunShapeList(shapes, true, 50000, 2, 24);
}

// Every boundary (multiplier, shift) pair, per channel in one layer and per
// tensor one at a time, with boundary input/output offsets and activations.
// Per channel, the pairs without INT32_MIN (28 channels) keep the fast path;
// with INT32_MIN (35 channels) a kernel may fall back to its reference.
void ExtremeQuantCases(bool depthwise, uint32_t base_seed) {
  std::vector<std::pair<int32_t, int32_t>> fast_combos, all_combos, tensor_combos;
  for (int32_t m : msf_fast_test::kExtremeMultipliers)
    for (int32_t s : msf_fast_test::kExtremeShifts) {
      all_combos.push_back({m, s});
      if (m != INT32_MIN) fast_combos.push_back({m, s});
    }
  tensor_combos = all_combos;
  for (int32_t m : {-1, INT32_MIN + 1})
    for (int32_t s : msf_fast_test::kExtremeShifts) tensor_combos.push_back({m, s});
  const int32_t in_offs[] = {-128, -127, 0, 127, 128};
  const int32_t out_offs[] = {-128, 0, 127};
  uint32_t seed = base_seed;
  auto run = [&](ConvSetup s, std::mt19937& rng, int variant) {
    s.in_off = in_offs[variant % 5];
    s.out_off = out_offs[variant % 3];
    if (variant % 2) {
      s.act_min = std::max(-128, s.out_off);
      s.act_max = std::min(127, s.act_min + 40);
    } else {
      s.act_min = -128;
      s.act_max = 127;
    }
    RunOptions o;
    o.view_runs = 3;
    o.null_eff_bias = false;
    RunConvSetup(rng, s, o);
  };
  for (int variant = 0; variant < 16; ++variant, ++seed) {
    const bool with_min = variant >= 12;
    const auto& combos = with_min ? all_combos : fast_combos;
    const int32_t n = int32_t(combos.size());  // 28 or 35 = 7 * 4 or 7 * 5
    SCOPED_TRACE(::testing::Message() << "per-channel variant " << variant << " seed " << seed);
    std::mt19937 rng(seed);
    const ConvShape k = depthwise ? MakeShape(5, 6, 7, n, 3, 3, 1, 1, 1, 1, true, n / 7)
                                  : MakeShape(5, 6, 3, n, 3, 3, 1, 1, 1, 1, true);
    ConvSetup s = RandomConvSetup(rng, k, depthwise);
    s.q.per_channel = 1;
    s.q.mult.clear();
    s.q.shift.clear();
    for (const auto& [m, sh] : combos) {
      s.q.mult.push_back(m);
      s.q.shift.push_back(sh);
    }
    s.q.desc = std::string(with_min ? "all" : "all but INT32_MIN") +
               " boundary (multiplier, shift) pairs, channel = multiplier index * 7 + shift index";
    run(s, rng, variant);
    if (::testing::Test::HasFailure()) return;
  }
  for (size_t i = 0; i < tensor_combos.size(); ++i, ++seed) {
    SCOPED_TRACE(::testing::Message() << "per-tensor multiplier " << tensor_combos[i].first
                                      << " shift " << tensor_combos[i].second << " seed " << seed);
    std::mt19937 rng(seed);
    const ConvShape k = depthwise ? MakeShape(5, 7, 3, 6, 3, 3, 1, 1, 1, 1, true, 2)
                                  : MakeShape(5, 7, 5, 3, 3, 3, 1, 1, 1, 1, true);
    ConvSetup s = RandomConvSetup(rng, k, depthwise);
    s.q.per_channel = 0;
    s.q.mult.assign(1, tensor_combos[i].first);
    s.q.shift.assign(1, tensor_combos[i].second);
    s.q.desc = "per-tensor boundary pair";
    run(s, rng, int(i));
    if (::testing::Test::HasFailure()) return;
  }
}

TEST(FastKernelsConv, ExtremeQuantisation) { ExtremeQuantCases(false, 40000); }
TEST(FastKernelsDepthwise, ExtremeQuantisation) { ExtremeQuantCases(true, 41000); }

// Accumulators beyond int32: the reference wraps (two's complement), so must
// the fast kernel (and the eff_bias precomputation).
TEST(FastKernelsConv, AccumulatorOverflowWraps) {
  // 7x7 kernel over 1400 channels: 68600 taps of |255 * 128| = 2.2e9 > 2^31.
  // Padding 1: border outputs skip taps, so eff_bias corrections matter.
  const ConvShape k{7, 7, 1400, 3, 7, 7, 1, 1, 1, 1, 1, 1, 1, 1, 1};
  ASSERT_GT(int64_t(49) * 1400 * 255 * 128, int64_t{INT32_MAX});
  for (int variant = 0; variant < 4; ++variant) {
    SCOPED_TRACE(::testing::Message() << "overflow variant " << variant);
    std::mt19937 rng(50000 + variant);
    ConvSetup s;
    s.k = k;
    s.in = Tensor(k.in_h, k.in_w, k.in_c);
    s.filter.resize(s.FilterSize());
    const size_t per_oc = s.FilterSize() / 3;
    for (size_t i = 0; i < s.in.d.size(); ++i)
      s.in.d[i] = variant < 2 ? int8_t{127} : static_cast<int8_t>(Pick(rng, {126, 127}));
    for (size_t i = 0; i < s.filter.size(); ++i) {
      const size_t oc = i / per_oc;
      s.filter[i] = oc == 0   ? int8_t{-128}
                    : oc == 1 ? int8_t{127}
                              : static_cast<int8_t>(Pick(rng, {-128, 127}));
    }
    s.in_off = variant % 2 ? 128 : 127;
    s.out_off = variant % 2 ? -3 : 0;
    s.bias =
        variant == 3 ? std::vector<int32_t>{INT32_MAX, INT32_MIN, 12345} : std::vector<int32_t>{};
    s.q.per_channel = variant % 2;
    s.q.mult = {1 << 30, 1 << 30, INT32_MAX};
    s.q.shift = {-24, -24, -25};  // |acc| / 2^25: a wrapped accumulator stays in range
    s.q.desc = "2^30 >> 24";
    s.data_desc = variant < 2 ? "all 127" : "126/127";
    s.filter_desc = "oc0 -128, oc1 127, oc2 random extremes";
    s.bias_desc = variant == 3 ? "{INT32_MAX, INT32_MIN, 12345}" : "NULL";
    RunOptions o;
    o.view_runs = 2;
    o.null_eff_bias = false;
    RunConvSetup(rng, s, o);
    if (::testing::Test::HasFailure()) return;
  }
}

TEST(FastKernelsDepthwise, BiasOverflowWraps) {
  // Depthwise accumulators are short; extreme biases and offsets push them over.
  for (int variant = 0; variant < 6; ++variant) {
    SCOPED_TRACE(::testing::Message() << "variant " << variant);
    std::mt19937 rng(51000 + variant);
    const ConvShape k =
        MakeShape(7, 6, 5, variant < 3 ? 5 : 10, 5, 5, 1, 1, 1, 1, true, variant < 3 ? 1 : 2);
    ConvSetup s = RandomConvSetup(rng, k, true);
    for (auto& v : s.in.d) v = static_cast<int8_t>(Pick(rng, {-128, 127}));
    for (auto& v : s.filter) v = static_cast<int8_t>(Pick(rng, {-128, 127}));
    s.in_off = Pick(rng, {-128, 128});
    s.bias.assign(size_t(k.out_c), 0);
    for (auto& b : s.bias)
      b = Pick(rng, {INT32_MAX, INT32_MIN, INT32_MAX - 1000, INT32_MIN + 1000});
    s.bias_desc = "int32 boundaries";
    s.q.per_channel = 0;
    s.q.mult = {1 << 30};
    s.q.shift = {-25};
    s.q.desc = "2^30 >> 25";
    s.act_min = -128;
    s.act_max = 127;
    RunOptions o;
    o.view_runs = 4;
    o.harness = true;
    RunConvSetup(rng, s, o);
    if (::testing::Test::HasFailure()) return;
  }
}

// ---- invalid arguments ---------------------------------------------------------------

// One call of a conv-like kernel with every argument replaceable.
struct ConvCall {
  msf_conv_params p{};
  std::vector<int32_t> mult, shift;
  msf_requant q{};
  msf_view in{}, out{};
  msf_rect r{};
  const int8_t* filter = nullptr;
  const int32_t* bias = nullptr;
  bool null_p = false, null_q = false, null_in = false, null_out = false, null_r = false;
  bool null_mult = false, null_shift = false;
};

// kCell: the patch loop's split, the layer checked once (_layer_ok) and the
// call by the _cell entry; it must accept and refuse exactly as the others.
enum class Which { kRef, kFast, kFastNullEff, kCell };

msf_status CallConv(const ConvCall& c0, bool depthwise, Which which, const int32_t* eff,
                    std::vector<int8_t>* out_storage) {
  ConvCall c = c0;
  c.q.multiplier = c.null_mult ? nullptr : c.mult.data();
  c.q.shift = c.null_shift ? nullptr : c.shift.data();
  if (c.out.data) c.out.data = out_storage->data();
  const msf_conv_params* p = c.null_p ? nullptr : &c.p;
  const msf_requant* q = c.null_q ? nullptr : &c.q;
  const msf_view* in = c.null_in ? nullptr : &c.in;
  msf_view* out = c.null_out ? nullptr : &c.out;
  const msf_rect* r = c.null_r ? nullptr : &c.r;
  if (which == Which::kFastNullEff) eff = nullptr;
  if (which == Which::kCell) {
    if (depthwise) {
      if (!msf_depthwise_conv_s8_layer_ok(p, q, c.filter)) return MSF_ARG_ERROR;
      return msf_depthwise_conv_s8_cell(p, q, in, c.filter, c.bias, eff, r, out);
    }
    if (!msf_conv_s8_layer_ok(p, q, c.filter)) return MSF_ARG_ERROR;
    return msf_conv_s8_cell(p, q, in, c.filter, c.bias, eff, r, out);
  }
  if (depthwise)
    return which == Which::kRef ? msf_depthwise_conv_s8_ref(p, q, in, c.filter, c.bias, r, out)
                                : msf_depthwise_conv_s8(p, q, in, c.filter, c.bias, eff, r, out);
  return which == Which::kRef ? msf_conv_s8_ref(p, q, in, c.filter, c.bias, r, out)
                              : msf_conv_s8(p, q, in, c.filter, c.bias, eff, r, out);
}

void ConvErrorPaths(bool depthwise) {
  // 6x6x3 input, 3x3 SAME, stride 1; depthwise: multiplier 2 (out_c 6).
  std::mt19937 rng(depthwise ? 61 : 60);
  const int32_t in_c = 3, out_c = depthwise ? 6 : 4;
  Tensor in = msf_test::RandomTensor(rng, 6, 6, in_c);
  // Generous storage: mutated views must never make a kernel leave it.
  std::vector<int8_t> in_store(in.d.size() * 4, 0);
  std::copy(in.d.begin(), in.d.end(), in_store.begin());
  const std::vector<int8_t> out_init = msf_test::RandomInt8(rng, size_t(6 * 6 * out_c) * 4);
  const std::vector<int8_t> filter = msf_test::RandomInt8(
      rng, depthwise ? size_t(9 * out_c) : size_t(out_c * 9 * in_c), -127, 127);
  std::vector<int32_t> bias(static_cast<size_t>(out_c));
  for (auto& b : bias) b = Uniform(rng, -1000, 1000);

  ConvCall base;
  base.p = msf_conv_params{6, 6,  in_c, out_c, 3, 3, 1, 1, 1, 1, 1, 1, depthwise ? 2 : 1,
                           5, -3, -128, 127, nullptr};
  base.mult.assign(size_t(out_c), 1 << 30);
  base.shift.assign(size_t(out_c), -8);
  base.q = msf_requant{nullptr, nullptr, 1, 0};
  base.in = msf_view{in_store.data(), 1, 0, 4, 6, in_c, 0, 0};  // rows 1..4
  base.out = msf_view{const_cast<int8_t*>(out_init.data()), 0, 0, 6, 6, out_c, 0, 0};
  base.r = msf_rect{2, 0, 2, 6};  // reads input rows 1..4
  base.filter = filter.data();
  base.bias = bias.data();
  // eff_bias belongs to (params, filter, bias): one for the bias, one for NULL.
  std::vector<int32_t> eff(static_cast<size_t>(out_c)), eff_no_bias(eff.size());
  if (depthwise) {
    msf_depthwise_conv_s8_eff_bias(&base.p, filter.data(), bias.data(), eff.data());
    msf_depthwise_conv_s8_eff_bias(&base.p, filter.data(), nullptr, eff_no_bias.data());
  } else {
    msf_conv_s8_eff_bias(&base.p, filter.data(), bias.data(), eff.data());
    msf_conv_s8_eff_bias(&base.p, filter.data(), nullptr, eff_no_bias.data());
  }

  struct Mutation {
    const char* name;
    msf_status expect;
    std::function<void(ConvCall&)> apply;
  };
  const msf_status OK = MSF_OK, ERR = MSF_ARG_ERROR;
  std::vector<Mutation> muts = {
      {"baseline", OK, [](ConvCall&) {}},
      {"bias NULL", OK, [](ConvCall& c) { c.bias = nullptr; }},
      {"per-tensor", OK, [](ConvCall& c) { c.q.per_channel = 0; }},
      {"params NULL", ERR, [](ConvCall& c) { c.null_p = true; }},
      {"requant NULL", ERR, [](ConvCall& c) { c.null_q = true; }},
      {"multiplier NULL", ERR, [](ConvCall& c) { c.null_mult = true; }},
      {"shift NULL", ERR, [](ConvCall& c) { c.null_shift = true; }},
      {"filter NULL", ERR, [](ConvCall& c) { c.filter = nullptr; }},
      {"input view NULL", ERR, [](ConvCall& c) { c.null_in = true; }},
      {"input data NULL", ERR, [](ConvCall& c) { c.in.data = nullptr; }},
      {"input h 0", ERR, [](ConvCall& c) { c.in.h = 0; }},
      {"input w -1", ERR, [](ConvCall& c) { c.in.w = -1; }},
      {"input c 0", ERR, [](ConvCall& c) { c.in.c = 0; }},
      {"input c != in_c", ERR, [](ConvCall& c) { c.in.c += 1; }},
      {"output view NULL", ERR, [](ConvCall& c) { c.null_out = true; }},
      {"output data NULL", ERR, [](ConvCall& c) { c.out.data = nullptr; }},
      {"output h 0", ERR, [](ConvCall& c) { c.out.h = 0; }},
      {"output c != out_c", ERR, [](ConvCall& c) { c.out.c += 1; }},
      {"rect NULL", ERR, [](ConvCall& c) { c.null_r = true; }},
      {"rect h -1", ERR, [](ConvCall& c) { c.r.h = -1; }},
      {"rect w -1", ERR, [](ConvCall& c) { c.r.w = -1; }},
      {"rect below the output view", ERR, [](ConvCall& c) { c.r.y0 = 5; }},
      {"rect left of the output view", ERR, [](ConvCall& c) { c.r.x0 = -1; }},
      {"rect wider than the output tile", ERR,
       [](ConvCall& c) {
         c.out.x0 = 1;
         c.out.w = 5;
       }},
      {"output ring too small", ERR,
       [](ConvCall& c) {
         c.out.ring_y = 1;
         c.out.h = 1;
       }},
      {"output ring exact", OK,
       [](ConvCall& c) {
         c.out.ring_y = 1;
         c.out.h = 2;
       }},
      {"rect h 0 (input not covering)", OK,
       [](ConvCall& c) {
         c.r.h = 0;
         c.in.y0 = 50;
       }},
      {"rect w 0", OK, [](ConvCall& c) { c.r.w = 0; }},
      {"stride_h 0", ERR, [](ConvCall& c) { c.p.stride_h = 0; }},
      {"stride_w -1", ERR, [](ConvCall& c) { c.p.stride_w = -1; }},
      {"dilation_h 0", ERR, [](ConvCall& c) { c.p.dilation_h = 0; }},
      {"dilation_w -1", ERR, [](ConvCall& c) { c.p.dilation_w = -1; }},
      {"kernel_h 0", ERR, [](ConvCall& c) { c.p.kernel_h = 0; }},
      {"kernel_w 0", ERR, [](ConvCall& c) { c.p.kernel_w = 0; }},
      {"in_c 0", ERR, [](ConvCall& c) { c.p.in_c = 0; }},
      {"out_c 0", ERR, [](ConvCall& c) { c.p.out_c = 0; }},
      {"input view misses row 1", ERR,
       [](ConvCall& c) {
         c.in.y0 = 2;
         c.in.h = 3;
       }},
      {"input view misses row 4", ERR, [](ConvCall& c) { c.in.h = 3; }},
      {"input ring too small", ERR,
       [](ConvCall& c) {
         c.in.ring_y = 1;
         c.in.y0 = 0;
         c.in.h = 3;
       }},
      {"input ring exact", OK,
       [](ConvCall& c) {
         c.in.ring_y = 1;
         c.in.y0 = 0;
         c.in.h = 4;
       }},
      {"input view misses col 0", ERR,
       [](ConvCall& c) {
         c.in.x0 = 1;
         c.in.w = 5;
       }},
      {"input col ring too small", ERR,
       [](ConvCall& c) {
         c.in.ring_x = 1;
         c.in.w = 5;
       }},
      {"input col ring exact", OK,
       [](ConvCall& c) {
         c.in.ring_x = 1;
         c.in.w = 6;
       }},
  };
  if (depthwise) {
    muts.push_back({"depth_multiplier 0", ERR, [](ConvCall& c) { c.p.depth_multiplier = 0; }});
    muts.push_back(
        {"out_c != in_c * multiplier", ERR, [](ConvCall& c) { c.p.depth_multiplier = 1; }});
  }
  for (const Mutation& m : muts) {
    SCOPED_TRACE(m.name);
    ConvCall c = base;
    m.apply(c);
    std::vector<int8_t> o_ref = out_init, o_fast = out_init, o_null = out_init, o_cell = out_init;
    const int32_t* e = c.bias ? eff.data() : eff_no_bias.data();
    const msf_status sr = CallConv(c, depthwise, Which::kRef, e, &o_ref);
    const msf_status sf = CallConv(c, depthwise, Which::kFast, e, &o_fast);
    const msf_status sn = CallConv(c, depthwise, Which::kFastNullEff, e, &o_null);
    const msf_status sc = CallConv(c, depthwise, Which::kCell, e, &o_cell);
    EXPECT_EQ(m.expect, sr) << "reference (test expectation)";
    EXPECT_EQ(sr, sf) << "fast kernel with eff_bias";
    EXPECT_EQ(sr, sn) << "fast kernel with eff_bias NULL";
    EXPECT_EQ(sr, sc) << "layer check + cell entry";
    if (sr == MSF_OK && sf == MSF_OK) {
      EXPECT_TRUE(o_ref == o_fast) << "output bytes differ";
      EXPECT_TRUE(o_ref == o_null) << "output bytes differ (eff_bias NULL)";
      EXPECT_TRUE(o_ref == o_cell) << "output bytes differ (cell entry)";
    }
    EXPECT_TRUE(std::equal(in.d.begin(), in.d.end(), in_store.begin())) << "input modified";
  }
}

TEST(FastKernelsConv, ErrorPaths) { ConvErrorPaths(false); }
TEST(FastKernelsDepthwise, ErrorPaths) { ConvErrorPaths(true); }

// ============================== AVG / MAX POOL =====================================

msf_pool_params PoolParams(int32_t in_h, int32_t in_w, int32_t c, int32_t fh, int32_t fw,
                           int32_t sh, int32_t sw, int32_t pt, int32_t pl, int32_t lo, int32_t hi) {
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

std::string PoolStr(const msf_pool_params& p, int32_t oh, int32_t ow, int32_t pb, int32_t pr) {
  std::ostringstream s;
  s << "in " << p.in_h << "x" << p.in_w << "x" << p.c << " -> out " << oh << "x" << ow
    << ", filter " << p.filter_h << "x" << p.filter_w << " stride " << p.stride_h << ","
    << p.stride_w << " pad t/b/l/r " << p.pad_top << "/" << pb << "/" << p.pad_left << "/" << pr
    << " act [" << p.act_min << "," << p.act_max << "]";
  return s.str();
}

void RandomPoolCases(bool avg, uint32_t base_seed, int cases) {
  for (int i = 0; i < cases; ++i) {
    const uint32_t seed = base_seed + uint32_t(i);
    std::mt19937 rng(seed);
    const int32_t c = RandomChannels(rng);
    // Filters up to 7x7; a few 8 and 9 (around a kernel's row-table limit).
    const int32_t fmax = Chance(rng, 0.06) ? 9 : 7;
    const int32_t fh = Uniform(rng, 1, fmax), fw = Chance(rng, 0.5) ? fh : Uniform(rng, 1, fmax);
    const int32_t sh = Uniform(rng, 1, 3), sw = Chance(rng, 0.5) ? sh : Uniform(rng, 1, 3);
    // Mostly TFLite-like padding (< filter); sometimes >= filter: windows
    // that hold only padding (avg: an error, max: -128).
    const bool big = Chance(rng, 0.15);
    auto pad = [&](int32_t f) { return Uniform(rng, 0, big ? f + 1 : f - 1); };
    const int32_t pt = pad(fh), pb = pad(fh), pl = pad(fw), pr = pad(fw);
    const int32_t in_h = std::max(1, fh - pt - pb) + Uniform(rng, 0, 9);
    const int32_t in_w = std::max(1, fw - pl - pr) + Uniform(rng, 0, 9);
    int32_t lo = -128, hi = 127;
    if (Chance(rng, 0.4)) msf_fast_test::RandomActivation(rng, Uniform(rng, -128, 127), &lo, &hi);
    const msf_pool_params p = PoolParams(in_h, in_w, c, fh, fw, sh, sw, pt, pl, lo, hi);
    const int32_t oh = OutSize(in_h, pt, pb, fh, sh), ow = OutSize(in_w, pl, pr, fw, sw);
    std::string data_desc;
    Tensor in(in_h, in_w, c);
    in.d = msf_fast_test::RandomData(rng, in.d.size(), &data_desc);
    SCOPED_TRACE(::testing::Message()
                 << (avg ? "AVGPOOL " : "MAXPOOL ") << PoolStr(p, oh, ow, pb, pr) << "; data "
                 << data_desc << "; case " << i << " seed " << seed);
    const KernelFn ref = [&](const msf_view* v, const msf_rect* r, msf_view* o) {
      return avg ? msf_avgpool_s8_ref(&p, v, r, o) : msf_maxpool_s8_ref(&p, v, r, o);
    };
    const KernelFn fast = [&](const msf_view* v, const msf_rect* r, msf_view* o) {
      return avg ? msf_avgpool_s8(&p, v, r, o) : msf_maxpool_s8(&p, v, r, o);
    };
    const Axis ay{in_h, oh, sh, pt, fh}, ax{in_w, ow, sw, pl, fw};
    // Windows of only padding make AVERAGE_POOL fail (in both kernels).
    const bool may_fail = avg && (pt >= fh || pb >= fh || pl >= fw || pr >= fw);
    CompareOnRandomViews(rng, in, WindowGeom{ay, ax, c}, ref, fast, 8, !may_fail);
    if (::testing::Test::HasFailure()) return;
    if (!may_fail && Chance(rng, 0.4)) {
      const int32_t th = Pick(rng, {1, 2, 3}), tw = Pick(rng, {1, 5, 2});
      msf_test::CheckTilingEquivalence(in, ay, ax, c, msf_fast_test::DualRun(ref, fast), th, tw,
                                       fh + Uniform(rng, 0, 1), fw + Uniform(rng, 0, 1));
      if (::testing::Test::HasFailure()) return;
    }
  }
}

TEST(FastKernelsPool, RandomAvgPool) { RandomPoolCases(true, 70000, 250); }
TEST(FastKernelsPool, RandomMaxPool) { RandomPoolCases(false, 80000, 250); }

TEST(FastKernelsPool, ErrorPaths) {
  std::mt19937 rng(90);
  Tensor in = msf_test::RandomTensor(rng, 6, 6, 3);
  std::vector<int8_t> in_store(in.d.size() * 4, 0);
  std::copy(in.d.begin(), in.d.end(), in_store.begin());
  const std::vector<int8_t> out_init = msf_test::RandomInt8(rng, 6 * 6 * 3 * 4);
  struct Call {
    msf_pool_params p;
    msf_view in, out;
    msf_rect r;
    bool null_p = false, null_in = false, null_out = false, null_r = false;
  };
  Call base{PoolParams(6, 6, 3, 3, 3, 1, 1, 1, 1, -128, 127),
            msf_view{in_store.data(), 1, 0, 4, 6, 3, 0, 0},
            msf_view{const_cast<int8_t*>(out_init.data()), 0, 0, 6, 6, 3, 0, 0},
            msf_rect{2, 0, 2, 6}};
  const msf_status OK = MSF_OK, ERR = MSF_ARG_ERROR;
  struct Mutation {
    const char* name;
    msf_status expect_avg, expect_max;
    std::function<void(Call&)> apply;
  };
  const std::vector<Mutation> muts = {
      {"baseline", OK, OK, [](Call&) {}},
      {"params NULL", ERR, ERR, [](Call& c) { c.null_p = true; }},
      {"input NULL", ERR, ERR, [](Call& c) { c.null_in = true; }},
      {"input data NULL", ERR, ERR, [](Call& c) { c.in.data = nullptr; }},
      {"input h 0", ERR, ERR, [](Call& c) { c.in.h = 0; }},
      {"input c != c", ERR, ERR, [](Call& c) { c.in.c = 2; }},
      {"output NULL", ERR, ERR, [](Call& c) { c.null_out = true; }},
      {"output data NULL", ERR, ERR, [](Call& c) { c.out.data = nullptr; }},
      {"output c != c", ERR, ERR, [](Call& c) { c.out.c = 4; }},
      {"rect NULL", ERR, ERR, [](Call& c) { c.null_r = true; }},
      {"rect h -1", ERR, ERR, [](Call& c) { c.r.h = -1; }},
      {"rect below the output", ERR, ERR, [](Call& c) { c.r.y0 = 5; }},
      {"rect h 0", OK, OK,
       [](Call& c) {
         c.r.h = 0;
         c.in.y0 = 40;
       }},
      {"stride 0", ERR, ERR, [](Call& c) { c.p.stride_w = 0; }},
      {"filter 0", ERR, ERR, [](Call& c) { c.p.filter_h = 0; }},
      {"c 0", ERR, ERR, [](Call& c) { c.p.c = 0; }},
      {"input misses row 1", ERR, ERR,
       [](Call& c) {
         c.in.y0 = 2;
         c.in.h = 3;
       }},
      {"input ring too small", ERR, ERR,
       [](Call& c) {
         c.in.ring_y = 1;
         c.in.h = 3;
       }},
      {"input ring exact", OK, OK,
       [](Call& c) {
         c.in.ring_y = 1;
         c.in.h = 4;
       }},
      {"input misses col 5", ERR, ERR, [](Call& c) { c.in.w = 5; }},
      {"input col ring too small", ERR, ERR,
       [](Call& c) {
         c.in.ring_x = 1;
         c.in.w = 5;
       }},
      {"output ring too small", ERR, ERR,
       [](Call& c) {
         c.out.ring_y = 1;
         c.out.h = 1;
       }},
      // pad 4 with a 3x3 filter: output row 0 sees only padding.
      {"window of only padding", ERR, OK,
       [](Call& c) {
         c.p.pad_top = 4;
         c.r = msf_rect{0, 0, 1, 6};
         c.in.y0 = 0;
       }},
  };
  for (bool avg : {true, false}) {
    for (const Mutation& m : muts) {
      SCOPED_TRACE(::testing::Message() << (avg ? "avg " : "max ") << m.name);
      Call c = base;
      m.apply(c);
      std::vector<int8_t> o_ref = out_init, o_fast = out_init;
      auto call = [&](bool fast, std::vector<int8_t>* store) {
        Call k = c;
        if (k.out.data) k.out.data = store->data();
        const msf_pool_params* p = k.null_p ? nullptr : &k.p;
        const msf_view* iv = k.null_in ? nullptr : &k.in;
        msf_view* ov = k.null_out ? nullptr : &k.out;
        const msf_rect* r = k.null_r ? nullptr : &k.r;
        if (avg) return fast ? msf_avgpool_s8(p, iv, r, ov) : msf_avgpool_s8_ref(p, iv, r, ov);
        return fast ? msf_maxpool_s8(p, iv, r, ov) : msf_maxpool_s8_ref(p, iv, r, ov);
      };
      const msf_status sr = call(false, &o_ref), sf = call(true, &o_fast);
      EXPECT_EQ(avg ? m.expect_avg : m.expect_max, sr) << "reference (test expectation)";
      EXPECT_EQ(sr, sf);
      if (sr == MSF_OK && sf == MSF_OK) {
        EXPECT_TRUE(o_ref == o_fast) << "output bytes differ";
      }
    }
  }
}

// ==================================== ADD ==========================================

std::string AddStr(const msf_add_params& p) {
  std::ostringstream s;
  s << "offsets in1 " << p.input1_offset << " in2 " << p.input2_offset << " out " << p.output_offset
    << "; left_shift " << p.left_shift << "; in1 (" << p.input1_multiplier << "," << p.input1_shift
    << ") in2 (" << p.input2_multiplier << "," << p.input2_shift << ") out (" << p.output_multiplier
    << "," << p.output_shift << "); act [" << p.act_min << "," << p.act_max << "]";
  return s.str();
}

// Whole-tensor call plus random rects on random views for in1, in2 and out.
void RunAddCase(std::mt19937& rng, const msf_add_params& p, int32_t h, int32_t w, int32_t c,
                int runs) {
  std::string da, db;
  Tensor a(h, w, c), b(h, w, c);
  a.d = msf_fast_test::RandomData(rng, a.d.size(), &da);
  b.d = msf_fast_test::RandomData(rng, b.d.size(), &db);
  SCOPED_TRACE(::testing::Message() << "ADD " << h << "x" << w << "x" << c << "; " << AddStr(p)
                                    << "; data " << da << " / " << db);
  for (int i = 0; i <= runs; ++i) {
    msf_rect r{0, 0, h, w};
    msf_fast_test::ViewStore v1, v2, vo;
    int m[6] = {0, 0, 0, 0, 0, 0};
    if (i > 0) {
      r = msf_fast_test::RandomRect(rng, h, w);
      for (int& x : m) x = Uniform(rng, 0, msf_fast_test::kNumAxisModes - 1);
    }
    const int32_t y1 = r.y0 + r.h - 1, x1 = r.x0 + r.w - 1;
    using msf_fast_test::MakeAxis;
    msf_fast_test::BuildInputView(rng, a, MakeAxis(rng, m[0], r.y0, y1, h), r.y0, y1,
                                  MakeAxis(rng, m[1], r.x0, x1, w), r.x0, x1, &v1);
    msf_fast_test::BuildInputView(rng, b, MakeAxis(rng, m[2], r.y0, y1, h), r.y0, y1,
                                  MakeAxis(rng, m[3], r.x0, x1, w), r.x0, x1, &v2);
    msf_fast_test::BuildOutputView(rng, MakeAxis(rng, m[4], r.y0, y1, h),
                                   MakeAxis(rng, m[5], r.x0, x1, w), c, &vo);
    const std::vector<int8_t> in2_before = v2.buf;
    const msf_view in2 = v2.v;
    const KernelFn ref = [&](const msf_view* v, const msf_rect* rr, msf_view* o) {
      return msf_add_s8_ref(&p, v, &in2, rr, o);
    };
    const KernelFn fast = [&](const msf_view* v, const msf_rect* rr, msf_view* o) {
      return msf_add_s8(&p, v, &in2, rr, o);
    };
    msf_status st = MSF_ARG_ERROR;
    const auto res = SameOnViews(ref, fast, v1.v, r, vo.v, &st);
    ASSERT_TRUE(res) << "run " << i << " in2 " << Str(in2);
    ASSERT_EQ(MSF_OK, st) << "reference rejected run " << i << " (test bug)";
    ASSERT_TRUE(in2_before == v2.buf) << "fast kernel modified in2";
  }
}

TEST(FastKernelsAdd, RandomTfliteParams) {
  for (int i = 0; i < 300; ++i) {
    const uint32_t seed = 100000 + uint32_t(i);
    SCOPED_TRACE(::testing::Message() << "case " << i << " seed " << seed);
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> log_scale(std::log(1e-3), std::log(1.0));
    const float s1 = float(std::exp(log_scale(rng))), s2 = float(std::exp(log_scale(rng)));
    const float so = float(std::exp(log_scale(rng)));
    const int32_t zo = msf_fast_test::RandomOutputOffset(rng);
    int32_t lo, hi;
    msf_fast_test::RandomActivation(rng, zo, &lo, &hi);
    const msf_add_params p =
        msf::lower::MakeAddParams(s1, Uniform(rng, -128, 127), Chance(rng, 0.2) ? s1 : s2,
                                  Uniform(rng, -128, 127), so, zo, lo, hi);
    RunAddCase(rng, p, Uniform(rng, 1, 9), Uniform(rng, 1, 9), RandomChannels(rng), 5);
    if (::testing::Test::HasFailure()) return;
  }
}

// Parameters no TFLite model produces but the reference accepts: any
// multiplier, shifts in [-31, 31], left_shift in [0, 31].
TEST(FastKernelsAdd, ExtremeParams) {
  for (int i = 0; i < 120; ++i) {
    const uint32_t seed = 110000 + uint32_t(i);
    SCOPED_TRACE(::testing::Message() << "case " << i << " seed " << seed);
    std::mt19937 rng(seed);
    auto mult = [&] {
      return Chance(rng, 0.5) ? msf_fast_test::kExtremeMultipliers[Uniform(rng, 0, 4)]
                              : Uniform(rng, INT32_MIN, INT32_MAX);
    };
    auto shift = [&] {
      return Chance(rng, 0.5) ? msf_fast_test::kExtremeShifts[Uniform(rng, 0, 6)]
                              : Uniform(rng, -31, 31);
    };
    msf_add_params p{};
    p.input1_offset = msf_fast_test::RandomInputOffset(rng);
    p.input2_offset = msf_fast_test::RandomInputOffset(rng);
    p.output_offset = msf_fast_test::RandomOutputOffset(rng);
    p.left_shift = Chance(rng, 0.5) ? 20 : Pick(rng, {0, 1, 15, 23, 24, 30, 31});
    p.input1_multiplier = mult();
    p.input1_shift = shift();
    p.input2_multiplier = mult();
    p.input2_shift = shift();
    p.output_multiplier = mult();
    p.output_shift = shift();
    msf_fast_test::RandomActivation(rng, p.output_offset, &p.act_min, &p.act_max);
    RunAddCase(rng, p, Uniform(rng, 1, 5), Uniform(rng, 1, 5), RandomChannels(rng), 2);
    if (::testing::Test::HasFailure()) return;
  }
}

TEST(FastKernelsAdd, ErrorPaths) {
  std::mt19937 rng(91);
  Tensor a = msf_test::RandomTensor(rng, 4, 5, 3), b = msf_test::RandomTensor(rng, 4, 5, 3);
  const std::vector<int8_t> out_init = msf_test::RandomInt8(rng, 4 * 5 * 3 * 4);
  struct Call {
    msf_add_params p;
    msf_view in1, in2, out;
    msf_rect r;
    bool null_p = false, null_in1 = false, null_in2 = false, null_out = false, null_r = false;
  };
  Call base{msf::lower::MakeAddParams(0.05f, 3, 0.02f, -7, 0.06f, 1, -128, 127), WholeView(a),
            WholeView(b), msf_view{const_cast<int8_t*>(out_init.data()), 0, 0, 4, 5, 3, 0, 0},
            msf_rect{1, 1, 2, 3}};
  const msf_status OK = MSF_OK, ERR = MSF_ARG_ERROR;
  struct Mutation {
    const char* name;
    msf_status expect;
    std::function<void(Call&)> apply;
  };
  const std::vector<Mutation> muts = {
      {"baseline", OK, [](Call&) {}},
      {"params NULL", ERR, [](Call& c) { c.null_p = true; }},
      {"in1 NULL", ERR, [](Call& c) { c.null_in1 = true; }},
      {"in2 NULL", ERR, [](Call& c) { c.null_in2 = true; }},
      {"out NULL", ERR, [](Call& c) { c.null_out = true; }},
      {"rect NULL", ERR, [](Call& c) { c.null_r = true; }},
      {"in1 data NULL", ERR, [](Call& c) { c.in1.data = nullptr; }},
      {"in2 w 0", ERR, [](Call& c) { c.in2.w = 0; }},
      {"out data NULL", ERR, [](Call& c) { c.out.data = nullptr; }},
      {"in1 c != out c", ERR, [](Call& c) { c.in1.c = 2; }},
      {"in2 c != out c", ERR, [](Call& c) { c.in2.c = 2; }},
      {"left_shift -1", ERR, [](Call& c) { c.p.left_shift = -1; }},
      {"left_shift 32", ERR, [](Call& c) { c.p.left_shift = 32; }},
      {"left_shift 31", OK, [](Call& c) { c.p.left_shift = 31; }},
      {"rect h -1", ERR, [](Call& c) { c.r.h = -1; }},
      {"rect beyond the output", ERR, [](Call& c) { c.r.x0 = 3; }},
      {"rect h 0 (inputs not covering)", OK,
       [](Call& c) {
         c.r.h = 0;
         c.in1.y0 = 9;
       }},
      {"in1 tile misses the rect", ERR,
       [](Call& c) {
         c.in1.y0 = 2;
         c.in1.h = 2;
       }},
      {"in2 ring too small", ERR,
       [](Call& c) {
         c.in2.ring_x = 1;
         c.in2.w = 2;
       }},
      {"in2 ring exact", OK,
       [](Call& c) {
         c.in2.ring_x = 1;
         c.in2.w = 3;
       }},
      {"out ring too small", ERR,
       [](Call& c) {
         c.out.ring_y = 1;
         c.out.h = 1;
       }},
  };
  for (const Mutation& m : muts) {
    SCOPED_TRACE(m.name);
    Call c = base;
    m.apply(c);
    std::vector<int8_t> o_ref = out_init, o_fast = out_init;
    auto call = [&](bool fast, std::vector<int8_t>* store) {
      Call k = c;
      if (k.out.data) k.out.data = store->data();
      const msf_add_params* p = k.null_p ? nullptr : &k.p;
      const msf_view* i1 = k.null_in1 ? nullptr : &k.in1;
      const msf_view* i2 = k.null_in2 ? nullptr : &k.in2;
      msf_view* o = k.null_out ? nullptr : &k.out;
      const msf_rect* r = k.null_r ? nullptr : &k.r;
      return fast ? msf_add_s8(p, i1, i2, r, o) : msf_add_s8_ref(p, i1, i2, r, o);
    };
    const msf_status sr = call(false, &o_ref), sf = call(true, &o_fast);
    EXPECT_EQ(m.expect, sr) << "reference (test expectation)";
    EXPECT_EQ(sr, sf);
    if (sr == MSF_OK && sf == MSF_OK) {
      EXPECT_TRUE(o_ref == o_fast) << "output bytes differ";
    }
  }
}

// ============================== FULLY_CONNECTED ====================================

struct FcCase {
  msf_fc_params p{};
  std::vector<int8_t> in, filter;
  std::vector<int32_t> bias;  // empty: NULL
  Quant q;
  std::string desc;
};

void CompareFc(const FcCase& k) {
  SCOPED_TRACE(k.desc);
  const msf_requant q = k.q.Get();
  const int32_t* b = k.bias.empty() ? nullptr : k.bias.data();
  // Guard bytes after the outputs catch writes past out_features.
  std::vector<int8_t> o_ref(size_t(k.p.out_features) + 16, 0x5b), o_fast = o_ref;
  const std::vector<int8_t> in_before = k.in;
  // in_features 0: empty vectors, but the pointers must not be NULL.
  const int8_t dummy = 0;
  const int8_t* in = k.in.empty() ? &dummy : k.in.data();
  const int8_t* w = k.filter.empty() ? &dummy : k.filter.data();
  const msf_status sr = msf_fully_connected_s8_ref(&k.p, &q, in, w, b, o_ref.data());
  const msf_status sf = msf_fully_connected_s8(&k.p, &q, in, w, b, o_fast.data());
  ASSERT_EQ(MSF_OK, sr) << "reference rejected the case (test bug)";
  ASSERT_EQ(sr, sf);
  for (size_t i = 0; i < o_ref.size(); ++i)
    ASSERT_EQ(int(o_ref[i]), int(o_fast[i]))
        << (i < size_t(k.p.out_features) ? "output " : "guard byte (write past the end) ") << i
        << (i < size_t(k.p.out_features) && k.q.per_channel
                ? " multiplier " + std::to_string(k.q.mult[i]) + " shift " +
                      std::to_string(k.q.shift[i])
                : std::string());
  ASSERT_TRUE(in_before == k.in);
}

FcCase RandomFcCase(std::mt19937& rng, bool per_channel, bool filter_offset) {
  FcCase k;
  const int32_t nin = Chance(rng, 0.7)
                          ? Pick(rng, {0,  1,  2,  3,  4,  5,  7,   8,   9,   15,  16,  17,
                                       31, 32, 33, 63, 64, 65, 100, 127, 128, 255, 256, 300})
                          : Uniform(rng, 1, 400);
  const int32_t nout =
      Chance(rng, 0.5) ? Pick(rng, {1, 2, 3, 4, 5, 7, 8, 10, 17}) : Uniform(rng, 1, 40);
  std::string dd, fd, bd;
  k.in = msf_fast_test::RandomData(rng, size_t(nin), &dd);
  k.filter = msf_fast_test::RandomFilter(rng, size_t(nin) * nout, &fd);
  const double acc_std = std::sqrt(double(std::max(nin, 1))) * 147.0 * 147.0;
  k.bias = msf_fast_test::RandomBias(rng, nout, acc_std, &bd);
  k.q = msf_fast_test::RandomQuant(rng, nout, acc_std, per_channel ? 1 : 0);
  k.p.in_features = nin;
  k.p.out_features = nout;
  k.p.input_offset = msf_fast_test::RandomInputOffset(rng);
  k.p.filter_offset = filter_offset ? (Chance(rng, 0.3) ? Pick(rng, {-128, -127, 1, 127, 128})
                                                        : Uniform(rng, -128, 128))
                                    : 0;
  k.p.output_offset = msf_fast_test::RandomOutputOffset(rng);
  msf_fast_test::RandomActivation(rng, k.p.output_offset, &k.p.act_min, &k.p.act_max);
  std::ostringstream s;
  s << "FC " << nin << " -> " << nout << "; input_offset " << k.p.input_offset << " filter_offset "
    << k.p.filter_offset << " output_offset " << k.p.output_offset << " act [" << k.p.act_min << ","
    << k.p.act_max << "]; quant " << k.q.desc << "; bias " << bd << "; data " << dd << "; filter "
    << fd;
  k.desc = s.str();
  return k;
}

TEST(FastKernelsFullyConnected, PerTensorWithFilterOffset) {
  for (int i = 0; i < 300; ++i) {
    const uint32_t seed = 120000 + uint32_t(i);
    SCOPED_TRACE(::testing::Message() << "case " << i << " seed " << seed);
    std::mt19937 rng(seed);
    CompareFc(RandomFcCase(rng, false, Chance(rng, 0.85)));
    if (::testing::Test::HasFailure()) return;
  }
}

TEST(FastKernelsFullyConnected, PerChannel) {
  for (int i = 0; i < 300; ++i) {
    const uint32_t seed = 130000 + uint32_t(i);
    SCOPED_TRACE(::testing::Message() << "case " << i << " seed " << seed);
    std::mt19937 rng(seed);
    CompareFc(RandomFcCase(rng, true, false));
    if (::testing::Test::HasFailure()) return;
  }
}

// TFLite's per-channel kernel has no filter offset; msf's reference adds it
// anyway (one code path), so the fast kernel must too.
TEST(FastKernelsFullyConnected, PerChannelWithFilterOffset) {
  for (int i = 0; i < 60; ++i) {
    const uint32_t seed = 135000 + uint32_t(i);
    SCOPED_TRACE(::testing::Message() << "case " << i << " seed " << seed);
    std::mt19937 rng(seed);
    CompareFc(RandomFcCase(rng, true, true));
    if (::testing::Test::HasFailure()) return;
  }
}

TEST(FastKernelsFullyConnected, AccumulatorOverflowWraps) {
  // 70000 inputs of |255 * 256|: 4.6e9, far beyond int32.
  const int32_t nin = 70000, nout = 5;
  for (int variant = 0; variant < 4; ++variant) {
    SCOPED_TRACE(::testing::Message() << "variant " << variant);
    std::mt19937 rng(140000 + variant);
    FcCase k;
    k.in.assign(size_t(nin), int8_t{127});
    k.filter.resize(size_t(nin) * nout);
    for (size_t i = 0; i < k.filter.size(); ++i) {
      const size_t o = i / size_t(nin);
      k.filter[i] = o == 0   ? int8_t{-128}
                    : o == 1 ? int8_t{127}
                             : static_cast<int8_t>(Pick(rng, {-128, 127}));
    }
    if (variant >= 2)
      for (auto& v : k.in) v = static_cast<int8_t>(Pick(rng, {126, 127}));
    k.p = msf_fc_params{nin, nout, variant % 2 ? 128 : 127, variant % 2 ? -128 : 0, -2, -128, 127};
    if (variant == 3) k.bias = {INT32_MAX, INT32_MIN, 7, INT32_MIN + 5, INT32_MAX - 5};
    k.q.per_channel = variant % 2;
    k.q.mult.assign(size_t(nout), 1 << 30);
    k.q.shift.assign(size_t(nout), -25);
    k.desc = "FC overflow: 70000 inputs, extreme values, quant 2^30 >> 25";
    CompareFc(k);
    if (::testing::Test::HasFailure()) return;
  }
}

// The requantisation alone: with no inputs the accumulator is the bias, so
// every (accumulator, multiplier, shift) triple can be chosen directly.
TEST(FastKernelsFullyConnected, RequantisationSweep) {
  for (int round = 0; round < 24; ++round) {
    const uint32_t seed = 145000 + uint32_t(round);
    SCOPED_TRACE(::testing::Message() << "round " << round << " seed " << seed);
    std::mt19937 rng(seed);
    FcCase k;
    const int32_t nout = 512;
    k.p = msf_fc_params{0, nout, 0, 0, msf_fast_test::RandomOutputOffset(rng), -128, 127};
    if (round % 3 == 2)
      msf_fast_test::RandomActivation(rng, k.p.output_offset, &k.p.act_min, &k.p.act_max);
    k.bias.resize(size_t(nout));
    for (auto& b : k.bias) {
      switch (Uniform(rng, 0, 3)) {
        case 0:
          b = Uniform(rng, INT32_MIN, INT32_MAX);
          break;
        case 1:
          b = Uniform(rng, -70000, 70000);
          break;
        case 2:
          b = Pick(rng, {INT32_MIN, INT32_MIN + 1, -1, 0, 1, INT32_MAX - 1, INT32_MAX});
          break;
        default:
          b = (Chance(rng, 0.5) ? 1 : -1) * (Uniform(rng, 0, 1 << 20) << Uniform(rng, 0, 10));
          break;
      }
    }
    k.q.per_channel = round % 4 == 3 ? 0 : 1;
    k.q.mult.resize(size_t(nout));
    k.q.shift.resize(size_t(nout));
    for (int32_t o = 0; o < nout; ++o) {
      switch (Uniform(rng, 0, 2)) {
        case 0:
          k.q.mult[o] = msf_fast_test::kFastExtremeMultipliers[Uniform(rng, 0, 5)];
          k.q.shift[o] = msf_fast_test::kExtremeShifts[Uniform(rng, 0, 6)];
          break;
        case 1:
          k.q.mult[o] = Uniform(rng, 1 << 30, INT32_MAX);
          k.q.shift[o] = Uniform(rng, -31, 31);
          break;
        default:
          k.q.mult[o] = Uniform(rng, INT32_MIN + 1, INT32_MAX);
          k.q.shift[o] = Uniform(rng, -31, 31);
          break;
      }
    }
    if (round == 23) k.q.mult[100] = INT32_MIN;  // one call on the reference fallback
    k.q.desc = msf_fast_test::QuantDesc(k.q, "sweep");
    k.desc = "FC 0 -> 512, accumulator = bias; " + k.q.desc;
    CompareFc(k);
    if (::testing::Test::HasFailure()) return;
  }
}

TEST(FastKernelsFullyConnected, ErrorPaths) {
  std::mt19937 rng(92);
  const auto in = msf_test::RandomInt8(rng, 10);
  const auto w = msf_test::RandomInt8(rng, 30);
  const std::vector<int32_t> bias = {1, 2, 3};
  const std::vector<int32_t> mult(3, 1 << 30), shift(3, -5);
  struct Call {
    msf_fc_params p;
    msf_requant q;
    const int8_t *in, *w;
    const int32_t* bias;
    bool null_p = false, null_q = false, null_out = false;
  };
  Call base{msf_fc_params{10, 3, 5, 0, -1, -128, 127}, msf_requant{mult.data(), shift.data(), 1, 0},
            in.data(), w.data(), bias.data()};
  const msf_status OK = MSF_OK, ERR = MSF_ARG_ERROR;
  struct Mutation {
    const char* name;
    msf_status expect;
    std::function<void(Call&)> apply;
  };
  const std::vector<Mutation> muts = {
      {"baseline", OK, [](Call&) {}},
      {"bias NULL", OK, [](Call& c) { c.bias = nullptr; }},
      {"params NULL", ERR, [](Call& c) { c.null_p = true; }},
      {"requant NULL", ERR, [](Call& c) { c.null_q = true; }},
      {"multiplier NULL", ERR, [](Call& c) { c.q.multiplier = nullptr; }},
      {"shift NULL", ERR, [](Call& c) { c.q.shift = nullptr; }},
      {"input NULL", ERR, [](Call& c) { c.in = nullptr; }},
      {"filter NULL", ERR, [](Call& c) { c.w = nullptr; }},
      {"output NULL", ERR, [](Call& c) { c.null_out = true; }},
      {"in_features -1", ERR, [](Call& c) { c.p.in_features = -1; }},
      {"out_features -1", ERR, [](Call& c) { c.p.out_features = -1; }},
      {"in_features 0", OK, [](Call& c) { c.p.in_features = 0; }},
      {"out_features 0", OK, [](Call& c) { c.p.out_features = 0; }},
  };
  for (const Mutation& m : muts) {
    SCOPED_TRACE(m.name);
    Call c = base;
    m.apply(c);
    std::vector<int8_t> o_ref(8, 0x11), o_fast = o_ref;
    const msf_fc_params* p = c.null_p ? nullptr : &c.p;
    const msf_requant* q = c.null_q ? nullptr : &c.q;
    const msf_status sr =
        msf_fully_connected_s8_ref(p, q, c.in, c.w, c.bias, c.null_out ? nullptr : o_ref.data());
    const msf_status sf =
        msf_fully_connected_s8(p, q, c.in, c.w, c.bias, c.null_out ? nullptr : o_fast.data());
    EXPECT_EQ(m.expect, sr) << "reference (test expectation)";
    EXPECT_EQ(sr, sf);
    if (sr == MSF_OK && sf == MSF_OK) {
      EXPECT_TRUE(o_ref == o_fast) << "output bytes differ";
    }
  }
}

// ================================== SOFTMAX ========================================

void CompareSoftmax(const msf_softmax_params& p, const std::vector<int8_t>& in, bool require_ok) {
  std::vector<int8_t> o_ref(in.size() + 16, 0x3c), o_fast = o_ref;
  const std::vector<int8_t> in_before = in;
  const msf_status sr = msf_softmax_s8_ref(&p, in.data(), o_ref.data());
  const msf_status sf = msf_softmax_s8(&p, in.data(), o_fast.data());
  if (require_ok) {
    ASSERT_EQ(MSF_OK, sr) << "reference rejected the case (test bug)";
  }
  ASSERT_EQ(sr, sf);
  ASSERT_TRUE(in_before == in) << "fast kernel modified its input";
  if (sr != MSF_OK) return;
  for (size_t i = 0; i < o_ref.size(); ++i)
    ASSERT_EQ(int(o_ref[i]), int(o_fast[i]))
        << (i < in.size() ? "output" : "guard byte (write past the end)") << " row "
        << i / size_t(p.depth) << " col " << i % size_t(p.depth) << " input "
        << (i < in.size() ? int(in[i]) : 0);
}

TEST(FastKernelsSoftmax, RandomShapesAndParams) {
  for (int i = 0; i < 400; ++i) {
    const uint32_t seed = 150000 + uint32_t(i);
    std::mt19937 rng(seed);
    const int32_t rows = Uniform(rng, 1, 5), depth = Uniform(rng, 1, 40);
    msf_softmax_params p{};
    std::string mode;
    if (Chance(rng, 0.7)) {
      std::uniform_real_distribution<double> log_scale(std::log(1e-3), std::log(4.0));
      const float beta =
          Chance(rng, 0.6) ? 1.0f : float(std::uniform_real_distribution<double>(0.1, 3.0)(rng));
      const float scale = float(std::exp(log_scale(rng)));
      p = msf::lower::MakeSoftmaxParams(beta, scale, rows, depth);
      mode = "TFLite beta " + std::to_string(beta) + " scale " + std::to_string(scale);
    } else {
      p.input_multiplier =
          Chance(rng, 0.8)
              ? Uniform(rng, 1 << 30, INT32_MAX)
              : Pick(rng, {0, 1, INT32_MAX, INT32_MIN, -1, Uniform(rng, INT32_MIN, INT32_MAX)});
      p.input_left_shift = Chance(rng, 0.9) ? Uniform(rng, 0, 31) : Pick(rng, {-31, -1, 32});
      p.diff_min =
          Chance(rng, 0.2) ? Pick(rng, {0, -1, -255, -256, INT32_MIN}) : Uniform(rng, -300, 0);
      p.rows = rows;
      p.depth = depth;
      mode = "raw";
    }
    std::string dd;
    auto in = msf_fast_test::RandomData(rng, size_t(rows) * depth, &dd);
    if (Chance(rng, 0.1))
      std::fill(in.begin(), in.end(), static_cast<int8_t>(Uniform(rng, -128, 127)));
    SCOPED_TRACE(::testing::Message()
                 << "SOFTMAX rows " << rows << " depth " << depth << " (" << mode
                 << ") input_multiplier " << p.input_multiplier << " input_left_shift "
                 << p.input_left_shift << " diff_min " << p.diff_min << "; data " << dd << "; case "
                 << i << " seed " << seed);
    CompareSoftmax(p, in, false);
    if (::testing::Test::HasFailure()) return;
  }
}

TEST(FastKernelsSoftmax, ErrorPaths) {
  const msf_softmax_params p = msf::lower::MakeSoftmaxParams(1.0f, 0.1f, 2, 4);
  const int8_t in[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  int8_t o1[8] = {}, o2[8] = {};
  EXPECT_EQ(MSF_ARG_ERROR, msf_softmax_s8_ref(nullptr, in, o1));
  EXPECT_EQ(MSF_ARG_ERROR, msf_softmax_s8(nullptr, in, o2));
  EXPECT_EQ(MSF_ARG_ERROR, msf_softmax_s8_ref(&p, nullptr, o1));
  EXPECT_EQ(MSF_ARG_ERROR, msf_softmax_s8(&p, nullptr, o2));
  EXPECT_EQ(MSF_ARG_ERROR, msf_softmax_s8_ref(&p, in, nullptr));
  EXPECT_EQ(MSF_ARG_ERROR, msf_softmax_s8(&p, in, nullptr));
  for (auto [rows, depth, expect] :
       {std::tuple{-1, 4, MSF_ARG_ERROR}, std::tuple{2, 0, MSF_ARG_ERROR},
        std::tuple{2, -3, MSF_ARG_ERROR}, std::tuple{0, 4, MSF_OK}}) {
    SCOPED_TRACE(::testing::Message() << "rows " << rows << " depth " << depth);
    msf_softmax_params q = p;
    q.rows = rows;
    q.depth = depth;
    const msf_status sr = msf_softmax_s8_ref(&q, in, o1), sf = msf_softmax_s8(&q, in, o2);
    EXPECT_EQ(expect, sr);
    EXPECT_EQ(sr, sf);
  }
  // A long row of equal values: the sum of exps needs > 8 bits over unit, so
  // TFLite's exponent check fails (row 1 only: row 0 has one dominant value).
  {
    msf_softmax_params q = msf::lower::MakeSoftmaxParams(1.0f, 0.5f, 2, 600);
    std::vector<int8_t> v(1200, 5);
    for (int i = 0; i < 600; ++i) v[size_t(i)] = -128;
    v[17] = 127;
    std::vector<int8_t> r1(1200), r2(1200);
    const msf_status sr = msf_softmax_s8_ref(&q, v.data(), r1.data());
    EXPECT_EQ(MSF_ARG_ERROR, sr);
    EXPECT_EQ(sr, msf_softmax_s8(&q, v.data(), r2.data()));
    q.rows = 1;  // row 0 alone is fine
    EXPECT_EQ(MSF_OK, msf_softmax_s8_ref(&q, v.data(), r1.data()));
    EXPECT_EQ(MSF_OK, msf_softmax_s8(&q, v.data(), r2.data()));
    EXPECT_TRUE(std::equal(r1.begin(), r1.begin() + 600, r2.begin()));
  }
}

}  // namespace
