/* SPDX-License-Identifier: MIT */
/* DEPTHWISE_CONV_2D int8, optimised; the same bytes as
 * msf_depthwise_conv_s8_ref (TFLite's DepthwiseConvPerChannel) for every
 * input.
 *
 * Channels are innermost (NHWC): for each output pixel, four channels at a
 * time run over the kernel taps, so every tap reads four adjacent input
 * bytes and four adjacent weights. Tap rows are located once per output
 * row, tap columns once per pixel (ring buffers resolved there, never per
 * tap and channel); a tall rectangle (w < h, a fused block's streamed
 * column) runs column by column, its tap columns located once per column
 * and its tap rows once per chunk of rows (msf_row_span). Interior pixels
 * (window inside the tensor) start from the effective bias; 3x3 ones run
 * straight-line over the taps. Border
 * pixels add the input offset per tap over the valid taps only. With a depth
 * multiplier m > 1, each input value is loaded once per tap and used for
 * its m output channels. */
#include "msf_rt/msf_kernels.h"
#include "msf_conv_internal.h"
#include "msf_dot_s8.h"
#include "msf_requant_inline.h"

/* Larger kernels run the reference (the tap tables are on the stack). */
#define MSF_DW_MAX_K 8

/* The tap-row table is also a tall walk's row span (msf_row_span). */
typedef char msf_row_table_holds_every_tap_row[MSF_SPAN_ROWS >= MSF_DW_MAX_K ? 1 : -1];

int32_t msf_depthwise_conv_s8_buffer_size(const msf_conv_params *p) {
  (void)p;
  return 0;
}

void msf_depthwise_conv_s8_eff_bias(const msf_conv_params *p, const int8_t *filter,
                                    const int32_t *bias, int32_t *eff_bias) {
  const int32_t taps = p->kernel_h * p->kernel_w;
  int32_t oc, t;
  for (oc = 0; oc < p->out_c; ++oc) {
    uint32_t sum = 0;
    for (t = 0; t < taps; ++t) sum += (uint32_t)(int32_t)filter[t * p->out_c + oc];
    eff_bias[oc] = (int32_t)((bias ? (uint32_t)bias[oc] : 0u) + sum * (uint32_t)p->input_offset);
  }
}

typedef struct {
  const msf_conv_params *p;
  const int8_t *filter;
  const int32_t *bias, *eff_bias;
  const int32_t *multiplier, *shift;
  int32_t qstep;
  int32_t narrow; /* msf_rq_stage_narrow is exact (MSF_RQ_NARROW), per channel */
  const int8_t *const *rows;           /* storage row of each tap row, 0 outside */
  const int8_t *row_buf[MSF_SPAN_ROWS]; /* (rows points here; a tall walk's row span) */
  int32_t cols[MSF_DW_MAX_K];          /* byte offset of each tap column in its row */
} dw_ctx;

static inline int8_t dw_out(const dw_ctx *c, uint32_t acc, int32_t oc) {
  const msf_conv_params *p = c->p;
  return msf_rq_output((int32_t)acc, c->multiplier[oc * c->qstep], c->shift[oc * c->qstep],
                       p->output_offset, p->act_min, p->act_max);
}

/* One tap of four channels: x (4 inputs) times v (4 weights), plain
 * (DW_TAP) or with the input offset added (DW_TAP_OFFSET, border pixels),
 * into the accumulators a0..a3. With DSP one word load brings four channels
 * of a tap; SXTB16 (SXTAB16 with the offset pair off2) widens them to int16
 * pairs for SMLABB / SMLATT. */
#ifdef MSF_DOT_DSP
#define DW_TAP_WIDEN(xp, wp, widen_even, widen_odd)                \
  do {                                                             \
    const uint32_t x_ = msf_load_s8x4(xp), v_ = msf_load_s8x4(wp); \
    const int32_t xe_ = widen_even, xo_ = widen_odd;               \
    const int32_t ve_ = __sxtb16(v_), vo_ = msf_sxtb16_odd(v_);    \
    a0 = (uint32_t)__smlabb(xe_, ve_, (int32_t)a0);                \
    a2 = (uint32_t)__smlatt(xe_, ve_, (int32_t)a2);                \
    a1 = (uint32_t)__smlabb(xo_, vo_, (int32_t)a1);                \
    a3 = (uint32_t)__smlatt(xo_, vo_, (int32_t)a3);                \
    MSF_LOAD_FENCE();                                              \
  } while (0)
