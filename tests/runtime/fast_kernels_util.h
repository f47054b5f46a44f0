// SPDX-License-Identifier: MIT
// Helpers for fast_kernels_test.cc: run an optimised kernel and its *_ref
// oracle on the very same views (each writing into its own copy of the
// output storage) and require equal status and byte-identical storage,
// including the bytes outside the output rect; random generators for views
// (whole, offset tiles, rings), shapes, quantisation, biases and data.
#pragma once
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "msf_rt/msf_kernels.h"
#include "rt_test_util.h"

namespace msf_fast_test {

using msf_test::Tensor;

// ---- random helpers -----------------------------------------------------------
inline int32_t Uniform(std::mt19937& rng, int32_t lo, int32_t hi) {
  return std::uniform_int_distribution<int32_t>(lo, hi)(rng);
}
inline bool Chance(std::mt19937& rng, double p) { return std::bernoulli_distribution(p)(rng); }
template <class T>
T Pick(std::mt19937& rng, std::initializer_list<T> v) {
  return *(v.begin() + Uniform(rng, 0, static_cast<int32_t>(v.size()) - 1));
}

// int8 data: uniform, only the extremes, a few special values, or a narrow band.
inline std::vector<int8_t> RandomData(std::mt19937& rng, size_t n, std::string* desc = nullptr) {
  std::vector<int8_t> v(n);
  const int mode = Uniform(rng, 0, 99);
  if (mode < 60) {
    for (auto& x : v) x = static_cast<int8_t>(Uniform(rng, -128, 127));
    if (desc) *desc = "uniform";
  } else if (mode < 75) {
    for (auto& x : v) x = static_cast<int8_t>(Chance(rng, 0.5) ? -128 : 127);
    if (desc) *desc = "extremes{-128,127}";
  } else if (mode < 85) {
    for (auto& x : v) x = static_cast<int8_t>(Pick(rng, {-128, -127, -1, 0, 1, 126, 127}));
    if (desc) *desc = "special values";
  } else {
    const int32_t c = Uniform(rng, -120, 120);
    for (auto& x : v) x = static_cast<int8_t>(std::clamp(c + Uniform(rng, -8, 8), -128, 127));
    if (desc) *desc = "narrow band around " + std::to_string(c);
  }
  return v;
}

inline std::vector<int8_t> RandomFilter(std::mt19937& rng, size_t n, std::string* desc) {
  std::vector<int8_t> v(n);
  const int mode = Uniform(rng, 0, 99);
  if (mode < 65) {
    for (auto& x : v) x = static_cast<int8_t>(Uniform(rng, -128, 127));
    *desc = "uniform";
  } else if (mode < 80) {
    for (auto& x : v) x = static_cast<int8_t>(Pick(rng, {-128, -127, 127}));
    *desc = "extremes{-128,-127,127}";
  } else {
    for (auto& x : v) x = static_cast<int8_t>(Chance(rng, 0.5) ? 0 : Uniform(rng, -128, 127));
    *desc = "sparse";
  }
  return v;
}

// ---- quantisation -----------------------------------------------------------------
// The boundary values the brief lists. INT32_MIN (which QuantizeMultiplier
// never produces) and shifts outside [-31, 31] are accepted by the
// references; an optimised kernel may route a whole call with such a value to
// its reference, so they are injected sparingly: the other boundary values
// must meet the fast paths.
inline constexpr int32_t kExtremeMultipliers[] = {0, 1, 1 << 30, INT32_MAX, INT32_MIN};
inline constexpr int32_t kFastExtremeMultipliers[] = {0, 1, 1 << 30, INT32_MAX, -1, INT32_MIN + 1};
inline constexpr int32_t kExtremeShifts[] = {-31, -20, -1, 0, 1, 20, 31};

struct Quant {
  std::vector<int32_t> mult, shift;
  int32_t per_channel = 0;
  std::string desc;
  // `verified` as msf's lowering sets it: only when every constant the
  // kernel reads is in the inline requantisation's range. Odd seeds leave it
  // 0 so the kernels' own per-call check runs too.
  bool InRange() const {
    const size_t n = per_channel ? mult.size() : 1;
    for (size_t i = 0; i < n && i < mult.size(); ++i) {
      if (mult[i] == INT32_MIN || shift[i] < -31 || shift[i] > 31) return false;
    }
    return true;
  }
  msf_requant Get(bool mark_verified = true) const {
    return msf_requant{mult.data(), shift.data(), per_channel, mark_verified && InRange() ? 1 : 0};
  }
};

inline std::string QuantDesc(const Quant& q, const std::string& mode) {
  std::ostringstream s;
  s << mode << (q.per_channel ? " per-channel" : " per-tensor") << " n=" << q.mult.size()
    << " (mult,shift):";
  for (size_t i = 0; i < std::min<size_t>(q.mult.size(), 6); ++i)
    s << " (" << q.mult[i] << "," << q.shift[i] << ")";
  if (q.mult.size() > 6) s << " ...";
  return s.str();
}

// Realistic multipliers scale an accumulator of standard deviation acc_std to
// about +-40 so that rounding (not only clamping) is exercised; "extreme"
// mixes in the boundary multipliers and shifts; "wild" is any int32
// multiplier with a shift in [-31, 31]. Rarely, one entry in use is
// INT32_MIN or a shift outside [-31, 31]. Per-tensor arrays sometimes have
// `channels` entries (junk beyond index 0, which a kernel must not read).
inline Quant RandomQuant(std::mt19937& rng, int32_t channels, double acc_std,
                         int force_per_channel = -1) {
  Quant q;
  q.per_channel = force_per_channel >= 0 ? force_per_channel : (Chance(rng, 0.5) ? 1 : 0);
  const size_t n = (q.per_channel || Chance(rng, 0.5)) ? size_t(std::max(channels, 1)) : 1;
  const int32_t base = std::clamp(
      static_cast<int32_t>(std::lround(std::log2(40.0 / std::max(acc_std, 1.0)))), -30, 30);
  const int mode = Uniform(rng, 0, 99);
  std::string name = mode < 55 ? "realistic" : mode < 85 ? "extreme-mix" : "wild";
  q.mult.resize(n);
  q.shift.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const bool extreme = mode >= 55 && mode < 85 && Chance(rng, 0.5);
    if (mode < 55 || (mode < 85 && !extreme)) {
      q.mult[i] = Uniform(rng, 1 << 30, INT32_MAX);
      q.shift[i] = base + Uniform(rng, -1, 1);
    } else if (extreme) {
      q.mult[i] = kFastExtremeMultipliers[Uniform(rng, 0, 5)];
      q.shift[i] = kExtremeShifts[Uniform(rng, 0, 6)];
    } else {
      q.mult[i] = Uniform(rng, INT32_MIN + 1, INT32_MAX);
      q.shift[i] = Uniform(rng, -31, 31);
    }
  }
  const size_t used = q.per_channel ? n : 1;
  if (Chance(rng, 0.06)) {
    q.mult[size_t(Uniform(rng, 0, int32_t(used) - 1))] = INT32_MIN;
    name += " +INT32_MIN";
  } else if (Chance(rng, 0.04)) {
    q.shift[size_t(Uniform(rng, 0, int32_t(used) - 1))] = Pick(rng, {-40, -32, 32, 40});
    name += " +shift outside [-31,31]";
  }
  q.desc = QuantDesc(q, name);
  return q;
}

