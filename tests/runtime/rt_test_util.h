// SPDX-License-Identifier: MIT
// Shared helpers for the runtime kernel tests: an independent int64
// formulation of the requantisation arithmetic, naive whole-tensor reference
// kernels, and a harness that re-runs a kernel tile by tile through offset
// and ring-buffer views.
#pragma once
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <random>
#include <vector>

#include "msf_rt/msf_kernels.h"

namespace msf_test {

// ---- independent requantisation reference ---------------------------------
// gemmlowp SaturatingRoundingDoublingHighMul == floor((a*b + 2^30) / 2^31)
// (round half towards +inf), saturating only for INT32_MIN * INT32_MIN.
inline int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}
inline int32_t RefSrdhm(int32_t a, int32_t b) {
  if (a == INT32_MIN && b == INT32_MIN) return INT32_MAX;
  return static_cast<int32_t>(FloorDiv(int64_t{a} * b + (int64_t{1} << 30), int64_t{1} << 31));
}
// gemmlowp RoundingDivideByPOT == x / 2^e rounded half away from zero.
inline int32_t RefRdbpot(int32_t x, int e) {
  if (e == 0) return x;
  const int64_t mag = x < 0 ? -int64_t{x} : int64_t{x};
  const int64_t r = (mag + (int64_t{1} << (e - 1))) >> e;
  return static_cast<int32_t>(x < 0 ? -r : r);
}
inline int32_t RefMbqm(int32_t x, int32_t m, int shift) {
#ifdef MSF_SINGLE_ROUNDING
  const int total = 31 - shift;
  const int64_t v = FloorDiv(int64_t{x} * m + (int64_t{1} << (total - 1)), int64_t{1} << total);
  return static_cast<int32_t>(std::clamp<int64_t>(v, INT32_MIN, INT32_MAX));
#else
  const int left = shift > 0 ? shift : 0;
  const int right = shift > 0 ? 0 : -shift;
  // x * 2^left with two's-complement wrap, as the 32-bit target does.
  const int32_t shifted = static_cast<int32_t>(static_cast<uint32_t>(x) << left);
  return RefRdbpot(RefSrdhm(shifted, m), right);
#endif
}

// ---- tensors ----------------------------------------------------------------
struct Tensor {
  int32_t h = 0, w = 0, c = 0;
  std::vector<int8_t> d;
  Tensor() = default;
  Tensor(int32_t h_, int32_t w_, int32_t c_) : h(h_), w(w_), c(c_), d(size_t(h_) * w_ * c_) {}
  int8_t& at(int32_t y, int32_t x, int32_t ch) { return d[(size_t(y) * w + x) * c + ch]; }
  int8_t at(int32_t y, int32_t x, int32_t ch) const { return d[(size_t(y) * w + x) * c + ch]; }
};

inline std::vector<int8_t> RandomInt8(std::mt19937& rng, size_t n, int lo = -128, int hi = 127) {
  std::uniform_int_distribution<int> dist(lo, hi);
  std::vector<int8_t> v(n);
  for (auto& x : v) x = static_cast<int8_t>(dist(rng));
  return v;
}
inline Tensor RandomTensor(std::mt19937& rng, int32_t h, int32_t w, int32_t c) {
  Tensor t(h, w, c);
  t.d = RandomInt8(rng, t.d.size());
  return t;
}

inline msf_view WholeView(Tensor& t) {
  msf_view v{};
  v.data = t.d.data();
  v.h = t.h;
  v.w = t.w;
  v.c = t.c;
  return v;
}

// ---- tiling harness -----------------------------------------------------------
// Geometry of a windowed op along one axis: output o reads input
// [o*stride - pad, o*stride - pad + extent) clipped to [0, in_size).
struct Axis {
  int32_t in_size, out_size, stride, pad, extent;
  void InputRange(int32_t o0, int32_t n, int32_t* lo, int32_t* hi) const {
    *lo = std::max(0, o0 * stride - pad);
    *hi = std::min(in_size - 1, (o0 + n - 1) * stride - pad + extent - 1);
  }
};

using RunFn = std::function<msf_status(const msf_view& in, const msf_rect& rect, msf_view* out)>;