#define DW_TAP(xp, wp) DW_TAP_WIDEN(xp, wp, __sxtb16(x_), msf_sxtb16_odd(x_))
#define DW_TAP_OFFSET(xp, wp) \
  DW_TAP_WIDEN(xp, wp, __sxtab16(off2, x_), msf_sxtab16_odd(off2, x_))
#else
#define DW_TAP_ADD(xp, wp, off)                                     \
  do {                                                              \
    const int8_t *x_ = (xp), *v_ = (wp);                            \
    a0 += (uint32_t)((x_[0] + (off)) * v_[0]);                      \
    a1 += (uint32_t)((x_[1] + (off)) * v_[1]);                      \
    a2 += (uint32_t)((x_[2] + (off)) * v_[2]);                      \
    a3 += (uint32_t)((x_[3] + (off)) * v_[3]);                      \
  } while (0)
#define DW_TAP(xp, wp) DW_TAP_ADD(xp, wp, 0)
#define DW_TAP_OFFSET(xp, wp) DW_TAP_ADD(xp, wp, off)
#endif

/* Requantises a0..a3 into channels [ch, ch + 4) of dst; m, sh point at
 * channel ch's multiplier and shift, qs is 1 per channel, 0 per tensor. */
MSF_FORCE_INLINE void dw_store4_narrow(int8_t *dst, const int32_t *m, const int32_t *sh, int32_t qs,
                                       msf_out_stage o, int full, uint32_t a0, uint32_t a1, uint32_t a2,
                                       uint32_t a3) {
  const int32_t m0 = m[0], m1 = m[qs], m2 = m[2 * qs], m3 = m[3 * qs];
  const int32_t e0 = -sh[0], e1 = -sh[qs], e2 = -sh[2 * qs], e3 = -sh[3 * qs];
  dst[0] = msf_rq_stage_narrow((int32_t)a0, m0, e0, msf_rq_half(e0), o, full);
  dst[1] = msf_rq_stage_narrow((int32_t)a1, m1, e1, msf_rq_half(e1), o, full);
  dst[2] = msf_rq_stage_narrow((int32_t)a2, m2, e2, msf_rq_half(e2), o, full);
  dst[3] = msf_rq_stage_narrow((int32_t)a3, m3, e3, msf_rq_half(e3), o, full);
}
MSF_FORCE_INLINE void dw_store4(int8_t *dst, const int32_t *m, const int32_t *sh, int32_t qs,
                                msf_out_stage o, int full, int narrow, uint32_t a0, uint32_t a1,
                                uint32_t a2, uint32_t a3) {
  if (narrow) {
    dw_store4_narrow(dst, m, sh, qs, o, full, a0, a1, a2, a3);
    return;
  }
  {
    const int32_t m0 = m[0], m1 = m[qs], m2 = m[2 * qs], m3 = m[3 * qs];
    const int32_t s0 = sh[0], s1 = sh[qs], s2 = sh[2 * qs], s3 = sh[3 * qs];
    dst[0] = msf_rq_stage((int32_t)a0, m0, s0, o, full);
    dst[1] = msf_rq_stage((int32_t)a1, m1, s1, o, full);
    dst[2] = msf_rq_stage((int32_t)a2, m2, s2, o, full);
    dst[3] = msf_rq_stage((int32_t)a3, m3, s3, o, full);
  }
}

static msf_out_stage dw_stage(const dw_ctx *c) {
  msf_out_stage o;
  o.offset = c->p->output_offset, o.act_min = c->p->act_min, o.act_max = c->p->act_max;
  return o;
}

/* One channel (the tail of the four-channel loops). */
MSF_FORCE_INLINE uint32_t dw_one(const dw_ctx *c, int32_t ch, int32_t ky0, int32_t ky1,
                                 int32_t kx0, int32_t kx1, int border, uint32_t acc) {
  const int32_t channels = c->p->out_c, kw = c->p->kernel_w;
  const int32_t off = border ? c->p->input_offset : 0;
  int32_t ky, kx;
  for (ky = ky0; ky < ky1; ++ky) {
    const int8_t *row = c->rows[ky] + ch;
    const int8_t *w = c->filter + (ky * kw + kx0) * channels + ch;
    for (kx = kx0; kx < kx1; ++kx, w += channels) acc += (uint32_t)((row[c->cols[kx]] + off) * *w);
  }
  return acc;
}

