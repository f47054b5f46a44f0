/* SPDX-License-Identifier: MIT */
/* Inner products of int8 runs for the convolution kernels: 2 pixels x 2
 * output channels per call, so every loaded input and weight is used twice.
 * Accumulators are uint32 so that overflow wraps (as the reference's
 * msf_wrap_add) instead of being undefined.
 *
 * With __ARM_FEATURE_DSP (Cortex-M4/M7/M33) four int8 at a time are loaded
 * with one word read, widened to two int16 pairs with SXTB16 (and SXTB16 of
 * the word rotated by 8), and multiplied-accumulated two at a time with
 * SMLAD. Elsewhere the portable loop, unrolled by 4. */
#ifndef MSF_DOT_S8_H
#define MSF_DOT_S8_H
#include <stdint.h>
#include <string.h>

#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
#include <arm_acle.h>
#define MSF_DOT_DSP 1
/* Bytes 1 and 3 sign-extended to two int16: SXTB16 with its rotate operand
 * (gcc 12's arm_acle.h has no __ror, and gcc does not fold a rotate into
 * __sxtb16, so a separate ROR would cost one instruction per word). */
static inline int32_t msf_sxtb16_odd(uint32_t x) {
  int32_t r;
  __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
  return r;
}
/* The same with a per-lane int16 addend (SXTAB16). */
static inline int32_t msf_sxtab16_odd(uint32_t addend, uint32_t x) {
  int32_t r;
  __asm__("sxtab16 %0, %1, %2, ror #8" : "=r"(r) : "r"(addend), "r"(x));
  return r;
}
static inline uint32_t msf_load_s8x4(const int8_t *p) {
  uint32_t v;
  memcpy(&v, p, 4); /* one (unaligned) word load on v7E-M/v8-M Mainline */
  return v;
}
#endif

/* Always inlined: the callers are small functions of their own
 * (MSF_NOINLINE), so the loops get the registers. */
#if defined(__GNUC__)
#define MSF_DOT_FN static inline __attribute__((always_inline, unused))
#else
#define MSF_DOT_FN static inline
#endif

/* Full unrolling of a loop whose trip count is a literal at an inlined
 * call site (K = 8, 16 of early 1x1 layers, the stem's 9-byte runs). */
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 8
#define MSF_UNROLL4 _Pragma("GCC unroll 4")
#else
#define MSF_UNROLL4
#endif

typedef struct {
  uint32_t a0, a1; /* pixel A: channels 0, 1 */
  uint32_t b0, b1; /* pixel B: channels 0, 1 */
} msf_acc2x2;