// Runs `run` over the whole output, then again (1) tile by tile with
// views whose y0/x0 are the tile origins, (2) row by row with a ring buffer
// in y of the given height (input) and a 3-row output ring, (3) column by
// column with a ring buffer in x; every result must equal the whole run.
inline void CheckTilingEquivalence(const Tensor& input, const Axis& ay, const Axis& ax,
                                   int32_t out_c, const RunFn& run, int32_t tile_h, int32_t tile_w,
                                   int32_t ring_h, int32_t ring_w) {
  Tensor in = input;
  Tensor full(ay.out_size, ax.out_size, out_c);
  {
    msf_view iv = WholeView(in), ov = WholeView(full);
    msf_rect r{0, 0, full.h, full.w};
    ASSERT_EQ(MSF_OK, run(iv, r, &ov));
  }

  // (1) Offset tiles.
  for (int32_t ty = 0; ty < full.h; ty += tile_h) {
    for (int32_t tx = 0; tx < full.w; tx += tile_w) {
      const int32_t th = std::min(tile_h, full.h - ty), tw = std::min(tile_w, full.w - tx);
      int32_t ylo, yhi, xlo, xhi;
      ay.InputRange(ty, th, &ylo, &yhi);
      ax.InputRange(tx, tw, &xlo, &xhi);
      const int32_t rh = std::max(1, yhi - ylo + 1), rw = std::max(1, xhi - xlo + 1);
      std::vector<int8_t> ib(size_t(rh) * rw * in.c, 0x55);
      for (int32_t y = ylo; y <= yhi; ++y)
        for (int32_t x = xlo; x <= xhi; ++x)
          for (int32_t ch = 0; ch < in.c; ++ch)
            ib[(size_t(y - ylo) * rw + (x - xlo)) * in.c + ch] = in.at(y, x, ch);
      std::vector<int8_t> ob(size_t(th) * tw * out_c, 0x33);
      msf_view iv{ib.data(), ylo, xlo, rh, rw, in.c, 0, 0};
      msf_view ov{ob.data(), ty, tx, th, tw, out_c, 0, 0};
      msf_rect r{ty, tx, th, tw};
      ASSERT_EQ(MSF_OK, run(iv, r, &ov)) << "tile " << ty << "," << tx;
      for (int32_t y = 0; y < th; ++y)
        for (int32_t x = 0; x < tw; ++x)
          for (int32_t ch = 0; ch < out_c; ++ch)
            ASSERT_EQ(full.at(ty + y, tx + x, ch), ob[(size_t(y) * tw + x) * out_c + ch])
                << "tile " << ty << "," << tx << " pixel " << y << "," << x << " ch " << ch;
    }
  }

  // (2) Row ring: input rows live at y mod ring_h, output rows at y mod 3.
  {
    std::vector<int8_t> ring(size_t(ring_h) * in.w * in.c, 0x11);
    std::vector<int8_t> oring(size_t(3) * full.w * out_c, 0x22);
    msf_view iv{ring.data(), 0, 0, ring_h, in.w, in.c, 1, 0};
    msf_view ov{oring.data(), 0, 0, 3, full.w, out_c, 1, 0};
    for (int32_t oy = 0; oy < full.h; ++oy) {
      int32_t lo, hi;
      ay.InputRange(oy, 1, &lo, &hi);
      for (int32_t y = lo; y <= hi; ++y)
        std::copy_n(&in.at(y, 0, 0), size_t(in.w) * in.c,
                    &ring[size_t(y % ring_h) * in.w * in.c]);
      msf_rect r{oy, 0, 1, full.w};
      ASSERT_EQ(MSF_OK, run(iv, r, &ov)) << "ring row " << oy;
      for (int32_t x = 0; x < full.w; ++x)
        for (int32_t ch = 0; ch < out_c; ++ch)
          ASSERT_EQ(full.at(oy, x, ch), oring[(size_t(oy % 3) * full.w + x) * out_c + ch])
              << "ring row " << oy << " x " << x << " ch " << ch;
    }
  }

  // (3) Column ring: input columns live at x mod ring_w, full height.
  {
    std::vector<int8_t> ring(size_t(in.h) * ring_w * in.c, 0x44);
    std::vector<int8_t> ocol(size_t(full.h) * out_c, 0x66);
    msf_view iv{ring.data(), 0, 0, in.h, ring_w, in.c, 0, 1};
    // A one-column output window at x0 = ox (plain offset view).
    for (int32_t ox = 0; ox < full.w; ++ox) {
      int32_t lo, hi;
      ax.InputRange(ox, 1, &lo, &hi);
      for (int32_t y = 0; y < in.h; ++y)
        for (int32_t x = lo; x <= hi; ++x)
          std::copy_n(&in.at(y, x, 0), in.c, &ring[(size_t(y) * ring_w + x % ring_w) * in.c]);
      msf_view ov{ocol.data(), 0, ox, full.h, 1, out_c, 0, 0};
      msf_rect r{0, ox, full.h, 1};
      ASSERT_EQ(MSF_OK, run(iv, r, &ov)) << "ring col " << ox;
      for (int32_t y = 0; y < full.h; ++y)
        for (int32_t ch = 0; ch < out_c; ++ch)
          ASSERT_EQ(full.at(y, ox, ch), ocol[size_t(y) * out_c + ch])
              << "ring col " << ox << " y " << y << " ch " << ch;
    }
  }
}

inline int32_t OutSize(int32_t in, int32_t pad_before, int32_t pad_after, int32_t extent,
                       int32_t stride) {
  return (in + pad_before + pad_after - extent) / stride + 1;
}

}  // namespace msf_test