/* Depth multiplier 1, any kernel, taps [ky0, ky1) x [kx0, kx1). Interior
 * (border == 0): from the effective bias, plain products. Border: from the
 * bias, the input offset added per tap (clipped taps are skipped, which is
 * TFLite's zero-point padding). */
MSF_FORCE_INLINE void dw_pixel(const dw_ctx *c, int32_t ky0, int32_t ky1, int32_t kx0, int32_t kx1,
                               int32_t kw, int border, int full, int narrow, int8_t *dst) {
  const int32_t channels = c->p->out_c, qs = narrow ? 1 : c->qstep;
  const int32_t *init = border ? c->bias : c->eff_bias;
  const msf_out_stage o = dw_stage(c);
#ifdef MSF_DOT_DSP
  const uint32_t off16 = (uint32_t)c->p->input_offset & 0xffffu;
  const uint32_t off2 = off16 | (off16 << 16);
#else
  const int32_t off = c->p->input_offset;
#endif
  int32_t ch = 0, ky, kx;
  for (; ch + 4 <= channels; ch += 4) {
    uint32_t a0 = init ? (uint32_t)init[ch] : 0u, a1 = init ? (uint32_t)init[ch + 1] : 0u;
    uint32_t a2 = init ? (uint32_t)init[ch + 2] : 0u, a3 = init ? (uint32_t)init[ch + 3] : 0u;
    for (ky = ky0; ky < ky1; ++ky) {
      const int8_t *row = c->rows[ky] + ch;
      const int8_t *w = c->filter + (ky * kw + kx0) * channels + ch;
      for (kx = kx0; kx < kx1; ++kx, w += channels) {
        if (border) {
          DW_TAP_OFFSET(row + c->cols[kx], w);
        } else {
          DW_TAP(row + c->cols[kx], w);
        }
      }
    }
    dw_store4(dst + ch, c->multiplier + ch * qs, c->shift + ch * qs, qs, o, full, narrow, a0, a1, a2, a3);
  }
  for (; ch < channels; ++ch) {
    const uint32_t acc = dw_one(c, ch, ky0, ky1, kx0, kx1, border, init ? (uint32_t)init[ch] : 0u);
    dst[ch] = dw_out(c, acc, ch);
  }
}

/* The most common pixel of MobileNet-like networks: interior 3x3, depth
 * multiplier 1; taps unrolled, four channels per iteration. */
MSF_FORCE_INLINE void dw_3x3(const dw_ctx *c, int full, int narrow, int8_t *dst) {
  /* (narrow: per channel, c->narrow is only set so) */
  const int32_t channels = c->p->out_c, qs = narrow ? 1 : c->qstep;
  const msf_out_stage o = dw_stage(c);
  const int32_t *m = c->multiplier, *sh = c->shift;
  const int8_t *r0 = c->rows[0], *r1 = c->rows[1], *r2 = c->rows[2];
  const int32_t c0 = c->cols[0], c1 = c->cols[1], c2 = c->cols[2];
  int32_t ch = 0;
  for (; ch + 4 <= channels; ch += 4) {
    const int8_t *w = c->filter + ch;
    uint32_t a0 = (uint32_t)c->eff_bias[ch], a1 = (uint32_t)c->eff_bias[ch + 1];
    uint32_t a2 = (uint32_t)c->eff_bias[ch + 2], a3 = (uint32_t)c->eff_bias[ch + 3];
    DW_TAP(r0 + c0 + ch, w);
    DW_TAP(r0 + c1 + ch, w + channels);
    DW_TAP(r0 + c2 + ch, w + 2 * channels);
    w += 3 * channels;
    DW_TAP(r1 + c0 + ch, w);
    DW_TAP(r1 + c1 + ch, w + channels);
    DW_TAP(r1 + c2 + ch, w + 2 * channels);
    w += 3 * channels;
    DW_TAP(r2 + c0 + ch, w);
    DW_TAP(r2 + c1 + ch, w + channels);
    DW_TAP(r2 + c2 + ch, w + 2 * channels);
    if (narrow) {
      dw_store4_narrow(dst + ch, m + ch * qs, sh + ch * qs, qs, o, full, a0, a1, a2, a3);
    } else {
      dw_store4(dst + ch, m + ch * qs, sh + ch * qs, qs, o, full, 0, a0, a1, a2, a3);
    }
  }
  for (; ch < channels; ++ch) {
    const uint32_t acc = dw_one(c, ch, 0, 3, 0, 3, 0, (uint32_t)c->eff_bias[ch]);
    dst[ch] = dw_out(c, acc, ch);
  }
}