// Bias: empty (pass NULL), moderate, or extreme (int32 boundaries).
inline std::vector<int32_t> RandomBias(std::mt19937& rng, int32_t n, double acc_std,
                                       std::string* desc) {
  const int mode = Uniform(rng, 0, 99);
  std::vector<int32_t> b;
  if (mode < 20) {
    *desc = "NULL";
    return b;
  }
  b.resize(size_t(n));
  if (mode < 75) {
    const int32_t r = static_cast<int32_t>(std::min(2.0 * acc_std + 100, 1e9));
    for (auto& x : b) x = Uniform(rng, -r, r);
    *desc = "moderate";
  } else {
    for (auto& x : b)
      x = Pick(rng, {INT32_MAX, INT32_MIN, INT32_MAX - Uniform(rng, 0, 1 << 20),
                     INT32_MIN + Uniform(rng, 0, 1 << 20), Uniform(rng, INT32_MIN, INT32_MAX)});
    *desc = "extreme";
  }
  return b;
}

inline int32_t RandomInputOffset(std::mt19937& rng) {
  return Chance(rng, 0.4) ? Pick(rng, {-128, -127, 0, 1, 127, 128}) : Uniform(rng, -128, 128);
}
inline int32_t RandomOutputOffset(std::mt19937& rng) {
  return Chance(rng, 0.3) ? Pick(rng, {-128, 0, 127}) : Uniform(rng, -128, 127);
}
// Full range, ReLU/ReLU6-like [max(zp, -128), hi], or any lo <= hi.
inline void RandomActivation(std::mt19937& rng, int32_t out_zp, int32_t* lo, int32_t* hi) {
  const int mode = Uniform(rng, 0, 99);
  if (mode < 45) {
    *lo = -128;
    *hi = 127;
  } else if (mode < 75) {
    *lo = std::clamp(out_zp, -128, 127);
    *hi = Chance(rng, 0.3) ? 127 : Uniform(rng, *lo, 127);
  } else {
    *lo = Uniform(rng, -128, 127);
    *hi = Uniform(rng, *lo, 127);
  }
}