/* acc += dot(a, w0), dot(a, w1), dot(b, w0), dot(b, w1) over n elements. */
MSF_DOT_FN void msf_dot_2x2(const int8_t *a, const int8_t *b, const int8_t *w0,
                            const int8_t *w1, int32_t n, msf_acc2x2 *acc) {
  uint32_t a0 = acc->a0, a1 = acc->a1, b0 = acc->b0, b1 = acc->b1;
  const int8_t *const a_end4 = a + (n & ~3), *const a_end = a + n;
#ifdef MSF_DOT_DSP
  if (__builtin_constant_p(n) && n <= 16) {
    int32_t i;
    MSF_UNROLL4
    for (i = 0; i < (n & ~3); i += 4) {
      const uint32_t va = msf_load_s8x4(a + i), vb = msf_load_s8x4(b + i);
      const int32_t a_even = __sxtb16(va), a_odd = msf_sxtb16_odd(va);
      const int32_t b_even = __sxtb16(vb), b_odd = msf_sxtb16_odd(vb);
      uint32_t vw = msf_load_s8x4(w0 + i);
      int32_t w_even = __sxtb16(vw), w_odd = msf_sxtb16_odd(vw);
      a0 = (uint32_t)__smlad(a_even, w_even, (int32_t)a0);
      a0 = (uint32_t)__smlad(a_odd, w_odd, (int32_t)a0);
      b0 = (uint32_t)__smlad(b_even, w_even, (int32_t)b0);
      b0 = (uint32_t)__smlad(b_odd, w_odd, (int32_t)b0);
      vw = msf_load_s8x4(w1 + i);
      w_even = __sxtb16(vw), w_odd = msf_sxtb16_odd(vw);
      a1 = (uint32_t)__smlad(a_even, w_even, (int32_t)a1);
      a1 = (uint32_t)__smlad(a_odd, w_odd, (int32_t)a1);
      b1 = (uint32_t)__smlad(b_even, w_even, (int32_t)b1);
      b1 = (uint32_t)__smlad(b_odd, w_odd, (int32_t)b1);
    }
    a += n & ~3, b += n & ~3, w0 += n & ~3, w1 += n & ~3;
  }
  while (a != a_end4) {
    const uint32_t va = msf_load_s8x4(a), vb = msf_load_s8x4(b);
    const int32_t a_even = __sxtb16(va), a_odd = msf_sxtb16_odd(va);
    const int32_t b_even = __sxtb16(vb), b_odd = msf_sxtb16_odd(vb);
    uint32_t vw = msf_load_s8x4(w0);
    int32_t w_even = __sxtb16(vw), w_odd = msf_sxtb16_odd(vw);
    a0 = (uint32_t)__smlad(a_even, w_even, (int32_t)a0);
    a0 = (uint32_t)__smlad(a_odd, w_odd, (int32_t)a0);
    b0 = (uint32_t)__smlad(b_even, w_even, (int32_t)b0);
    b0 = (uint32_t)__smlad(b_odd, w_odd, (int32_t)b0);
    vw = msf_load_s8x4(w1);
    w_even = __sxtb16(vw), w_odd = msf_sxtb16_odd(vw);
    a1 = (uint32_t)__smlad(a_even, w_even, (int32_t)a1);
    a1 = (uint32_t)__smlad(a_odd, w_odd, (int32_t)a1);
    b1 = (uint32_t)__smlad(b_even, w_even, (int32_t)b1);
    b1 = (uint32_t)__smlad(b_odd, w_odd, (int32_t)b1);
    a += 4, b += 4, w0 += 4, w1 += 4;
  }
#else
  while (a != a_end4) {
    const int32_t x0 = a[0], x1 = a[1], x2 = a[2], x3 = a[3];
    const int32_t y0 = b[0], y1 = b[1], y2 = b[2], y3 = b[3];
    int32_t u0 = w0[0], u1 = w0[1], u2 = w0[2], u3 = w0[3];
    a0 += (uint32_t)(x0 * u0 + x1 * u1 + x2 * u2 + x3 * u3); /* |sum| < 2^16: no overflow */
    b0 += (uint32_t)(y0 * u0 + y1 * u1 + y2 * u2 + y3 * u3);
    u0 = w1[0], u1 = w1[1], u2 = w1[2], u3 = w1[3];
    a1 += (uint32_t)(x0 * u0 + x1 * u1 + x2 * u2 + x3 * u3);
    b1 += (uint32_t)(y0 * u0 + y1 * u1 + y2 * u2 + y3 * u3);
    a += 4, b += 4, w0 += 4, w1 += 4;
  }
#endif
  while (a != a_end) {
    const int32_t x = *a++, y = *b++, u = *w0++, v = *w1++;
    a0 += (uint32_t)(x * u), a1 += (uint32_t)(x * v);
    b0 += (uint32_t)(y * u), b1 += (uint32_t)(y * v);
  }
  acc->a0 = a0, acc->a1 = a1, acc->b0 = b0, acc->b1 = b1;
}