MSF_NOINLINE void dw_interior_3x3_full(const dw_ctx *c, int8_t *dst) { dw_3x3(c, 1, 0, dst); }
MSF_NOINLINE void dw_interior_3x3(const dw_ctx *c, int8_t *dst) { dw_3x3(c, 0, 0, dst); }
MSF_NOINLINE void dw_interior_3x3_narrow(const dw_ctx *c, int8_t *dst) { dw_3x3(c, 1, 1, dst); }

/* The other pixel kinds, each a function of its own (see MSF_NOINLINE). */
MSF_NOINLINE void dw_interior(const dw_ctx *c, int8_t *dst) {
  dw_pixel(c, 0, c->p->kernel_h, 0, c->p->kernel_w, c->p->kernel_w, 0, 0, 0, dst);
}
MSF_NOINLINE void dw_interior_full(const dw_ctx *c, int8_t *dst) {
  dw_pixel(c, 0, c->p->kernel_h, 0, c->p->kernel_w, c->p->kernel_w, 0, 1, 0, dst);
}
MSF_NOINLINE void dw_interior_narrow(const dw_ctx *c, int8_t *dst) {
  dw_pixel(c, 0, c->p->kernel_h, 0, c->p->kernel_w, c->p->kernel_w, 0, 1, 1, dst);
}
/* Border pixels; 3x3 (the common kernel) with its row stride a literal. */
MSF_NOINLINE void dw_border(const dw_ctx *c, int32_t ky0, int32_t ky1, int32_t kx0, int32_t kx1,
                            int8_t *dst) {
  dw_pixel(c, ky0, ky1, kx0, kx1, c->p->kernel_w, 1, 0, 0, dst);
}
MSF_NOINLINE void dw_border_full(const dw_ctx *c, int32_t ky0, int32_t ky1, int32_t kx0,
                                 int32_t kx1, int8_t *dst) {
  if (c->p->kernel_w == 3) {
    dw_pixel(c, ky0, ky1, kx0, kx1, 3, 1, 1, 0, dst);
  } else {
    dw_pixel(c, ky0, ky1, kx0, kx1, c->p->kernel_w, 1, 1, 0, dst);
  }
}
MSF_NOINLINE void dw_border_narrow(const dw_ctx *c, int32_t ky0, int32_t ky1, int32_t kx0,
                                   int32_t kx1, int8_t *dst) {
  if (c->p->kernel_w == 3) {
    dw_pixel(c, ky0, ky1, kx0, kx1, 3, 1, 1, 1, dst);
  } else {
    dw_pixel(c, ky0, ky1, kx0, kx1, c->p->kernel_w, 1, 1, 1, dst);
  }
}

/* Depth multiplier m > 1: output channel oc reads input channel oc / m.
 * With m a multiple of 4 the input value is loaded once per tap for four
 * outputs (one word of weights, SMLABB / SMLATB with DSP). */
