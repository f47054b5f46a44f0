/* SPDX-License-Identifier: MIT */
/* CONV_2D int8, optimised; the same bytes as msf_conv_s8_ref (TFLite's
 * reference_integer_ops::ConvPerChannel) for every input.
 *
 * The rectangle is walked row by row. Per output row the input row of
 * every kernel tap row is located once, per output pixel the column of every
 * tap (ring buffers resolved there, never per tap and channel). A tall
 * rectangle (w < h: the one- or two-column streamed cells of a fused block)
 * is walked column by column instead, its columns located once per column
 * and its tap rows once per chunk of rows (msf_row_span). An output
 * pixel whose window lies wholly inside the tensor is "interior": its window
 * is kh runs of kw * in_c contiguous bytes (or kh * kw runs of in_c when the
 * window is dilated or wraps around a ring buffer) that are multiplied with
 * the matching weight runs, starting from the effective bias
 * eff_bias = bias + input_offset * sum(w), so the input offset never enters
 * the inner loop. Two horizontally adjacent interior pixels are computed
 * together, two output channels at a time (msf_dot_s8.h). "Border" pixels
 * (window clipped by padding) add the offset per tap, over the valid taps
 * only, which equals TFLite's zero-point padding. A 1x1 convolution is the
 * case kh = kw = 1: a [pixels x in_c] x [in_c x out_c] product. */
#include "msf_rt/msf_kernels.h"
#include "msf_conv_internal.h"
#include "msf_dot_s8.h"
#include "msf_requant_inline.h"

/* Larger kernels run the reference (the tap tables are on the stack). */
#define MSF_CONV_MAX_K 8

/* The tap-row table is also a tall walk's row span (msf_row_span). */
typedef char msf_row_table_holds_every_tap_row[MSF_SPAN_ROWS >= MSF_CONV_MAX_K ? 1 : -1];

int32_t msf_conv_s8_buffer_size(const msf_conv_params *p) {
  (void)p;
  return 0;
}

void msf_conv_s8_eff_bias(const msf_conv_params *p, const int8_t *filter, const int32_t *bias,
                          int32_t *eff_bias) {
  const int32_t taps = p->kernel_h * p->kernel_w * p->in_c;
  int32_t oc, i;
  for (oc = 0; oc < p->out_c; ++oc) {
    uint32_t sum = 0;
    for (i = 0; i < taps; ++i) sum += (uint32_t)(int32_t)filter[oc * taps + i];
    eff_bias[oc] = (int32_t)((bias ? (uint32_t)bias[oc] : 0u) + sum * (uint32_t)p->input_offset);
  }
}

/* Two int16 lanes: lo in the low half, hi in the high half. */
static int32_t wide_pair(int32_t lo, int32_t hi) {
  return (int32_t)(((uint32_t)lo & 0xffffu) | ((uint32_t)hi << 16));
}

/* The stem's table: per output channel and tap row, 4 words for the row's
 * first 8 bytes, then (w8 | 0); the DSP kernels widen an input pixel into
 * the same layout (stem_widen). */
#define STEM_ROW_WORDS 5
#define STEM_OC_WORDS (3 * STEM_ROW_WORDS)

int32_t msf_conv_s8_wide_weights_size(const msf_conv_params *p) {
  if (p->kernel_h == 1 && p->kernel_w == 1 && MSF_CONV_S8_FIXED_K(p->in_c)) return p->out_c * p->in_c / 2;
  if (MSF_CONV_S8_STEM_3X3X3(p)) return p->out_c * STEM_OC_WORDS;
  return 0;
}

void msf_conv_s8_wide_weights(const msf_conv_params *p, const int8_t *filter, int32_t *wide) {
  const int stem = !(p->kernel_h == 1 && p->kernel_w == 1);
  const int32_t runs = stem ? p->out_c * 3 : p->out_c * p->in_c / 4; /* 9-byte rows or 4-byte words */
  int32_t r;
  for (r = 0; r < runs; ++r) {
    const int8_t *const w = filter + (stem ? 9 * r : 4 * r);
    *wide++ = wide_pair(w[0], w[2]), *wide++ = wide_pair(w[1], w[3]);
    if (stem) *wide++ = wide_pair(w[4], w[6]), *wide++ = wide_pair(w[5], w[7]), *wide++ = wide_pair(w[8], 0);
  }
}

typedef struct {
  const msf_conv_params *p;
  const int8_t *filter;
  const int32_t *bias, *eff_bias;
  const int32_t *multiplier, *shift;
  int32_t qstep; /* 1 per channel, 0 per tensor */
  int32_t narrow; /* msf_rq_stage_narrow is exact (MSF_RQ_NARROW), per channel */
  int32_t taps;  /* filter bytes per output channel */
  const int8_t *const *rows;             /* storage row of each tap row, 0 outside */
  const int8_t *row_buf[MSF_SPAN_ROWS]; /* (rows points here; a tall walk's row span) */
} conv_ctx;

/* The window of one pixel as runs of contiguous bytes within each tap row. */
typedef struct {
  int32_t off[MSF_CONV_MAX_K]; /* byte offset of run r in the row */
  int32_t runs, len;           /* runs per row and bytes per run */
} conv_window;

/* Columns of the window starting at x_origin (all inside the tensor). */
static void locate_window(const msf_conv_params *p, const msf_view *in, int32_t x_origin,
                          conv_window *win) {
  const int32_t first = msf_view_col(in, x_origin);
  int32_t kx;
  if (p->dilation_w == 1 && (!in->ring_x || first + p->kernel_w <= in->w)) {
    win->runs = 1, win->len = p->kernel_w * p->in_c, win->off[0] = first * p->in_c;
    return;
  }
  win->runs = p->kernel_w, win->len = p->in_c;
  for (kx = 0; kx < p->kernel_w; ++kx)
    win->off[kx] = msf_view_col(in, x_origin + kx * p->dilation_w) * p->in_c;
}

static inline int8_t conv_out(const conv_ctx *c, uint32_t acc, int32_t oc) {
  const msf_conv_params *p = c->p;
  return msf_rq_output((int32_t)acc, c->multiplier[oc * c->qstep], c->shift[oc * c->qstep],
                       p->output_offset, p->act_min, p->act_max);
}

/* The arguments of the 1x1 pixel kernels, gathered once per call and
 * passed by address: a dozen arguments on every pixel pair's call cost
 * more stores than the pair's requantisation. */
typedef struct {
  const int8_t *w;
  const int32_t *eff, *m, *sh;
  int32_t k, qs, out_c;
  msf_out_stage o;
#ifdef MSF_DOT_DSP
  const int32_t *wide; /* msf_conv_params.wide_weights */
#endif
} pw_args;

/* A 1x1 convolution of two pixels: [2 x k] x [k x out_c], everything the
 * loop needs in arguments (no loads through the context in the loop).
 * `full` and `narrow` (literals) pick the output stage. */