// ---- views ----------------------------------------------------------------------------
inline size_t ViewBytes(const msf_view& v) { return size_t(v.h) * size_t(v.w) * size_t(v.c); }

inline std::string Str(const msf_view& v) {
  std::ostringstream s;
  s << "{y0=" << v.y0 << " x0=" << v.x0 << " h=" << v.h << " w=" << v.w << " c=" << v.c
    << (v.ring_y ? " ring_y" : "") << (v.ring_x ? " ring_x" : "") << "}";
  return s.str();
}
inline std::string Str(const msf_rect& r) {
  std::ostringstream s;
  s << "{y0=" << r.y0 << " x0=" << r.x0 << " h=" << r.h << " w=" << r.w << "}";
  return s.str();
}

inline int32_t Mod(int32_t a, int32_t m) { return ((a % m) + m) % m; }

// Full-tensor coordinate of storage index `s` along one axis of a view, as
// far as the rect determines it (a ring slot maps to the rect coordinate
// stored there, if any).
inline bool AxisCoord(int32_t s, int32_t origin, int32_t n, bool ring, int32_t r0, int32_t rn,
                      int32_t* coord) {
  if (!ring) {
    *coord = origin + s;
    return true;
  }
  for (int32_t y = r0; y < r0 + rn; ++y)
    if (Mod(y, n) == s) {
      *coord = y;
      return true;
    }
  return false;
}

// Describes how two storages of `view` differ (count, first byte, where).
inline std::string DiffStr(const std::vector<int8_t>& ref, const std::vector<int8_t>& fast,
                           const msf_view& view, const msf_rect* rect) {
  size_t first = ref.size(), count = 0;
  for (size_t i = 0; i < ref.size(); ++i)
    if (ref[i] != fast[i]) {
      if (first == ref.size()) first = i;
      ++count;
    }
  std::ostringstream s;
  s << count << " of " << ref.size() << " output bytes differ; first at storage byte " << first;
  if (view.c > 0 && view.w > 0) {
    const int32_t ch = int32_t(first % size_t(view.c)), px = int32_t(first / size_t(view.c));
    const int32_t sr = px / view.w, sc = px % view.w;
    s << " (storage row " << sr << " col " << sc << " ch " << ch << ")";
    int32_t y = 0, x = 0;
    if (rect && AxisCoord(sr, view.y0, view.h, view.ring_y, rect->y0, rect->h, &y) &&
        AxisCoord(sc, view.x0, view.w, view.ring_x, rect->x0, rect->w, &x)) {
      const bool inside =
          y >= rect->y0 && y < rect->y0 + rect->h && x >= rect->x0 && x < rect->x0 + rect->w;
      s << " = output pixel (y=" << y << ", x=" << x << ")"
        << (inside ? "" : " OUTSIDE the rect (stray write)");
    } else if (rect) {
      s << " = a storage slot outside the rect (stray write)";
    }
  }
  s << ": ref " << int(ref[first]) << " fast " << int(fast[first]);
  return s.str();
}

using KernelFn = std::function<msf_status(const msf_view* in, const msf_rect* r, msf_view* out)>;

// Runs ref and fast on the same input view; each writes into its own copy of
// out's storage. Equal status; when OK, byte-identical storage (inside and
// outside the rect); fast must not modify its input. With write_back the
// fast result is copied into out's storage (for the tiling harness).
inline ::testing::AssertionResult SameOnViews(const KernelFn& ref, const KernelFn& fast,
                                              const msf_view& in, const msf_rect& r,
                                              const msf_view& out, msf_status* ref_status = nullptr,
                                              bool write_back = false) {
  const size_t ob = ViewBytes(out), ib = ViewBytes(in);
  std::vector<int8_t> ro(out.data, out.data + ob), fo = ro;
  const std::vector<int8_t> in_before(in.data, in.data + ib);
  msf_view rv = out, fv = out;
  rv.data = ro.data();
  fv.data = fo.data();
  const msf_status sr = ref(&in, &r, &rv);
  const msf_status sf = fast(&in, &r, &fv);
  if (ref_status) *ref_status = sr;
  if (write_back) std::copy(fo.begin(), fo.end(), out.data);
  const std::string ctx = "in " + Str(in) + " rect " + Str(r) + " out " + Str(out);
  if (sr != sf)
    return ::testing::AssertionFailure() << "status ref " << sr << " fast " << sf << "; " << ctx;
  if (!std::equal(in_before.begin(), in_before.end(), in.data))
    return ::testing::AssertionFailure() << "fast kernel modified its input view; " << ctx;
  if (sr == MSF_OK && ro != fo)
    return ::testing::AssertionFailure() << DiffStr(ro, fo, out, &r) << "; " << ctx;
  return ::testing::AssertionSuccess();
}