MSF_FORCE_INLINE void dw_mult(const dw_ctx *c, int32_t ky0, int32_t ky1, int32_t kx0, int32_t kx1,
                              int border, int full, int narrow, int8_t *dst) {
  const msf_conv_params *p = c->p;
  const int32_t m = p->depth_multiplier, channels = p->out_c, kw = p->kernel_w, qs = narrow ? 1 : c->qstep;
  const int32_t off = border ? p->input_offset : 0;
  const int32_t *init = border ? c->bias : c->eff_bias;
  const msf_out_stage o = dw_stage(c);
  int32_t oc = 0, ky, kx;
  if (m % 4 == 0) {
    /* four outputs of one input channel: the input value loaded once per tap */
    for (; oc < channels; oc += 4) {
      const int32_t ic = oc / m;
      uint32_t a0 = init ? (uint32_t)init[oc] : 0u, a1 = init ? (uint32_t)init[oc + 1] : 0u;
      uint32_t a2 = init ? (uint32_t)init[oc + 2] : 0u, a3 = init ? (uint32_t)init[oc + 3] : 0u;
      for (ky = ky0; ky < ky1; ++ky) {
        const int8_t *row = c->rows[ky] + ic;
        const int8_t *w = c->filter + (ky * kw + kx0) * channels + oc;
        for (kx = kx0; kx < kx1; ++kx, w += channels) {
          const int32_t v = row[c->cols[kx]] + off;
#ifdef MSF_DOT_DSP
          const uint32_t ww = msf_load_s8x4(w);
          const int32_t we = __sxtb16(ww), wo = msf_sxtb16_odd(ww);
          a0 = (uint32_t)__smlabb(we, v, (int32_t)a0), a2 = (uint32_t)__smlatb(we, v, (int32_t)a2);
          a1 = (uint32_t)__smlabb(wo, v, (int32_t)a1), a3 = (uint32_t)__smlatb(wo, v, (int32_t)a3);
#else
          a0 += (uint32_t)(v * w[0]), a1 += (uint32_t)(v * w[1]);
          a2 += (uint32_t)(v * w[2]), a3 += (uint32_t)(v * w[3]);
#endif
        }
      }
      dw_store4(dst + oc, c->multiplier + oc * qs, c->shift + oc * qs, qs, o, full, narrow, a0, a1, a2, a3);
    }
    return;
  }
  /* other multipliers: four consecutive outputs, each lane its own input channel */
  for (; oc + 4 <= channels; oc += 4) {
    const int32_t i0 = oc / m, i1 = (oc + 1) / m, i2 = (oc + 2) / m, i3 = (oc + 3) / m;
    uint32_t a0 = init ? (uint32_t)init[oc] : 0u, a1 = init ? (uint32_t)init[oc + 1] : 0u;
    uint32_t a2 = init ? (uint32_t)init[oc + 2] : 0u, a3 = init ? (uint32_t)init[oc + 3] : 0u;
    for (ky = ky0; ky < ky1; ++ky) {
      const int8_t *w = c->filter + (ky * kw + kx0) * channels + oc;
      for (kx = kx0; kx < kx1; ++kx, w += channels) {
        const int8_t *x = c->rows[ky] + c->cols[kx];
        a0 += (uint32_t)((x[i0] + off) * w[0]), a1 += (uint32_t)((x[i1] + off) * w[1]);
        a2 += (uint32_t)((x[i2] + off) * w[2]), a3 += (uint32_t)((x[i3] + off) * w[3]);
      }
    }
    dw_store4(dst + oc, c->multiplier + oc * qs, c->shift + oc * qs, qs, o, full, narrow, a0, a1, a2, a3);
  }
  for (; oc < channels; ++oc) {
    const int32_t ic = oc / m;
    uint32_t a = init ? (uint32_t)init[oc] : 0u;
    for (ky = ky0; ky < ky1; ++ky) {
      const int8_t *row = c->rows[ky] + ic;
      const int8_t *w = c->filter + (ky * kw + kx0) * channels + oc;
      for (kx = kx0; kx < kx1; ++kx, w += channels) a += (uint32_t)((row[c->cols[kx]] + off) * *w);
    }
    dst[oc] = dw_out(c, a, oc);
  }
}
MSF_NOINLINE void dw_mult_interior(const dw_ctx *c, int full, int8_t *dst) {
  if (full && c->narrow) {
    dw_mult(c, 0, c->p->kernel_h, 0, c->p->kernel_w, 0, 1, 1, dst);
  } else if (full) {
    dw_mult(c, 0, c->p->kernel_h, 0, c->p->kernel_w, 0, 1, 0, dst);
  } else {
    dw_mult(c, 0, c->p->kernel_h, 0, c->p->kernel_w, 0, 0, 0, dst);
  }
}
MSF_NOINLINE void dw_mult_border(const dw_ctx *c, int32_t ky0, int32_t ky1, int32_t kx0,
                                 int32_t kx1, int8_t *dst) {
  dw_mult(c, ky0, ky1, kx0, kx1, 1, 0, 0, dst);
}