MSF_FORCE_INLINE void pointwise_2px(const int8_t *a, const int8_t *b, const int8_t *w, int32_t k,
                                    const int32_t *eff, const int32_t *m, const int32_t *sh,
                                    int32_t qs, int32_t out_c, msf_out_stage o, int full, int narrow,
                                    int8_t *dst_a, int8_t *dst_b) {
  const int8_t *const w_end = w + (out_c & ~1) * k;
  while (w != w_end) {
    msf_acc2x2 acc;
    acc.a0 = acc.b0 = (uint32_t)eff[0];
    acc.a1 = acc.b1 = (uint32_t)eff[1];
    msf_dot_2x2(a, b, w, w + k, k, &acc);
    if (narrow) {
      const int32_t m0 = m[0], m1 = m[qs], e0 = -sh[0], e1 = -sh[qs];
      const int32_t h0 = msf_rq_half(e0), h1 = msf_rq_half(e1);
      dst_a[0] = msf_rq_stage_narrow((int32_t)acc.a0, m0, e0, h0, o, full);
      dst_b[0] = msf_rq_stage_narrow((int32_t)acc.b0, m0, e0, h0, o, full);
      dst_a[1] = msf_rq_stage_narrow((int32_t)acc.a1, m1, e1, h1, o, full);
      dst_b[1] = msf_rq_stage_narrow((int32_t)acc.b1, m1, e1, h1, o, full);
    } else {
      const int32_t m0 = m[0], m1 = m[qs], s0 = sh[0], s1 = sh[qs];
      dst_a[0] = msf_rq_stage((int32_t)acc.a0, m0, s0, o, full);
      dst_b[0] = msf_rq_stage((int32_t)acc.b0, m0, s0, o, full);
      dst_a[1] = msf_rq_stage((int32_t)acc.a1, m1, s1, o, full);
      dst_b[1] = msf_rq_stage((int32_t)acc.b1, m1, s1, o, full);
    }
    w += 2 * k, eff += 2, m += 2 * qs, sh += 2 * qs, dst_a += 2, dst_b += 2;
  }
  if (out_c & 1) {
    uint32_t sa = (uint32_t)eff[0], sb = sa;
    msf_dot_1x2(w, a, b, k, &sa, &sb);
    dst_a[0] = msf_rq_stage((int32_t)sa, m[0], sh[0], o, full);
    dst_b[0] = msf_rq_stage((int32_t)sb, m[0], sh[0], o, full);
  }
}

typedef void (*pw2_fn)(const pw_args *g, const int8_t *a, const int8_t *b, int8_t *dst_a, int8_t *dst_b);

/* The variants: K a literal (the small K of early layers, 8 and 16: the dot
 * products unroll) or any (K = 0), and the output stage. */
#define MSF_PW2(NAME, BODY, K, FULL, NARROW)                                                        \
  MSF_NOINLINE void NAME(const pw_args *g, const int8_t *a, const int8_t *b, int8_t *dst_a,         \
                         int8_t *dst_b) {                                                           \
    BODY(a, b, g->w, (K) ? (K) : g->k, g->eff, g->m, g->sh, (NARROW) ? 1 : g->qs, g->out_c, g->o,    \
         FULL, NARROW, dst_a, dst_b);                                                               \
  }
MSF_PW2(pointwise_2px_full, pointwise_2px, 0, 1, 0)
MSF_PW2(pointwise_2px_clamp, pointwise_2px, 0, 0, 0)
MSF_PW2(pointwise_2px_narrow, pointwise_2px, 0, 1, 1)

/* One pixel of a 1x1 convolution (an unpaired one: see conv_pointwise). */
MSF_FORCE_INLINE void pointwise_1px(const int8_t *a, const int8_t *w, int32_t k, const int32_t *eff,
                                    const int32_t *m, const int32_t *sh, int32_t qs, int32_t out_c,
                                    msf_out_stage o, int full, int narrow, int8_t *dst) {
#ifdef MSF_DOT_DSP
  /* three channels at a time (msf_dot_1x3), then the last one or two */
  const int8_t *const w_end3 = w + (out_c - out_c % 3) * k;
  while (w != w_end3) {
    uint32_t s[3];
    s[0] = (uint32_t)eff[0], s[1] = (uint32_t)eff[1], s[2] = (uint32_t)eff[2];
    msf_dot_1x3(a, w, k, s);
    if (narrow) {
      const int32_t e0 = -sh[0], e1 = -sh[qs], e2 = -sh[2 * qs];
      dst[0] = msf_rq_stage_narrow((int32_t)s[0], m[0], e0, msf_rq_half(e0), o, full);
      dst[1] = msf_rq_stage_narrow((int32_t)s[1], m[qs], e1, msf_rq_half(e1), o, full);
      dst[2] = msf_rq_stage_narrow((int32_t)s[2], m[2 * qs], e2, msf_rq_half(e2), o, full);
    } else {
      dst[0] = msf_rq_stage((int32_t)s[0], m[0], sh[0], o, full);
      dst[1] = msf_rq_stage((int32_t)s[1], m[qs], sh[qs], o, full);
      dst[2] = msf_rq_stage((int32_t)s[2], m[2 * qs], sh[2 * qs], o, full);
    }
    w += 3 * k, eff += 3, m += 3 * qs, sh += 3 * qs, dst += 3;
  }
  if (out_c % 3 == 2) {
    uint32_t s0 = (uint32_t)eff[0], s1 = (uint32_t)eff[1];
    msf_dot_1x2(a, w, w + k, k, &s0, &s1);
    dst[0] = msf_rq_stage((int32_t)s0, m[0], sh[0], o, full);
    dst[1] = msf_rq_stage((int32_t)s1, m[qs], sh[qs], o, full);
  } else if (out_c % 3 == 1) {
    dst[0] = msf_rq_stage((int32_t)msf_dot_1x1(a, w, k, (uint32_t)eff[0]), m[0], sh[0], o, full);
  }
#else /* four channels at a time */
  const int8_t *const w_end4 = w + (out_c & ~3) * k, *const w_end2 = w + (out_c & ~1) * k;
  while (w != w_end4) {
    uint32_t s[4];
    s[0] = (uint32_t)eff[0], s[1] = (uint32_t)eff[1], s[2] = (uint32_t)eff[2], s[3] = (uint32_t)eff[3];
    msf_dot_1x4(a, w, k, s);
    if (narrow) {
      const int32_t e0 = -sh[0], e1 = -sh[qs], e2 = -sh[2 * qs], e3 = -sh[3 * qs];
      dst[0] = msf_rq_stage_narrow((int32_t)s[0], m[0], e0, msf_rq_half(e0), o, full);
      dst[1] = msf_rq_stage_narrow((int32_t)s[1], m[qs], e1, msf_rq_half(e1), o, full);
      dst[2] = msf_rq_stage_narrow((int32_t)s[2], m[2 * qs], e2, msf_rq_half(e2), o, full);
      dst[3] = msf_rq_stage_narrow((int32_t)s[3], m[3 * qs], e3, msf_rq_half(e3), o, full);
    } else {
      dst[0] = msf_rq_stage((int32_t)s[0], m[0], sh[0], o, full);
      dst[1] = msf_rq_stage((int32_t)s[1], m[qs], sh[qs], o, full);
      dst[2] = msf_rq_stage((int32_t)s[2], m[2 * qs], sh[2 * qs], o, full);
      dst[3] = msf_rq_stage((int32_t)s[3], m[3 * qs], sh[3 * qs], o, full);
    }
    w += 4 * k, eff += 4, m += 4 * qs, sh += 4 * qs, dst += 4;
  }
  if (w != w_end2) {
    uint32_t s0 = (uint32_t)eff[0], s1 = (uint32_t)eff[1];
    msf_dot_1x2(a, w, w + k, k, &s0, &s1);
    if (narrow) {
      const int32_t e0 = -sh[0], e1 = -sh[qs];
      dst[0] = msf_rq_stage_narrow((int32_t)s0, m[0], e0, msf_rq_half(e0), o, full);
      dst[1] = msf_rq_stage_narrow((int32_t)s1, m[qs], e1, msf_rq_half(e1), o, full);
    } else {
      dst[0] = msf_rq_stage((int32_t)s0, m[0], sh[0], o, full);
      dst[1] = msf_rq_stage((int32_t)s1, m[qs], sh[qs], o, full);
    }
    w += 2 * k, eff += 2, m += 2 * qs, sh += 2 * qs, dst += 2;
  }
  if (out_c & 1) dst[0] = msf_rq_stage((int32_t)msf_dot_1x1(a, w, k, (uint32_t)eff[0]), m[0], sh[0], o, full);
#endif
}
/* One pixel of a 1x1 convolution with K a literal (8, 16): the input
 * widened once (msf_pre_load), then one output channel at a time. */