// A RunFn for msf_test::CheckTilingEquivalence that checks ref == fast on
// every view the harness builds and hands the fast result on.
inline msf_test::RunFn DualRun(const KernelFn& ref, const KernelFn& fast) {
  return [ref, fast](const msf_view& in, const msf_rect& r, msf_view* out) {
    msf_status st = MSF_ARG_ERROR;
    const auto res = SameOnViews(ref, fast, in, r, *out, &st, true);
    EXPECT_TRUE(res) << "(tiling harness)";
    return res ? st : MSF_ARG_ERROR;
  };
}

// How a view covers coordinates [lo, hi] (empty if hi < lo) of one axis.
enum AxisMode { kWhole, kTight, kLoose, kRingExact, kRingLarger, kNumAxisModes };
inline const char* AxisModeName(int m) {
  static const char* const names[] = {"whole", "tight", "loose", "ring-exact", "ring-larger"};
  return names[m];
}

struct AxisSpec {
  int32_t origin = 0, n = 1;
  uint8_t ring = 0;
};

inline AxisSpec MakeAxis(std::mt19937& rng, int mode, int32_t lo, int32_t hi, int32_t size) {
  AxisSpec a;
  const int32_t span = hi >= lo ? hi - lo + 1 : 0;
  switch (mode) {
    case kWhole:
      a.n = size;
      break;
    case kTight:
      a.origin = span ? lo : Uniform(rng, -2, size);
      a.n = std::max(span, 1);
      break;
    case kLoose: {
      const int32_t before = Uniform(rng, 0, 2), after = Uniform(rng, 0, 2);
      a.origin = (span ? lo : Uniform(rng, 0, size)) - before;
      a.n = std::max(span, 1) + before + after;
      break;
    }
    case kRingExact:
    case kRingLarger:
      a.ring = 1;
      a.n = std::max(span, 1) + (mode == kRingLarger ? Uniform(rng, 1, 3) : 0);
      // The origin of a ring axis is documented as unused: give it junk sometimes.
      a.origin = Chance(rng, 0.3) ? Uniform(rng, -3, 3) : 0;
      break;
  }
  return a;
}

// (storage index, tensor coordinate) pairs a view axis holds real data for:
// an offset window holds every tensor coordinate in it, a ring only [lo, hi].
inline std::vector<std::pair<int32_t, int32_t>> AxisSlots(const AxisSpec& a, int32_t lo, int32_t hi,
                                                          int32_t size) {
  std::vector<std::pair<int32_t, int32_t>> v;
  if (a.ring) {
    for (int32_t y = lo; y <= hi; ++y) v.push_back({Mod(y, a.n), y});
  } else {
    for (int32_t s = 0; s < a.n; ++s)
      if (a.origin + s >= 0 && a.origin + s < size) v.push_back({s, a.origin + s});
  }
  return v;
}

struct ViewStore {
  std::vector<int8_t> buf;
  msf_view v{};
};

// A view of tensor t along the two axis specs; storage that holds no tensor
// data is random junk, so reading it makes the kernels disagree.
inline void BuildInputView(std::mt19937& rng, const Tensor& t, const AxisSpec& ay, int32_t ylo,
                           int32_t yhi, const AxisSpec& ax, int32_t xlo, int32_t xhi,
                           ViewStore* s) {
  s->buf = msf_test::RandomInt8(rng, size_t(ay.n) * ax.n * t.c);
  s->v = msf_view{nullptr, ay.origin, ax.origin, ay.n, ax.n, t.c, ay.ring, ax.ring};
  const auto ys = AxisSlots(ay, ylo, yhi, t.h), xs = AxisSlots(ax, xlo, xhi, t.w);
  for (const auto& [sy, y] : ys)
    for (const auto& [sx, x] : xs)
      std::copy_n(t.d.data() + (size_t(y) * t.w + x) * t.c, t.c,
                  &s->buf[(size_t(sy) * ax.n + sx) * t.c]);
  s->v.data = s->buf.data();
}