/* Single pixel, two channels: acc0 += dot(a, w0), acc1 += dot(a, w1). */
MSF_DOT_FN void msf_dot_1x2(const int8_t *a, const int8_t *w0, const int8_t *w1, int32_t n,
                            uint32_t *acc0, uint32_t *acc1) {
  uint32_t s0 = *acc0, s1 = *acc1;
  const int8_t *const a_end4 = a + (n & ~3), *const a_end = a + n;
#ifdef MSF_DOT_DSP
  while (a != a_end4) {
    const uint32_t va = msf_load_s8x4(a);
    const int32_t a_even = __sxtb16(va), a_odd = msf_sxtb16_odd(va);
    uint32_t vw = msf_load_s8x4(w0);
    s0 = (uint32_t)__smlad(a_even, __sxtb16(vw), (int32_t)s0);
    s0 = (uint32_t)__smlad(a_odd, msf_sxtb16_odd(vw), (int32_t)s0);
    vw = msf_load_s8x4(w1);
    s1 = (uint32_t)__smlad(a_even, __sxtb16(vw), (int32_t)s1);
    s1 = (uint32_t)__smlad(a_odd, msf_sxtb16_odd(vw), (int32_t)s1);
    a += 4, w0 += 4, w1 += 4;
  }
#else
  while (a != a_end4) {
    const int32_t x0 = a[0], x1 = a[1], x2 = a[2], x3 = a[3];
    s0 += (uint32_t)(x0 * w0[0] + x1 * w0[1] + x2 * w0[2] + x3 * w0[3]);
    s1 += (uint32_t)(x0 * w1[0] + x1 * w1[1] + x2 * w1[2] + x3 * w1[3]);
    a += 4, w0 += 4, w1 += 4;
  }
#endif
  while (a != a_end) {
    const int32_t x = *a++;
    s0 += (uint32_t)(x * *w0++), s1 += (uint32_t)(x * *w1++);
  }
  *acc0 = s0, *acc1 = s1;
}

#ifdef MSF_DOT_DSP
/* Single pixel, three channels (rows w, w + k, w + 2k): each input load
 * serves three products. With DSP, four channels need one register more
 * than Cortex-M has and spill a weight pointer every step; three do not. */
MSF_DOT_FN void msf_dot_1x3(const int8_t *a, const int8_t *w, int32_t k, uint32_t acc[3]) {
  uint32_t s0 = acc[0], s1 = acc[1], s2 = acc[2];
  const int8_t *const a_end4 = a + (k & ~3), *const a_end = a + k;
  const int8_t *w1 = w + k, *w2 = w + 2 * k;
  while (a != a_end4) {
    const uint32_t va = msf_load_s8x4(a);
    const int32_t ae = __sxtb16(va), ao = msf_sxtb16_odd(va);
    uint32_t vw = msf_load_s8x4(w);
    s0 = (uint32_t)__smlad(ae, __sxtb16(vw), (int32_t)s0);
    s0 = (uint32_t)__smlad(ao, msf_sxtb16_odd(vw), (int32_t)s0);
    vw = msf_load_s8x4(w1);
    s1 = (uint32_t)__smlad(ae, __sxtb16(vw), (int32_t)s1);
    s1 = (uint32_t)__smlad(ao, msf_sxtb16_odd(vw), (int32_t)s1);
    vw = msf_load_s8x4(w2);
    s2 = (uint32_t)__smlad(ae, __sxtb16(vw), (int32_t)s2);
    s2 = (uint32_t)__smlad(ao, msf_sxtb16_odd(vw), (int32_t)s2);
    a += 4, w += 4, w1 += 4, w2 += 4;
  }
  while (a != a_end) {
    const int32_t x = *a++;
    s0 += (uint32_t)(x * *w++), s1 += (uint32_t)(x * *w1++), s2 += (uint32_t)(x * *w2++);
  }
  acc[0] = s0, acc[1] = s1, acc[2] = s2;
}
#else
/* Single pixel, four channels (w, w + k, w + 2k, w + 3k): each input load
 * serves four products (the portable build's registers hold them). */