MSF_FORCE_INLINE void pointwise_1px_pre(const int8_t *a, const int8_t *w, const int32_t *wide, int32_t k,
                                        const int32_t *eff, const int32_t *m, const int32_t *sh, int32_t qs,
                                        int32_t out_c, msf_out_stage o, int full, int narrow, int8_t *dst) {
  msf_pre_input x;
  int32_t oc;
  (void)wide; /* (DSP only) */
  msf_pre_load(a, k, &x);
  for (oc = 0; oc < out_c; ++oc, w += k) {
#ifdef MSF_DOT_DSP /* the host-widened weights: no SXTB16 */
    int32_t i, s = eff[oc];
    MSF_UNROLL16
    for (i = 0; i < k / 2; ++i) s = __smlad(x.v[i], wide[i], s);
    wide += k / 2;
#else
    const int32_t s = (int32_t)msf_dot_pre(&x, w, k, (uint32_t)eff[oc]);
#endif
    if (narrow) {
      const int32_t e = -sh[oc];
      dst[oc] = msf_rq_stage_narrow(s, m[oc], e, msf_rq_half(e), o, full);
    } else {
      dst[oc] = msf_rq_stage(s, m[oc * qs], sh[oc * qs], o, full);
    }
  }
}

typedef void (*pw1_fn)(const pw_args *g, const int8_t *a, int8_t *dst);

#define MSF_PW1(NAME, BODY, K, FULL, NARROW)                                                     \
  MSF_NOINLINE void NAME(const pw_args *g, const int8_t *a, int8_t *dst) {                       \
    BODY(a, g->w, (K) ? (K) : g->k, g->eff, g->m, g->sh, (NARROW) ? 1 : g->qs, g->out_c, g->o,   \
         FULL, NARROW, dst);                                                                     \
  }
MSF_PW1(pointwise_1px_full, pointwise_1px, 0, 1, 0)
MSF_PW1(pointwise_1px_clamp, pointwise_1px, 0, 0, 0)
MSF_PW1(pointwise_1px_narrow, pointwise_1px, 0, 1, 1)
/* The K = 8, 16 variants. With DSP they read the host-widened weights
 * (pointwise_1px_for picks them only for a layer that has them). */
#ifdef MSF_DOT_DSP
#define MSF_PW_WIDE(g) ((g)->wide)
#else
#define MSF_PW_WIDE(g) ((const int32_t *)0)
#endif
#define MSF_PW1_PRE(NAME, K, FULL, NARROW)                                                             \
  MSF_NOINLINE void NAME(const pw_args *g, const int8_t *a, int8_t *dst) {                             \
    pointwise_1px_pre(a, g->w, MSF_PW_WIDE(g), K, g->eff, g->m, g->sh, (NARROW) ? 1 : g->qs, g->out_c, \
                      g->o, FULL, NARROW, dst);                                                        \
  }
MSF_PW1_PRE(pointwise_1px_k8_full, 8, 1, 0)
MSF_PW1_PRE(pointwise_1px_k8_clamp, 8, 0, 0)
MSF_PW1_PRE(pointwise_1px_k8_narrow, 8, 1, 1)
MSF_PW1_PRE(pointwise_1px_k16_full, 16, 1, 0)
MSF_PW1_PRE(pointwise_1px_k16_clamp, 16, 0, 0)
MSF_PW1_PRE(pointwise_1px_k16_narrow, 16, 1, 1)

/* Two pixels of a 1x1 convolution with K = 8 (and 16 with DSP): both inputs widened once,
 * then one output channel at a time (the 2 x 2 blocking of pointwise_2px
 * runs out of registers at this K and reloads its inputs per channel pair). */
MSF_FORCE_INLINE void pointwise_2px_pre(const int8_t *a, const int8_t *b, const int8_t *w, const int32_t *wide,
                                        int32_t k, const int32_t *eff, const int32_t *m, const int32_t *sh,
                                        int32_t qs, int32_t out_c, msf_out_stage o, int full, int narrow,
                                        int8_t *dst_a, int8_t *dst_b) {
  msf_pre_input x, y;
  int32_t oc;
  (void)wide; /* (DSP only) */
  msf_pre_load(a, k, &x);
  msf_pre_load(b, k, &y);
  for (oc = 0; oc < out_c; ++oc, w += k) {
#ifdef MSF_DOT_DSP /* the host-widened weights: no SXTB16 */
    uint32_t sa = (uint32_t)eff[oc], sb = sa;
    int32_t i;
    MSF_UNROLL16
    for (i = 0; i < k / 2; ++i) {
      const int32_t v = wide[i];
      sa = (uint32_t)__smlad(x.v[i], v, (int32_t)sa), sb = (uint32_t)__smlad(y.v[i], v, (int32_t)sb);
    }
    wide += k / 2;
#else
    uint32_t sb;
    const uint32_t sa = msf_dot_pre2(&x, &y, w, k, (uint32_t)eff[oc], &sb);
#endif
    if (narrow) {
      const int32_t e = -sh[oc], h = msf_rq_half(e), mm = m[oc];
      dst_a[oc] = msf_rq_stage_narrow((int32_t)sa, mm, e, h, o, full);
      dst_b[oc] = msf_rq_stage_narrow((int32_t)sb, mm, e, h, o, full);
    } else {
      dst_a[oc] = msf_rq_stage((int32_t)sa, m[oc * qs], sh[oc * qs], o, full);
      dst_b[oc] = msf_rq_stage((int32_t)sb, m[oc * qs], sh[oc * qs], o, full);
    }
  }
}

#define MSF_PW2_PRE(NAME, K, FULL, NARROW)                                                               \
  MSF_NOINLINE void NAME(const pw_args *g, const int8_t *a, const int8_t *b, int8_t *dst_a, int8_t *dst_b) { \
    pointwise_2px_pre(a, b, g->w, MSF_PW_WIDE(g), K, g->eff, g->m, g->sh, (NARROW) ? 1 : g->qs, g->out_c,  \
                      g->o, FULL, NARROW, dst_a, dst_b);                                                  \
  }
MSF_PW2_PRE(pointwise_2px_k8_full, 8, 1, 0)
MSF_PW2_PRE(pointwise_2px_k8_clamp, 8, 0, 0)
MSF_PW2_PRE(pointwise_2px_k8_narrow, 8, 1, 1)
#ifdef MSF_DOT_DSP /* K = 16 as well: 8 registers of int16 pairs per pixel */
MSF_PW2_PRE(pointwise_2px_k16_full, 16, 1, 0)
MSF_PW2_PRE(pointwise_2px_k16_clamp, 16, 0, 0)
MSF_PW2_PRE(pointwise_2px_k16_narrow, 16, 1, 1)
#else /* (portable: 2 x 16 widened inputs would not fit RV32's registers) */
MSF_PW2(pointwise_2px_k16_full, pointwise_2px, 16, 1, 0)
MSF_PW2(pointwise_2px_k16_clamp, pointwise_2px, 16, 0, 0)
MSF_PW2(pointwise_2px_k16_narrow, pointwise_2px, 16, 1, 1)
#endif

/* The literal K of the variants above are MSF_CONV_S8_FIXED_K's (msf_kernels.h), which the
 * latency model reads: adding one means adding it there. */