/* One output pixel: the kernel for its window (interior or clipped). */
MSF_FORCE_INLINE void dw_dispatch(const dw_ctx *c, int32_t ky0, int32_t ky1, int32_t kx0,
                                  int32_t kx1, int full, int8_t *dst) {
  const msf_conv_params *p = c->p;
  const int border = ky0 != 0 || ky1 != p->kernel_h || kx0 != 0 || kx1 != p->kernel_w;
  if (p->depth_multiplier != 1) {
    if (border) {
      dw_mult_border(c, ky0, ky1, kx0, kx1, dst);
    } else {
      dw_mult_interior(c, full, dst);
    }
  } else if (border) {
    (full ? (c->narrow ? dw_border_narrow : dw_border_full) : dw_border)(c, ky0, ky1, kx0, kx1, dst);
  } else if (p->kernel_h == 3 && p->kernel_w == 3) {
    (full ? (c->narrow ? dw_interior_3x3_narrow : dw_interior_3x3_full) : dw_interior_3x3)(c, dst);
  } else {
    (full ? (c->narrow ? dw_interior_narrow : dw_interior_full) : dw_interior)(c, dst);
  }
}

/* The interior kernel of depth multiplier 1 (dw_dispatch's choice for a
 * window inside the tensor), chosen once per call. */
typedef void (*dw_fn)(const dw_ctx *c, int8_t *dst);
static dw_fn dw_interior_for(const dw_ctx *c, int full) {
  if (c->p->kernel_h == 3 && c->p->kernel_w == 3)
    return full ? (c->narrow ? dw_interior_3x3_narrow : dw_interior_3x3_full) : dw_interior_3x3;
  return full ? (c->narrow ? dw_interior_narrow : dw_interior_full) : dw_interior;
}

/* A tall rectangle (a streamed column of a fused block) in chunks of
 * `chunk` output rows (msf_span_chunk; 0: returns 0, walk row by row): the
 * chunk's input rows located once (msf_row_span into row_buf), each
 * column's tap columns once per column, so a pixel costs a pointer into the
 * span. */
static int dw_tall(dw_ctx *c, const msf_view *in, const msf_rect *r, msf_view *out, int full, int32_t chunk) {
  const msf_conv_params *p = c->p;
  const int32_t s = p->stride_h, kh = p->kernel_h;
  const int32_t out_row_bytes = out->w * out->c, y_end = r->y0 + r->h;
  const dw_fn interior = p->depth_multiplier == 1 ? dw_interior_for(c, full) : 0;
  int32_t y, ox, i;
  if (chunk == 0) return 0;
  for (y = r->y0; y < y_end; y += chunk) {
    const int32_t n = y_end - y < chunk ? y_end - y : chunk, y_first = y * s - p->pad_top;
    msf_row_span(in, y_first, p->in_h, (n - 1) * s + kh, c->row_buf);
    for (ox = r->x0; ox < r->x0 + r->w; ++ox) {
      const int32_t x_origin = ox * p->stride_w - p->pad_left;
      int8_t *const dst_col = out->data + msf_view_col(out, ox) * out->c;
      int32_t out_row = msf_view_row(out, y), kx0, kx1, col_inside;
      msf_valid_taps(x_origin, p->dilation_w, p->kernel_w, p->in_w, &kx0, &kx1);
      msf_tap_cols(in, x_origin, p->dilation_w, kx0, kx1, c->cols);
      col_inside = interior != 0 && kx0 == 0 && kx1 == p->kernel_w;
      for (i = 0; i < n; ++i, out_row = msf_row_step(out, out_row, 1)) {
        const int32_t y_origin = y_first + i * s;
        int8_t *const dst = dst_col + out_row * out_row_bytes;
        c->rows = c->row_buf + i * s;
        if (col_inside && y_origin >= 0 && y_origin <= p->in_h - kh) {
          interior(c, dst);
        } else {
          int32_t ky0, ky1;
          msf_valid_taps(y_origin, 1, kh, p->in_h, &ky0, &ky1);
          dw_dispatch(c, ky0, ky1, kx0, kx1, full, dst);
        }
      }
    }
  }
  c->rows = c->row_buf;
  return 1;
}

int msf_depthwise_conv_s8_layer_ok(const msf_conv_params *p, const msf_requant *q, const int8_t *filter) {
  return msf_conv_layer_check(p, q, filter, 1);
}

msf_status msf_depthwise_conv_s8(const msf_conv_params *p, const msf_requant *q,
                                 const msf_view *in, const int8_t *filter, const int32_t *bias,
                                 const int32_t *eff_bias, const msf_rect *out_rect, msf_view *out) {
  if (!msf_conv_layer_check(p, q, filter, 1)) return MSF_ARG_ERROR;
  return msf_depthwise_conv_s8_cell(p, q, in, filter, bias, eff_bias, out_rect, out);
}