MSF_DOT_FN void msf_dot_1x4(const int8_t *a, const int8_t *w, int32_t k, uint32_t acc[4]) {
  uint32_t s0 = acc[0], s1 = acc[1], s2 = acc[2], s3 = acc[3];
  const int8_t *const a_end4 = a + (k & ~3), *const a_end = a + k;
  const int8_t *w1 = w + k, *w2 = w + 2 * k, *w3 = w + 3 * k;
  while (a != a_end4) {
    const int32_t x0 = a[0], x1 = a[1], x2 = a[2], x3 = a[3];
    s0 += (uint32_t)(x0 * w[0] + x1 * w[1] + x2 * w[2] + x3 * w[3]);
    s1 += (uint32_t)(x0 * w1[0] + x1 * w1[1] + x2 * w1[2] + x3 * w1[3]);
    s2 += (uint32_t)(x0 * w2[0] + x1 * w2[1] + x2 * w2[2] + x3 * w2[3]);
    s3 += (uint32_t)(x0 * w3[0] + x1 * w3[1] + x2 * w3[2] + x3 * w3[3]);
    a += 4, w += 4, w1 += 4, w2 += 4, w3 += 4;
  }
  while (a != a_end) {
    const int32_t x = *a++;
    s0 += (uint32_t)(x * *w++), s1 += (uint32_t)(x * *w1++);
    s2 += (uint32_t)(x * *w2++), s3 += (uint32_t)(x * *w3++);
  }
  acc[0] = s0, acc[1] = s1, acc[2] = s2, acc[3] = s3;
}
#endif

/* acc0 += dot(a + offset, w0), acc1 += dot(a + offset, w1): the input
 * offset added per element, for border pixels (SXTAB16 adds it for free). */
MSF_DOT_FN void msf_dot_1x2_offset(const int8_t *a, const int8_t *w0, const int8_t *w1, int32_t n,
                                   int32_t offset, uint32_t *acc0, uint32_t *acc1) {
  uint32_t s0 = *acc0, s1 = *acc1;
  const int8_t *const a_end4 = a + (n & ~3), *const a_end = a + n;
#ifdef MSF_DOT_DSP
  const uint32_t off16 = (uint32_t)offset & 0xffffu, off2 = off16 | (off16 << 16);
  while (a != a_end4) {
    const uint32_t va = msf_load_s8x4(a);
    const int32_t a_even = __sxtab16(off2, va), a_odd = msf_sxtab16_odd(off2, va);
    uint32_t vw = msf_load_s8x4(w0);
    s0 = (uint32_t)__smlad(a_even, __sxtb16(vw), (int32_t)s0);
    s0 = (uint32_t)__smlad(a_odd, msf_sxtb16_odd(vw), (int32_t)s0);
    vw = msf_load_s8x4(w1);
    s1 = (uint32_t)__smlad(a_even, __sxtb16(vw), (int32_t)s1);
    s1 = (uint32_t)__smlad(a_odd, msf_sxtb16_odd(vw), (int32_t)s1);
    a += 4, w0 += 4, w1 += 4;
  }
#else
  while (a != a_end4) {
    const int32_t x0 = a[0] + offset, x1 = a[1] + offset, x2 = a[2] + offset, x3 = a[3] + offset;
    s0 += (uint32_t)(x0 * w0[0] + x1 * w0[1] + x2 * w0[2] + x3 * w0[3]);
    s1 += (uint32_t)(x0 * w1[0] + x1 * w1[1] + x2 * w1[2] + x3 * w1[3]);
    a += 4, w0 += 4, w1 += 4;
  }
#endif
  while (a != a_end) {
    const int32_t x = *a++ + offset;
    s0 += (uint32_t)(x * *w0++), s1 += (uint32_t)(x * *w1++);
  }
  *acc0 = s0, *acc1 = s1;
}

/* One pixel, one channel. */
MSF_DOT_FN uint32_t msf_dot_1x1(const int8_t *a, const int8_t *w, int32_t n, uint32_t acc) {
  const int8_t *const a_end4 = a + (n & ~3), *const a_end = a + n;
#ifdef MSF_DOT_DSP
  while (a != a_end4) {
    const uint32_t va = msf_load_s8x4(a), vw = msf_load_s8x4(w);
    acc = (uint32_t)__smlad(__sxtb16(va), __sxtb16(vw), (int32_t)acc);
    acc = (uint32_t)__smlad(msf_sxtb16_odd(va), msf_sxtb16_odd(vw), (int32_t)acc);
    a += 4, w += 4;
  }
#else
  while (a != a_end4) {
    acc += (uint32_t)(a[0] * w[0] + a[1] * w[1] + a[2] * w[2] + a[3] * w[3]);
    a += 4, w += 4;
  }
#endif
  while (a != a_end) acc += (uint32_t)(*a++ * *w++);
  return acc;
}