typedef char msf_conv_fixed_k_is_8_and_16[MSF_CONV_S8_FIXED_K(8) && MSF_CONV_S8_FIXED_K(16) ? 1 : -1];

/* The single-pixel kernel for K and the output stage (as pointwise_2px_for). */
static pw1_fn pointwise_1px_for(int32_t k, int full, int narrow) {
  if (k == 8) return full ? (narrow ? pointwise_1px_k8_narrow : pointwise_1px_k8_full) : pointwise_1px_k8_clamp;
  if (k == 16)
    return full ? (narrow ? pointwise_1px_k16_narrow : pointwise_1px_k16_full) : pointwise_1px_k16_clamp;
  return full ? (narrow ? pointwise_1px_narrow : pointwise_1px_full) : pointwise_1px_clamp;
}

/* The pair kernel for K and the output stage, chosen once per call. */
/* (narrow is only set per channel: qs a literal 1 there) */
static pw2_fn pointwise_2px_for(int32_t k, int full, int narrow) {
  if (k == 8) return full ? (narrow ? pointwise_2px_k8_narrow : pointwise_2px_k8_full) : pointwise_2px_k8_clamp;
  if (k == 16)
    return full ? (narrow ? pointwise_2px_k16_narrow : pointwise_2px_k16_full) : pointwise_2px_k16_clamp;
  return full ? (narrow ? pointwise_2px_narrow : pointwise_2px_full) : pointwise_2px_clamp;
}

/* An interior pixel whose window is kh contiguous runs of kw * in_c bytes
 * (dilation_w == 1, no ring wrap): the address of each run. */
typedef struct {
  const int8_t *run[MSF_CONV_MAX_K];
} conv_px;

/* Two such pixels, two output channels at a time; the runs meet the
 * weights [oc][ky][...] row by row. */
MSF_FORCE_INLINE void kxk_2px(const conv_ctx *c, const conv_px *pa, const conv_px *pb, int full,
                              int narrow, int32_t kh_lit, int32_t len_lit, int8_t *dst_a, int8_t *dst_b) {
  const msf_conv_params *p = c->p;
  /* kh_lit, len_lit: the kernel rows and run length as literals (0: any) */
  const int32_t kh = kh_lit ? kh_lit : p->kernel_h, len = len_lit ? len_lit : p->kernel_w * p->in_c;
  const int32_t taps = kh_lit && len_lit ? kh_lit * len_lit : c->taps, qs = narrow ? 1 : c->qstep;
  const int32_t out_c = p->out_c;
  const int32_t *m = c->multiplier, *sh = c->shift, *eff = c->eff_bias;
  const int8_t *w0 = c->filter;
  msf_out_stage o;
  int32_t oc, ky;
  o.offset = p->output_offset, o.act_min = p->act_min, o.act_max = p->act_max;
  for (oc = 0; oc + 2 <= out_c; oc += 2) {
    const int8_t *w1 = w0 + taps;
    msf_acc2x2 acc;
    acc.a0 = acc.b0 = (uint32_t)eff[oc];
    acc.a1 = acc.b1 = (uint32_t)eff[oc + 1];
    MSF_UNROLL4 /* (the stem's 3 rows, kh a literal) */
    for (ky = 0; ky < kh; ++ky) msf_dot_2x2(pa->run[ky], pb->run[ky], w0 + ky * len, w1 + ky * len, len, &acc);
    if (narrow) {
      const int32_t m0 = m[0], m1 = m[qs], e0 = -sh[0], e1 = -sh[qs];
      const int32_t h0 = msf_rq_half(e0), h1 = msf_rq_half(e1);
      dst_a[oc] = msf_rq_stage_narrow((int32_t)acc.a0, m0, e0, h0, o, full);
      dst_b[oc] = msf_rq_stage_narrow((int32_t)acc.b0, m0, e0, h0, o, full);
      dst_a[oc + 1] = msf_rq_stage_narrow((int32_t)acc.a1, m1, e1, h1, o, full);
      dst_b[oc + 1] = msf_rq_stage_narrow((int32_t)acc.b1, m1, e1, h1, o, full);
    } else {
      const int32_t m0 = m[0], m1 = m[qs], s0 = sh[0], s1 = sh[qs];
      dst_a[oc] = msf_rq_stage((int32_t)acc.a0, m0, s0, o, full);
      dst_b[oc] = msf_rq_stage((int32_t)acc.b0, m0, s0, o, full);
      dst_a[oc + 1] = msf_rq_stage((int32_t)acc.a1, m1, s1, o, full);
      dst_b[oc + 1] = msf_rq_stage((int32_t)acc.b1, m1, s1, o, full);
    }
    w0 = w1 + taps, m += 2 * qs, sh += 2 * qs;
  }
  if (oc < out_c) {
    uint32_t sa = (uint32_t)eff[oc], sb = sa;
    /* one weight run against both pixels: dot is symmetric */
    for (ky = 0; ky < kh; ++ky) msf_dot_1x2(w0 + ky * len, pa->run[ky], pb->run[ky], len, &sa, &sb);
    dst_a[oc] = msf_rq_stage((int32_t)sa, m[0], sh[0], o, full);
    dst_b[oc] = msf_rq_stage((int32_t)sb, m[0], sh[0], o, full);
  }
}
MSF_NOINLINE void kxk_2px_full(const conv_ctx *c, const conv_px *pa, const conv_px *pb,
                               int8_t *dst_a, int8_t *dst_b) {
  kxk_2px(c, pa, pb, 1, 0, 0, 0, dst_a, dst_b);
}
MSF_NOINLINE void kxk_2px_narrow(const conv_ctx *c, const conv_px *pa, const conv_px *pb,
                                 int8_t *dst_a, int8_t *dst_b) {
  kxk_2px(c, pa, pb, 1, 1, 0, 0, dst_a, dst_b);
}
#ifdef MSF_DOT_DSP
/* A stem pixel's 27 inputs widened once per pixel pair, not once per output
 * channel pair: per tap row its 8 first inputs as 4 SXTB16 pairs, then the
 * 9th. Stationary inputs cut the stem's work per (2 pixels x 2 channels)
 * step from 258 to 201 instructions on Cortex-M4; the two pixels take 120 B
 * of stack. */
typedef struct {
  int32_t v[STEM_OC_WORDS];
} stem_px;

MSF_FORCE_INLINE void stem_widen(const conv_px *px, stem_px *x) {
  int32_t ky;
  MSF_UNROLL4
  for (ky = 0; ky < 3; ++ky) {
    const int8_t *const r = px->run[ky];
    const uint32_t lo = msf_load_s8x4(r), hi = msf_load_s8x4(r + 4);
    int32_t *const v = x->v + STEM_ROW_WORDS * ky;
    v[0] = __sxtb16(lo), v[1] = msf_sxtb16_odd(lo), v[2] = __sxtb16(hi), v[3] = msf_sxtb16_odd(hi);
    v[4] = r[8];
  }
}

/* The 3x3 stem over 3 input channels: two pixels (`two`, a literal; else
 * pa's alone), two output channels at a time, on the host-widened weights
 * (STEM_OC_WORDS per output channel, msf_conv_s8_wide_weights; the 9th tap
 * against a zero high lane). */