int msf_depthwise_conv_s8_cell_ok(const msf_conv_params *p, const msf_view *in, const msf_rect *out_rect,
                                  const msf_view *out) {
  return msf_conv_call_check(p, in, out_rect, out) == MSF_OK;
}

msf_status msf_depthwise_conv_s8_cell(const msf_conv_params *p, const msf_requant *q,
                                      const msf_view *in, const int8_t *filter, const int32_t *bias,
                                      const int32_t *eff_bias, const msf_rect *out_rect, msf_view *out) {
  if (!msf_depthwise_conv_s8_cell_ok(p, in, out_rect, out)) return MSF_ARG_ERROR;
  return msf_depthwise_conv_s8_cell_run(p, q, in, filter, bias, eff_bias, out_rect, out);
}

msf_status msf_depthwise_conv_s8_cell_run(const msf_conv_params *p, const msf_requant *q,
                                          const msf_view *in, const int8_t *filter, const int32_t *bias,
                                          const int32_t *eff_bias, const msf_rect *out_rect, msf_view *out) {
  dw_ctx c;
  int32_t oy, ox, ky0, ky1, full;
  if (out_rect->h == 0 || out_rect->w == 0) return MSF_OK;
  if (eff_bias == 0 || p->kernel_h > MSF_DW_MAX_K || p->kernel_w > MSF_DW_MAX_K ||
      !msf_requant_fast_ok(q, p->out_c) ||
      !msf_offset_fast_ok(p->input_offset))
    return msf_depthwise_conv_s8_ref(p, q, in, filter, bias, out_rect, out);

  c.p = p, c.filter = filter, c.bias = bias, c.eff_bias = eff_bias;
  c.multiplier = q->multiplier, c.shift = q->shift, c.qstep = q->per_channel ? 1 : 0;
  c.narrow = MSF_RQ_NARROW(q) && q->per_channel; /* the narrow kernels step per channel */
  full = p->act_min == -128 && p->act_max == 127;
  c.rows = c.row_buf;

  if (out_rect->w < out_rect->h &&
      dw_tall(&c, in, out_rect, out, full, msf_span_chunk((p->kernel_h - 1) * p->dilation_h + 1, p->stride_h,
                                                          p->dilation_h)))
    return MSF_OK;
  /* Row by row (dw_dispatch written out: the hot path of whole layers). */
  for (oy = out_rect->y0; oy < out_rect->y0 + out_rect->h; ++oy) {
    const int32_t y_origin = oy * p->stride_h - p->pad_top;
    msf_valid_taps(y_origin, p->dilation_h, p->kernel_h, p->in_h, &ky0, &ky1);
    msf_tap_rows(in, y_origin, p->dilation_h, p->kernel_h, ky0, ky1, c.row_buf);
    for (ox = out_rect->x0; ox < out_rect->x0 + out_rect->w; ++ox) {
      const int32_t x_origin = ox * p->stride_w - p->pad_left;
      int8_t *dst = msf_view_pixel(out, oy, ox);
      int32_t kx0, kx1, border;
      msf_valid_taps(x_origin, p->dilation_w, p->kernel_w, p->in_w, &kx0, &kx1);
      msf_tap_cols(in, x_origin, p->dilation_w, kx0, kx1, c.cols);
      border = ky0 != 0 || ky1 != p->kernel_h || kx0 != 0 || kx1 != p->kernel_w;
      if (p->depth_multiplier != 1) {
        if (border) {
          dw_mult_border(&c, ky0, ky1, kx0, kx1, dst);
        } else {
          dw_mult_interior(&c, full, dst);
        }
      } else if (border) {
        (full ? (c.narrow ? dw_border_narrow : dw_border_full) : dw_border)(&c, ky0, ky1, kx0, kx1, dst);
      } else if (p->kernel_h == 3 && p->kernel_w == 3) {
        (full ? (c.narrow ? dw_interior_3x3_narrow : dw_interior_3x3_full) : dw_interior_3x3)(&c, dst);
      } else {
        (full ? (c.narrow ? dw_interior_narrow : dw_interior_full) : dw_interior)(&c, dst);
      }
    }
  }
  return MSF_OK;
}
