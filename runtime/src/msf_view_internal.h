/* SPDX-License-Identifier: MIT */
/* Internal helpers shared by the kernels: view addressing, rectangle checks
 * and the fixed-point primitives that several op families reuse. Not part of
 * the public API. C99, integer only. */
#ifndef MSF_VIEW_INTERNAL_H
#define MSF_VIEW_INTERNAL_H
#include <stdint.h>
#include <string.h>

#include "msf_rt/msf_types.h"

/* Inlined even where the compiler would not (a kernel specialised for a
 * literal argument, such as a 3-tap row, must be a copy of its own). */
/* And the opposite: a hot loop kept in a function of its own, where the
 * register allocator does not have to keep the caller's values alive. */
#if defined(__GNUC__)
#define MSF_FORCE_INLINE static inline __attribute__((always_inline))
#define MSF_NOINLINE static __attribute__((noinline))
#else
#define MSF_FORCE_INLINE static inline
#define MSF_NOINLINE static
#endif

/* Keeps the loads of one unrolled step after the previous step: gcc's
 * scheduler otherwise hoists all of an unrolled block's loads to its top
 * and spills the values to the stack (seen on Cortex-M4, -O2). No
 * instruction is emitted. */
#if defined(__GNUC__)
#define MSF_LOAD_FENCE() __asm__ volatile("" ::: "memory")
#else
#define MSF_LOAD_FENCE() ((void)0)
#endif

/* Non-negative remainder: ring buffers are indexed with y mod h even for the
 * negative coordinates that appear above a padded tensor. */
static inline int32_t msf_mod(int32_t a, int32_t m) {
  int32_t r = a % m;
  return r < 0 ? r + m : r;
}

/* Storage row / column of full-tensor pixel (y, x); see msf_view. */
static inline int32_t msf_view_row(const msf_view *v, int32_t y) {
  return v->ring_y ? msf_mod(y, v->h) : y - v->y0;
}
static inline int32_t msf_view_col(const msf_view *v, int32_t x) {
  return v->ring_x ? msf_mod(x, v->w) : x - v->x0;
}
static inline int8_t *msf_view_at(const msf_view *v, int32_t row, int32_t col) {
  return v->data + ((int32_t)(row * v->w + col)) * v->c;
}
static inline int8_t *msf_view_pixel(const msf_view *v, int32_t y, int32_t x) {
  return msf_view_at(v, msf_view_row(v, y), msf_view_col(v, x));
}

/* Whether the view can hold full-tensor rows [lo, hi] (inclusive) at once.
 * An empty range (hi < lo) always fits. A plain window must contain the
 * range; a ring of n rows holds at most n consecutive rows without aliasing. */
static inline int msf_view_span_ok(int32_t lo, int32_t hi, int32_t origin, int32_t n,
                                   uint8_t ring) {
  if (hi < lo) return 1;
  if (ring) return hi - lo + 1 <= n;
  return lo >= origin && hi < origin + n;
}

static inline int msf_view_valid(const msf_view *v) {
  return v != 0 && v->data != 0 && v->h > 0 && v->w > 0 && v->c > 0;
}

/* The output rectangle must be non-negative in size and fit the view. */
static inline int msf_rect_fits(const msf_rect *r, const msf_view *out) {
  if (r == 0 || r->h < 0 || r->w < 0) return 0;
  if (r->h == 0 || r->w == 0) return 1;
  return msf_view_span_ok(r->y0, r->y0 + r->h - 1, out->y0, out->h, out->ring_y) &&
         msf_view_span_ok(r->x0, r->x0 + r->w - 1, out->x0, out->w, out->ring_x);
}

/* Input rows (or columns) [lo, hi] read by output coordinates [o0, o0+n) of
 * a windowed op, clipped to the tensor [0, size): TFLite skips the others. */
static inline void msf_input_range(int32_t o0, int32_t n, int32_t stride, int32_t pad,
                                   int32_t extent, int32_t size, int32_t *lo,
                                   int32_t *hi) {
  int32_t a = o0 * stride - pad;
  int32_t b = (o0 + n - 1) * stride - pad + extent - 1;
  *lo = a < 0 ? 0 : a;
  *hi = b > size - 1 ? size - 1 : b;
}

static inline int32_t msf_clamp(int32_t v, int32_t lo, int32_t hi) {
  return v < lo ? lo : (v > hi ? hi : v);
}

/* Two's-complement wrapping helpers: signed overflow is UB in C, TFLite's
 * reference relies on it never happening; we make the wrap explicit. */
static inline int32_t msf_wrap_add(int32_t a, int32_t b) {
  return (int32_t)((uint32_t)a + (uint32_t)b);
}
static inline int32_t msf_wrap_sub(int32_t a, int32_t b) {
  return (int32_t)((uint32_t)a - (uint32_t)b);
}
static inline int32_t msf_wrap_shl(int32_t a, int32_t s) {
  return (int32_t)((uint32_t)a << s);
}

/* Arithmetic shift right (floor division by 2^s) without relying on the
 * implementation-defined >> of negative values. */
static inline int32_t msf_asr32(int32_t x, int32_t s) {
  return x < 0 ? ~((~x) >> s) : x >> s;
}
static inline int64_t msf_asr64(int64_t x, int32_t s) {
  return x < 0 ? ~((~x) >> s) : x >> s;
}

#endif /* MSF_VIEW_INTERNAL_H */