MSF_FORCE_INLINE void stem_px_run(const conv_ctx *c, const conv_px *pa, const conv_px *pb, int two, int full,
                                  int narrow, int8_t *dst_a, int8_t *dst_b) {
  const msf_conv_params *p = c->p;
  const int32_t out_c = p->out_c, qs = narrow ? 1 : c->qstep;
  const int32_t *m = c->multiplier, *sh = c->shift, *eff = c->eff_bias;
  const int8_t *w0 = c->filter; /* (the odd last channel's) */
  const int32_t *wide = p->wide_weights;
  msf_out_stage o;
  stem_px x, y;
  int32_t oc, ky;
  o.offset = p->output_offset, o.act_min = p->act_min, o.act_max = p->act_max;
  stem_widen(pa, &x);
  if (two) stem_widen(pb, &y);
  for (oc = 0; oc + 2 <= out_c; oc += 2) {
    const int8_t *const w1 = w0 + 27;
    uint32_t a0 = (uint32_t)eff[oc], b0 = a0, a1 = (uint32_t)eff[oc + 1], b1 = a1; /* wraps as TFLite's */
    MSF_UNROLL4
    for (ky = 0; ky < 3; ++ky) {
      const int32_t *const xv = x.v + STEM_ROW_WORDS * ky, *const yv = y.v + STEM_ROW_WORDS * ky;
      int32_t h;
      MSF_UNROLL4
      for (h = 0; h < 2; ++h) {
        const int32_t *const w0row = wide + STEM_ROW_WORDS * ky, *const w1row = w0row + STEM_OC_WORDS;
        const int32_t e0 = w0row[2 * h], o0 = w0row[2 * h + 1], e1 = w1row[2 * h], o1 = w1row[2 * h + 1];
        const int32_t xe = xv[2 * h], xo = xv[2 * h + 1];
        a0 = (uint32_t)__smlad(xe, e0, (int32_t)a0), a0 = (uint32_t)__smlad(xo, o0, (int32_t)a0);
        a1 = (uint32_t)__smlad(xe, e1, (int32_t)a1), a1 = (uint32_t)__smlad(xo, o1, (int32_t)a1);
        if (two) {
          const int32_t ye = yv[2 * h], yo = yv[2 * h + 1];
          b0 = (uint32_t)__smlad(ye, e0, (int32_t)b0), b0 = (uint32_t)__smlad(yo, o0, (int32_t)b0);
          b1 = (uint32_t)__smlad(ye, e1, (int32_t)b1), b1 = (uint32_t)__smlad(yo, o1, (int32_t)b1);
        }
      }
      { /* (w8, 0) against (x8, its sign) */
        const int32_t s0 = wide[STEM_ROW_WORDS * ky + 4], s1 = wide[STEM_OC_WORDS + STEM_ROW_WORDS * ky + 4];
        a0 = (uint32_t)__smlad(xv[4], s0, (int32_t)a0), a1 = (uint32_t)__smlad(xv[4], s1, (int32_t)a1);
        if (two) b0 = (uint32_t)__smlad(yv[4], s0, (int32_t)b0), b1 = (uint32_t)__smlad(yv[4], s1, (int32_t)b1);
      }
    }
    if (narrow) {
      const int32_t m0 = m[0], m1 = m[qs], e0 = -sh[0], e1 = -sh[qs];
      const int32_t h0 = msf_rq_half(e0), h1 = msf_rq_half(e1);
      dst_a[oc] = msf_rq_stage_narrow((int32_t)a0, m0, e0, h0, o, full);
      dst_a[oc + 1] = msf_rq_stage_narrow((int32_t)a1, m1, e1, h1, o, full);
      if (two) {
        dst_b[oc] = msf_rq_stage_narrow((int32_t)b0, m0, e0, h0, o, full);
        dst_b[oc + 1] = msf_rq_stage_narrow((int32_t)b1, m1, e1, h1, o, full);
      }
    } else {
      const int32_t m0 = m[0], m1 = m[qs], s0 = sh[0], s1 = sh[qs];
      dst_a[oc] = msf_rq_stage((int32_t)a0, m0, s0, o, full);
      dst_a[oc + 1] = msf_rq_stage((int32_t)a1, m1, s1, o, full);
      if (two) {
        dst_b[oc] = msf_rq_stage((int32_t)b0, m0, s0, o, full);
        dst_b[oc + 1] = msf_rq_stage((int32_t)b1, m1, s1, o, full);
      }
    }
    w0 = w1 + 27, wide += 2 * STEM_OC_WORDS, m += 2 * qs, sh += 2 * qs;
  }
  if (oc < out_c) {
    uint32_t sa = (uint32_t)eff[oc], sb = sa;
    MSF_UNROLL4
    for (ky = 0; ky < 3; ++ky) {
      const int32_t *const xv = x.v + STEM_ROW_WORDS * ky, *const yv = y.v + STEM_ROW_WORDS * ky;
      const uint32_t lo = msf_load_s8x4(w0 + 9 * ky), hi = msf_load_s8x4(w0 + 9 * ky + 4);
      const int32_t el = __sxtb16(lo), ol = msf_sxtb16_odd(lo), eh = __sxtb16(hi), oh = msf_sxtb16_odd(hi);
      const int32_t s = w0[9 * ky + 8];
      sa = (uint32_t)__smlad(xv[1], ol, __smlad(xv[0], el, (int32_t)sa));
      sa = (uint32_t)__smlad(xv[3], oh, __smlad(xv[2], eh, (int32_t)sa)) + (uint32_t)(xv[4] * s);
      if (two) {
        sb = (uint32_t)__smlad(yv[1], ol, __smlad(yv[0], el, (int32_t)sb));
        sb = (uint32_t)__smlad(yv[3], oh, __smlad(yv[2], eh, (int32_t)sb)) + (uint32_t)(yv[4] * s);
      }
    }
    dst_a[oc] = msf_rq_stage((int32_t)sa, m[0], sh[0], o, full);
    if (two) dst_b[oc] = msf_rq_stage((int32_t)sb, m[0], sh[0], o, full);
  }
}
#define MSF_STEM_2PX(c, pa, pb, full, narrow, dst_a, dst_b) stem_px_run(c, pa, pb, 1, full, narrow, dst_a, dst_b)
/* A stem pixel alone (a column of odd height leaves one): half a pair's work. */
MSF_NOINLINE void kxk_1px_k3c3_narrow(const conv_ctx *c, const conv_px *pa, int8_t *dst) {
  stem_px_run(c, pa, pa, 0, 1, 1, dst, dst);
}
MSF_NOINLINE void kxk_1px_k3c3_full(const conv_ctx *c, const conv_px *pa, int8_t *dst) {
  stem_px_run(c, pa, pa, 0, 1, 0, dst, dst);
}
#else /* the generic pair kernel with the stem's shape as literals */
#define MSF_STEM_2PX(c, pa, pb, full, narrow, dst_a, dst_b) kxk_2px(c, pa, pb, full, narrow, 3, 9, dst_a, dst_b)
#endif
/* The 3x3 stem over 3 input channels (runs of 9 bytes), narrow or full. */
MSF_NOINLINE void kxk_2px_k3c3_narrow(const conv_ctx *c, const conv_px *pa, const conv_px *pb,
                                      int8_t *dst_a, int8_t *dst_b) {
  MSF_STEM_2PX(c, pa, pb, 1, 1, dst_a, dst_b);
}
MSF_NOINLINE void kxk_2px_k3c3_full(const conv_ctx *c, const conv_px *pa, const conv_px *pb,
                                    int8_t *dst_a, int8_t *dst_b) {
  MSF_STEM_2PX(c, pa, pb, 1, 0, dst_a, dst_b);
}
typedef void (*kxk2_fn)(const conv_ctx *c, const conv_px *pa, const conv_px *pb, int8_t *dst_a,
                        int8_t *dst_b);
/* With DSP the stem's kernels read the host-widened weights: a layer
 * without them runs the generic pair kernel. */