inline void BuildOutputView(std::mt19937& rng, const AxisSpec& ay, const AxisSpec& ax, int32_t c,
                            ViewStore* s) {
  s->buf = msf_test::RandomInt8(rng, size_t(ay.n) * ax.n * c);
  s->v = msf_view{s->buf.data(), ay.origin, ax.origin, ay.n, ax.n, c, ay.ring, ax.ring};
}

// A random output rect: whole, 1x1, 3x5 / 5x3 (clipped), one row, one
// column, or any size, at a random position.
inline msf_rect RandomRect(std::mt19937& rng, int32_t oh, int32_t ow) {
  int32_t h = 0, w = 0;
  switch (Uniform(rng, 0, 7)) {
    case 0:
      h = oh, w = ow;
      break;
    case 1:
      h = 1, w = 1;
      break;
    case 2:
      h = std::min(3, oh), w = std::min(5, ow);
      break;
    case 3:
      h = std::min(5, oh), w = std::min(3, ow);
      break;
    case 4:
      h = 1, w = ow;
      break;
    case 5:
      h = oh, w = 1;
      break;
    default:
      h = Uniform(rng, 1, oh), w = Uniform(rng, 1, ow);
      break;
  }
  return msf_rect{Uniform(rng, 0, oh - h), Uniform(rng, 0, ow - w), h, w};
}

// Geometry of a windowed op (conv, depthwise, pool) for the view builders.
struct WindowGeom {
  msf_test::Axis ay, ax;  // in_size, out_size, stride, pad, extent
  int32_t out_c;
};

// Whole-tensor call, then `runs` random rects on random input/output views
// (whole, tight/loose offset tiles, exact/larger rings, per axis). With
// require_ok the reference must accept every call (valid geometry).
inline void CompareOnRandomViews(std::mt19937& rng, const Tensor& in, const WindowGeom& g,
                                 const KernelFn& ref, const KernelFn& fast, int runs,
                                 bool require_ok) {
  const int32_t oh = g.ay.out_size, ow = g.ax.out_size;
  {
    Tensor tin = in;
    ViewStore out;
    BuildOutputView(rng, AxisSpec{0, oh, 0}, AxisSpec{0, ow, 0}, g.out_c, &out);
    const msf_rect r{0, 0, oh, ow};
    msf_status st = MSF_ARG_ERROR;
    const auto res = SameOnViews(ref, fast, msf_test::WholeView(tin), r, out.v, &st);
    ASSERT_TRUE(res) << "whole-tensor call";
    if (require_ok) {
      ASSERT_EQ(MSF_OK, st) << "reference rejected the whole-tensor call";
    }
  }
  for (int i = 0; i < runs; ++i) {
    const msf_rect r = RandomRect(rng, oh, ow);
    int32_t ylo, yhi, xlo, xhi;
    g.ay.InputRange(r.y0, r.h, &ylo, &yhi);
    g.ax.InputRange(r.x0, r.w, &xlo, &xhi);
    const int imy = Uniform(rng, 0, kNumAxisModes - 1), imx = Uniform(rng, 0, kNumAxisModes - 1);
    const int omy = Uniform(rng, 0, kNumAxisModes - 1), omx = Uniform(rng, 0, kNumAxisModes - 1);
    ViewStore iv, ov;
    BuildInputView(rng, in, MakeAxis(rng, imy, ylo, yhi, in.h), ylo, yhi,
                   MakeAxis(rng, imx, xlo, xhi, in.w), xlo, xhi, &iv);
    BuildOutputView(rng, MakeAxis(rng, omy, r.y0, r.y0 + r.h - 1, oh),
                    MakeAxis(rng, omx, r.x0, r.x0 + r.w - 1, ow), g.out_c, &ov);
    msf_status st = MSF_ARG_ERROR;
    const auto res = SameOnViews(ref, fast, iv.v, r, ov.v, &st);
    ASSERT_TRUE(res) << "view run " << i << ": input " << AxisModeName(imy) << "/"
                     << AxisModeName(imx) << ", output " << AxisModeName(omy) << "/"
                     << AxisModeName(omx) << ", input rows [" << ylo << "," << yhi << "] cols ["
                     << xlo << "," << xhi << "]";
    if (require_ok) {
      ASSERT_EQ(MSF_OK, st) << "reference rejected view run " << i << " (test bug): in "
                            << Str(iv.v) << " rect " << Str(r) << " out " << Str(ov.v);
    }
  }
}

}  // namespace msf_fast_test