/* One pixel's K inputs (K a literal: 8 or 16, the early 1x1 layers)
 * widened once into registers, for a loop over every output channel that
 * re-uses them (msf_dot_pre): the generic loops reload and re-widen the
 * input for each channel group, and int8 stores to the output may alias
 * it, so the compiler cannot hoist those loads itself. DSP: int16 pairs
 * (even, odd bytes of each word); portable: one int32 per input. */
#define MSF_PRE_MAX_K 16
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 8
#define MSF_UNROLL16 _Pragma("GCC unroll 16")
#else
#define MSF_UNROLL16
#endif
typedef struct {
  int32_t v[MSF_PRE_MAX_K];
} msf_pre_input;

MSF_DOT_FN void msf_pre_load(const int8_t *a, int32_t k, msf_pre_input *x) {
  int32_t i;
#ifdef MSF_DOT_DSP
  MSF_UNROLL16
  for (i = 0; i < k / 4; ++i) {
    const uint32_t va = msf_load_s8x4(a + 4 * i);
    x->v[2 * i] = __sxtb16(va), x->v[2 * i + 1] = msf_sxtb16_odd(va);
  }
#else
  MSF_UNROLL16
  for (i = 0; i < k; ++i) x->v[i] = a[i];
#endif
}

/* acc + dot(x, w) over the k inputs of msf_pre_load. */
MSF_DOT_FN uint32_t msf_dot_pre(const msf_pre_input *x, const int8_t *w, int32_t k, uint32_t acc) {
  int32_t i;
#ifdef MSF_DOT_DSP
  MSF_UNROLL16
  for (i = 0; i < k / 4; ++i) {
    const uint32_t vw = msf_load_s8x4(w + 4 * i);
    acc = (uint32_t)__smlad(x->v[2 * i], __sxtb16(vw), (int32_t)acc);
    acc = (uint32_t)__smlad(x->v[2 * i + 1], msf_sxtb16_odd(vw), (int32_t)acc);
  }
#else
  MSF_UNROLL16
  for (i = 0; i < k; ++i) acc += (uint32_t)(x->v[i] * w[i]);
#endif
  return acc;
}

/* Two pixels at once: acc + dot(x, w) returned, acc + dot(y, w) in *acc_y. */
MSF_DOT_FN uint32_t msf_dot_pre2(const msf_pre_input *x, const msf_pre_input *y, const int8_t *w, int32_t k,
                                 uint32_t acc, uint32_t *acc_y) {
  uint32_t sy = acc;
  int32_t i;
#ifdef MSF_DOT_DSP
  MSF_UNROLL16
  for (i = 0; i < k / 4; ++i) {
    const uint32_t vw = msf_load_s8x4(w + 4 * i);
    const int32_t we = __sxtb16(vw), wo = msf_sxtb16_odd(vw);
    acc = (uint32_t)__smlad(x->v[2 * i], we, (int32_t)acc);
    acc = (uint32_t)__smlad(x->v[2 * i + 1], wo, (int32_t)acc);
    sy = (uint32_t)__smlad(y->v[2 * i], we, (int32_t)sy);
    sy = (uint32_t)__smlad(y->v[2 * i + 1], wo, (int32_t)sy);
  }
#else
  MSF_UNROLL16
  for (i = 0; i < k; ++i) {
    const int32_t wi = w[i];
    acc += (uint32_t)(x->v[i] * wi), sy += (uint32_t)(y->v[i] * wi);
  }
#endif
  *acc_y = sy;
  return acc;
}

#endif /* MSF_DOT_S8_H */