#ifdef MSF_DOT_DSP
#define STEM_TABLE_OK(p) ((p)->wide_weights != 0)
#else
#define STEM_TABLE_OK(p) 1
#endif
MSF_NOINLINE void kxk_2px_clamp(const conv_ctx *c, const conv_px *pa, const conv_px *pb,
                                int8_t *dst_a, int8_t *dst_b) {
  kxk_2px(c, pa, pb, 0, 0, 0, 0, dst_a, dst_b);
}

/* One interior pixel. */
MSF_FORCE_INLINE void interior_1px_body(const conv_ctx *c, const conv_window *win, int narrow, int8_t *dst) {
  const msf_conv_params *p = c->p;
  const int32_t kh = p->kernel_h, kw_c = p->kernel_w * p->in_c, len = win->len, qs = narrow ? 1 : c->qstep;
  const int32_t out_c = p->out_c, off = p->output_offset, lo = p->act_min, hi = p->act_max;
  const int32_t taps = c->taps;
  const int32_t *m = c->multiplier, *sh = c->shift;
  const int8_t *w0 = c->filter;
  int32_t oc, ky, r;
  for (oc = 0; oc + 2 <= out_c; oc += 2) {
    const int8_t *w1 = w0 + taps;
    uint32_t s0 = (uint32_t)c->eff_bias[oc], s1 = (uint32_t)c->eff_bias[oc + 1];
    for (ky = 0; ky < kh; ++ky) {
      for (r = 0; r < win->runs; ++r) {
        const int32_t w = ky * kw_c + r * len;
        msf_dot_1x2(c->rows[ky] + win->off[r], w0 + w, w1 + w, len, &s0, &s1);
      }
    }
    if (narrow) {
      msf_out_stage o;
      const int32_t e0 = -sh[0], e1 = -sh[qs];
      o.offset = off, o.act_min = lo, o.act_max = hi;
      dst[oc] = msf_rq_stage_narrow((int32_t)s0, m[0], e0, msf_rq_half(e0), o, 0);
      dst[oc + 1] = msf_rq_stage_narrow((int32_t)s1, m[qs], e1, msf_rq_half(e1), o, 0);
    } else {
      const int32_t m0 = m[0], m1 = m[qs], sh0 = sh[0], sh1 = sh[qs];
      dst[oc] = msf_rq_output((int32_t)s0, m0, sh0, off, lo, hi);
      dst[oc + 1] = msf_rq_output((int32_t)s1, m1, sh1, off, lo, hi);
    }
    w0 = w1 + taps, m += 2 * qs, sh += 2 * qs;
  }
  if (oc < out_c) {
    uint32_t s = (uint32_t)c->eff_bias[oc];
    for (ky = 0; ky < kh; ++ky) {
      for (r = 0; r < win->runs; ++r)
        s = msf_dot_1x1(c->rows[ky] + win->off[r], w0 + ky * kw_c + r * len, len, s);
    }
    dst[oc] = conv_out(c, s, oc);
  }
}
/* One interior pixel (narrow: per channel, any activation range). */
MSF_NOINLINE void interior_1px_narrow(const conv_ctx *c, const conv_window *win, int8_t *dst) {
  interior_1px_body(c, win, 1, dst);
}
MSF_NOINLINE void interior_1px_wide(const conv_ctx *c, const conv_window *win, int8_t *dst) {
  interior_1px_body(c, win, 0, dst);
}
MSF_FORCE_INLINE void interior_1px(const conv_ctx *c, const conv_window *win, int8_t *dst) {
  (c->narrow ? interior_1px_narrow : interior_1px_wide)(c, win, dst);
}

/* A pixel whose window is clipped by padding: valid taps only, offset per tap. */
MSF_NOINLINE void border_px(const conv_ctx *c, const msf_view *in, int32_t ky0, int32_t ky1,
                             int32_t x_origin, int32_t kx0, int32_t kx1, int8_t *dst) {
  const msf_conv_params *p = c->p;
  const int32_t in_c = p->in_c, off = p->input_offset, kw_c = p->kernel_w * in_c;
  const int32_t out_c = p->out_c, taps = c->taps;
  int32_t cols[MSF_CONV_MAX_K];
  int32_t oc, ky, kx, runs, len;
  if (kx1 <= kx0 || ky1 <= ky0) { /* no tap inside: the bias alone */
    for (oc = 0; oc < out_c; ++oc) dst[oc] = conv_out(c, c->bias ? (uint32_t)c->bias[oc] : 0u, oc);
    return;
  }
  /* The valid taps of a row as one run when they are contiguous, else one
   * run per tap; cols[r] is the byte offset of run r, starting at tap kx0. */
  cols[0] = msf_view_col(in, x_origin + kx0 * p->dilation_w) * in_c;
  if (p->dilation_w == 1 && msf_cols_contiguous(in, cols[0] / in_c, kx1 - kx0)) {
    runs = 1, len = (kx1 - kx0) * in_c;
  } else {
    runs = kx1 - kx0, len = in_c;
    for (kx = kx0 + 1; kx < kx1; ++kx) cols[kx - kx0] = msf_view_col(in, x_origin + kx * p->dilation_w) * in_c;
  }
  for (oc = 0; oc < out_c; oc += 2) {
    /* an odd last channel reuses its own weights as the second (written once) */
    const int32_t oc1 = oc + 1 < out_c ? oc + 1 : oc;
    const int8_t *w0 = c->filter + oc * taps + kx0 * in_c, *w1 = c->filter + oc1 * taps + kx0 * in_c;
    uint32_t s0 = c->bias ? (uint32_t)c->bias[oc] : 0u, s1 = c->bias ? (uint32_t)c->bias[oc1] : 0u;
    int32_t r;
    for (ky = ky0; ky < ky1; ++ky) {
      for (r = 0; r < runs; ++r) {
        const int32_t w = ky * kw_c + r * len;
        msf_dot_1x2_offset(c->rows[ky] + cols[r], w0 + w, w1 + w, len, off, &s0, &s1);
      }
    }
    dst[oc] = conv_out(c, s0, oc);
    if (oc1 != oc) dst[oc1] = conv_out(c, s1, oc1);
  }
}

/* The context of one call. */
MSF_FORCE_INLINE void conv_ctx_init(conv_ctx *c, const msf_conv_params *p, const msf_requant *q,
                                    const int8_t *filter, const int32_t *bias, const int32_t *eff_bias) {
  c->p = p, c->filter = filter, c->bias = bias, c->eff_bias = eff_bias;
  c->multiplier = q->multiplier, c->shift = q->shift, c->qstep = q->per_channel ? 1 : 0;
  c->narrow = MSF_RQ_NARROW(q) && q->per_channel; /* the narrow kernels step per channel */
  c->taps = p->kernel_h * p->kernel_w * p->in_c;
  c->rows = c->row_buf;
}

/* The pixel pairing of conv_pointwise: a pixel waits for the next one. */
typedef struct {
  const int8_t *src;
  int8_t *dst;
} pw_pending;

/* One inside pixel of a 1x1 convolution: paired with the waiting one, or
 * waits. */
MSF_FORCE_INLINE void pointwise_pair(const pw_args *g, pw2_fn pw2, const int8_t *src, int8_t *dst,
                                     pw_pending *pending) {
  if (pending->src == 0) {
    pending->src = src, pending->dst = dst;
    return;
  }
  pw2(g, pending->src, src, pending->dst, dst);
  pending->src = 0;
}

/* A 1x1 convolution over the rectangle. Interior pixels are paired in
 * visiting order, across rows too, so a one-column patch (a streamed
 * column of a fused block) still runs two pixels per weight load. A tall
 * rectangle is visited column by column, so that the input and output
 * columns (a modulo on ring buffers) are located once per column. Pixels
 * on the padding (a padded 1x1 convolution) get the bias alone. */
static void conv_pointwise(conv_ctx *c, const msf_view *in, const msf_rect *r, msf_view *out) {
  const msf_conv_params *p = c->p;
  const int32_t row_bytes = in->w * in->c, out_row_bytes = out->w * out->c;
  pw_args g;
  int full;
  pw2_fn pw2;
  pw1_fn pw1;
  pw_pending pending;
  int32_t oy, ox, kfix;
  g.o.offset = p->output_offset, g.o.act_min = p->act_min, g.o.act_max = p->act_max;
  g.w = c->filter, g.eff = c->eff_bias, g.m = c->multiplier, g.sh = c->shift;
  g.k = p->in_c, g.qs = c->qstep, g.out_c = p->out_c;
  full = msf_out_stage_full(g.o);
#ifdef MSF_DOT_DSP
  g.wide = p->wide_weights;
  /* the K = 8, 16 kernels read the host-widened weights; without them the generic ones */
  kfix = g.wide != 0 ? p->in_c : 0;
#else
  kfix = p->in_c;
#endif
  pw1 = pointwise_1px_for(kfix, full, c->narrow);
  if (r->w == 1 && r->h == 1) { /* one pixel (a network's 1x1 head, a fused block's cell) */
    const int32_t iy = r->y0 * p->stride_h - p->pad_top, ix = r->x0 * p->stride_w - p->pad_left;
    int8_t *dst = msf_view_pixel(out, r->y0, r->x0);
    if (iy < 0 || iy >= p->in_h || ix < 0 || ix >= p->in_w) {
      border_px(c, in, 0, 0, ix, 0, 0, dst);
    } else {
      pw1(&g, msf_view_pixel(in, iy, ix), dst);
    }
    return;
  }
  pw2 = pointwise_2px_for(kfix, full, c->narrow);
  pending.src = 0, pending.dst = 0;
  if (r->w < r->h) { /* a tall rectangle: column by column */
    const int32_t iy0 = r->y0 * p->stride_h - p->pad_top;
    const int rows_in = iy0 >= 0 && iy0 + (r->h - 1) * p->stride_h < p->in_h;
    for (ox = r->x0; ox < r->x0 + r->w; ++ox) {
      const int32_t ix = ox * p->stride_w - p->pad_left;
      const int col_in = ix >= 0 && ix < p->in_w;
      const int8_t *const src_col = in->data + (col_in ? msf_view_col(in, ix) * p->in_c : 0);
      int8_t *const dst_col = out->data + msf_view_col(out, ox) * out->c;
      int32_t in_row = msf_view_row(in, iy0), out_row = msf_view_row(out, r->y0);
      if (col_in && rows_in && !in->ring_y && !out->ring_y) {
        /* the whole column inside plain rows: pairs by pointer steps */
        const int32_t src_step = p->stride_h * row_bytes;
        const int8_t *src = src_col + in_row * row_bytes;
        int8_t *dst = dst_col + out_row * out_row_bytes;
        int32_t n = r->h;
        if (pending.src != 0) {
          pw2(&g, pending.src, src, pending.dst, dst);
          pending.src = 0, src += src_step, dst += out_row_bytes, --n;
        }
        for (; n >= 2; n -= 2, src += 2 * src_step, dst += 2 * out_row_bytes)
          pw2(&g, src, src + src_step, dst, dst + out_row_bytes);
        if (n == 1) pending.src = src, pending.dst = dst;
        continue;
      }
      for (oy = r->y0; oy < r->y0 + r->h; ++oy) {
        int8_t *const dst = dst_col + out_row * out_row_bytes;
        const int32_t iy = oy * p->stride_h - p->pad_top;
        if (col_in && (rows_in || (iy >= 0 && iy < p->in_h))) {
          pointwise_pair(&g, pw2, src_col + in_row * row_bytes, dst, &pending);
        } else {
          border_px(c, in, 0, 0, ix, 0, 0, dst);
        }
        in_row = msf_row_step(in, in_row, p->stride_h), out_row = msf_row_step(out, out_row, 1);
      }
    }
  } else { /* row by row */
    for (oy = r->y0; oy < r->y0 + r->h; ++oy) {
      const int32_t iy = oy * p->stride_h - p->pad_top;
      const int row_in = iy >= 0 && iy < p->in_h;
      const int8_t *const src_row = row_in ? in->data + msf_view_row(in, iy) * row_bytes : 0;
      for (ox = r->x0; ox < r->x0 + r->w; ++ox) {
        const int32_t ix = ox * p->stride_w - p->pad_left;
        int8_t *dst = msf_view_pixel(out, oy, ox);
        if (!row_in || ix < 0 || ix >= p->in_w) { /* padding: the bias alone */
          border_px(c, in, 0, 0, ix, 0, 0, dst);
          continue;
        }
        pointwise_pair(&g, pw2, src_row + msf_view_col(in, ix) * p->in_c, dst, &pending);
      }
    }
  }
  if (pending.src != 0) pw1(&g, pending.src, pending.dst);
}

/* The column of the pixels a kxk convolution visits: its window's valid
 * taps [kx0, kx1), the storage column of its first tap, whether the
 * window's columns are contiguous, the output column's byte offset. */
typedef struct {
  int32_t x_origin, kx0, kx1, first, contiguous, dst;
} conv_col;

MSF_FORCE_INLINE void conv_col_locate(const msf_conv_params *p, const msf_view *in, const msf_view *out,
                                      int32_t ox, conv_col *col) {
  col->x_origin = ox * p->stride_w - p->pad_left;
  msf_valid_taps(col->x_origin, p->dilation_w, p->kernel_w, p->in_w, &col->kx0, &col->kx1);
  col->first = msf_view_col(in, col->x_origin);
  col->contiguous = p->dilation_w == 1 && msf_cols_contiguous(in, col->first, p->kernel_w);
  col->dst = msf_view_col(out, ox) * out->c;
}

/* One output pixel of a kxk convolution, its tap rows in c->rows: a
 * border pixel or a non-contiguous window at once, a contiguous interior
 * one paired with the next (pa waits in *pending). */
MSF_FORCE_INLINE void kxk_visit(conv_ctx *c, const msf_view *in, kxk2_fn kxk2, int32_t ky0, int32_t ky1,
                                const conv_col *col, int8_t *dst, conv_window *win, conv_px *pa,
                                conv_px *pb, int32_t *pending, int8_t **pending_dst) {
  const msf_conv_params *p = c->p;
  int32_t ky;
  if (ky0 != 0 || ky1 != p->kernel_h || col->kx0 != 0 || col->kx1 != p->kernel_w) {
    border_px(c, in, ky0, ky1, col->x_origin, col->kx0, col->kx1, dst);
    return;
  }
  if (!col->contiguous) {
    locate_window(p, in, col->x_origin, win);
    interior_1px(c, win, dst);
    return;
  }
  {
    conv_px *px = *pending ? pb : pa;
    const int32_t off = col->first * p->in_c;
    for (ky = 0; ky < p->kernel_h; ++ky) px->run[ky] = c->rows[ky] + off;
  }
  if (!*pending) {
    *pending = 1, *pending_dst = dst;
    return;
  }
  kxk2(c, pa, pb, *pending_dst, dst);
  *pending = 0;
}

/* A kxk convolution over the rectangle. */
static void conv_kxk(conv_ctx *c, const msf_view *in, const msf_rect *out_rect, msf_view *out) {
  const msf_conv_params *p = c->p;
  conv_window win;
  conv_px pa, pb;
  conv_col col;
  int8_t *pending_dst = 0;
  int32_t oy, ox, ky0, ky1, full, pending = 0;
  kxk2_fn kxk2;
  const int32_t x_end = out_rect->x0 + out_rect->w;
  const int32_t chunk = msf_span_chunk((p->kernel_h - 1) * p->dilation_h + 1, p->stride_h, p->dilation_h);
  full = p->act_min == -128 && p->act_max == 127;
  if (!full) {
    kxk2 = kxk_2px_clamp;
  } else if (MSF_CONV_S8_STEM_3X3X3(p) && STEM_TABLE_OK(p)) {
    kxk2 = c->narrow ? kxk_2px_k3c3_narrow : kxk_2px_k3c3_full;
  } else {
    kxk2 = c->narrow ? kxk_2px_narrow : kxk_2px_full;
  }
  /* Interior pixels with contiguous windows are paired in visiting order
   * (across rows too, so one-column patches pair vertically). A tall
   * rectangle is visited column by column: the window's columns (a modulo
   * on ring buffers) and the output column are located once per column. */
  if (out_rect->w < out_rect->h && chunk != 0) {
    /* in chunks of rows whose input rows are located once (msf_row_span) */
    const int32_t out_row_bytes = out->w * out->c, s = p->stride_h;
    const int32_t kh = p->kernel_h, y_end = out_rect->y0 + out_rect->h;
    int32_t y, i;
    for (y = out_rect->y0; y < y_end; y += chunk) {
      const int32_t n = y_end - y < chunk ? y_end - y : chunk, y_first = y * s - p->pad_top;
      msf_row_span(in, y_first, p->in_h, (n - 1) * s + kh, c->row_buf);
      for (ox = out_rect->x0; ox < x_end; ++ox) {
        int32_t out_row = msf_view_row(out, y);
        conv_col_locate(p, in, out, ox, &col);
        for (i = 0; i < n; ++i, out_row = msf_row_step(out, out_row, 1)) {
          const int32_t y_origin = y_first + i * s;
          c->rows = c->row_buf + i * s;
          if (y_origin >= 0 && y_origin <= p->in_h - kh) {
            ky0 = 0, ky1 = kh;
          } else {
            msf_valid_taps(y_origin, 1, kh, p->in_h, &ky0, &ky1);
          }
          kxk_visit(c, in, kxk2, ky0, ky1, &col, out->data + out_row * out_row_bytes + col.dst, &win, &pa,
                    &pb, &pending, &pending_dst);
        }
      }
    }
    c->rows = c->row_buf;
  } else { /* row by row (as kxk_visit, written out: the hot path of whole layers) */
    for (oy = out_rect->y0; oy < out_rect->y0 + out_rect->h; ++oy) {
      const int32_t y_origin = oy * p->stride_h - p->pad_top;
      int32_t ky;
      msf_valid_taps(y_origin, p->dilation_h, p->kernel_h, p->in_h, &ky0, &ky1);
      msf_tap_rows(in, y_origin, p->dilation_h, p->kernel_h, ky0, ky1, c->row_buf);
      for (ox = out_rect->x0; ox < x_end; ++ox) {
        const int32_t x_origin = ox * p->stride_w - p->pad_left;
        int8_t *dst = msf_view_pixel(out, oy, ox);
        int32_t kx0, kx1, first;
        msf_valid_taps(x_origin, p->dilation_w, p->kernel_w, p->in_w, &kx0, &kx1);
        if (ky0 != 0 || ky1 != p->kernel_h || kx0 != 0 || kx1 != p->kernel_w) {
          border_px(c, in, ky0, ky1, x_origin, kx0, kx1, dst);
          continue;
        }
        first = msf_view_col(in, x_origin);
        if (p->dilation_w != 1 || !msf_cols_contiguous(in, first, p->kernel_w)) {
          locate_window(p, in, x_origin, &win);
          interior_1px(c, &win, dst);
          continue;
        }
        {
          conv_px *px = pending ? &pb : &pa;
          for (ky = 0; ky < p->kernel_h; ++ky) px->run[ky] = c->rows[ky] + first * p->in_c;
        }
        if (!pending) {
          pending = 1, pending_dst = dst;
          continue;
        }
        kxk2(c, &pa, &pb, pending_dst, dst);
        pending = 0;
      }
    }
  }
  if (pending && kxk2 != kxk_2px_clamp && MSF_CONV_S8_STEM_3X3X3(p) && STEM_TABLE_OK(p)) {
#ifdef MSF_DOT_DSP /* the last unpaired stem pixel: its own kernel */
    (kxk2 == kxk_2px_k3c3_narrow ? kxk_1px_k3c3_narrow : kxk_1px_k3c3_full)(c, &pa, pending_dst);
#else
    /* the last unpaired stem pixel: as a pair of itself (the same bytes
     * written twice), cheaper than interior_1px's generic loops */
    kxk2(c, &pa, &pa, pending_dst, pending_dst);
#endif
  } else if (pending) {
    /* the last unpaired pixel: its runs as a one-run window over rows */
    int32_t ky;
    win.runs = 1, win.len = p->kernel_w * p->in_c, win.off[0] = 0;
    for (ky = 0; ky < p->kernel_h; ++ky) c->row_buf[ky] = pa.run[ky];
    c->rows = c->row_buf;
    interior_1px(c, &win, pending_dst);
  }
}

int msf_conv_s8_layer_ok(const msf_conv_params *p, const msf_requant *q, const int8_t *filter) {
  return msf_conv_layer_check(p, q, filter, 0);
}

int msf_conv_s8_cell_ok(const msf_conv_params *p, const msf_view *in, const msf_rect *out_rect,
                        const msf_view *out) {
  return msf_conv_call_check(p, in, out_rect, out) == MSF_OK;
}

msf_status msf_conv_s8_cell_run(const msf_conv_params *p, const msf_requant *q, const msf_view *in,
                                const int8_t *filter, const int32_t *bias, const int32_t *eff_bias,
                                const msf_rect *out_rect, msf_view *out) {
  conv_ctx c;
  if (out_rect->h == 0 || out_rect->w == 0) return MSF_OK;
  if (eff_bias == 0 || p->kernel_h > MSF_CONV_MAX_K || p->kernel_w > MSF_CONV_MAX_K ||
      !msf_requant_fast_ok(q, p->out_c) ||
      !msf_offset_fast_ok(p->input_offset))
    return msf_conv_s8_ref(p, q, in, filter, bias, out_rect, out);
  conv_ctx_init(&c, p, q, filter, bias, eff_bias);
  if (p->kernel_h == 1 && p->kernel_w == 1) {
    conv_pointwise(&c, in, out_rect, out);
  } else {
    conv_kxk(&c, in, out_rect, out);
  }
  return MSF_OK;
}

msf_status msf_conv_s8_cell(const msf_conv_params *p, const msf_requant *q, const msf_view *in,
                            const int8_t *filter, const int32_t *bias, const int32_t *eff_bias,
                            const msf_rect *out_rect, msf_view *out) {
  if (!msf_conv_s8_cell_ok(p, in, out_rect, out)) return MSF_ARG_ERROR;
  return msf_conv_s8_cell_run(p, q, in, filter, bias, eff_bias, out_rect, out);
}

msf_status msf_conv_s8(const msf_conv_params *p, const msf_requant *q, const msf_view *in,
                       const int8_t *filter, const int32_t *bias, const int32_t *eff_bias,
                       const msf_rect *out_rect, msf_view *out) {
  if (!msf_conv_layer_check(p, q, filter, 0)) return MSF_ARG_ERROR;
  return msf_conv_s8_cell(p, q, in, filter, bias, eff_bias, out_rect, out);
}
