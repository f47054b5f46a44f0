/* SPDX-License-Identifier: MIT */
/* CONV_2D int8, optimised; the same bytes as msf_conv_s8_ref (TFLite's
 * reference_integer_ops::ConvPerChannel) for every input.
 *
 * The rectangle is walked row by row. Per output row the input row of
 * every kernel tap row is located once (ring buffers included). An output
 * pixel whose window lies wholly inside the tensor and is stored without a
 * ring wrap is "interior": its window is kh runs of kw * in_c contiguous
 * bytes (dilation_w == 1) that are multiplied with the matching weight runs,
 * starting from the effective bias eff_bias = bias + input_offset * sum(w),
 * so the input offset never enters the inner loop. Two horizontally
 * adjacent interior pixels are computed together, two output channels at a
 * time (msf_dot_s8.h). Other pixels ("border": the window is clipped by
 * padding or wraps around a ring) add the offset per tap, over the valid
 * taps only, which equals TFLite's zero-point padding. A 1x1 convolution is
 * the case kh = kw = 1: a [pixels x in_c] x [in_c x out_c] product. */
#include "msf_rt/msf_kernels.h"
#include "msf_conv_internal.h"
#include "msf_dot_s8.h"
#include "msf_requant_inline.h"

/* Kernels taller than this run the reference (the row table is on the stack). */
#define MSF_CONV_MAX_KH 8

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

typedef struct {
  const msf_conv_params *p;
  const int8_t *filter;
  const int32_t *bias, *eff_bias;
  const int32_t *multiplier, *shift;
  int32_t qstep;  /* 1 per channel, 0 per tensor */
  int32_t taps;   /* filter bytes per output channel */
  int32_t run;    /* contiguous bytes of one window row (interior, dilation_w == 1) */
  int32_t runs;   /* runs per window row: 1, or kernel_w when dilated */
  int32_t run_step, w_step; /* input / weight advance between runs of a row */
  const int8_t *rows[MSF_CONV_MAX_KH]; /* storage row of each tap row, 0 outside */
} conv_ctx;

static inline int8_t conv_out(const conv_ctx *c, uint32_t acc, int32_t oc) {
  const msf_conv_params *p = c->p;
  return msf_rq_output((int32_t)acc, c->multiplier[oc * c->qstep], c->shift[oc * c->qstep],
                       p->output_offset, p->act_min, p->act_max);
}

/* Two interior pixels whose windows start at storage columns col_a, col_b. */
static void interior_2px(const conv_ctx *c, int32_t col_a, int32_t col_b, int8_t *dst_a,
                         int8_t *dst_b) {
  const msf_conv_params *p = c->p;
  const int32_t in_c = p->in_c, kh = p->kernel_h, kw_c = p->kernel_w * in_c;
  const int32_t off_a = col_a * in_c, off_b = col_b * in_c;
  int32_t oc, ky, r;
  for (oc = 0; oc + 2 <= p->out_c; oc += 2) {
    const int8_t *w0 = c->filter + oc * c->taps;
    const int8_t *w1 = w0 + c->taps;
    msf_acc2x2 acc;
    acc.a0 = acc.b0 = (uint32_t)c->eff_bias[oc];
    acc.a1 = acc.b1 = (uint32_t)c->eff_bias[oc + 1];
    for (ky = 0; ky < kh; ++ky) {
      const int8_t *row = c->rows[ky];
      for (r = 0; r < c->runs; ++r) {
        const int32_t i = r * c->run_step, w = ky * kw_c + r * c->w_step;
        msf_dot_2x2(row + off_a + i, row + off_b + i, w0 + w, w1 + w, c->run, &acc);
      }
    }
    dst_a[oc] = conv_out(c, acc.a0, oc), dst_a[oc + 1] = conv_out(c, acc.a1, oc + 1);
    dst_b[oc] = conv_out(c, acc.b0, oc), dst_b[oc + 1] = conv_out(c, acc.b1, oc + 1);
  }
  if (oc < p->out_c) {
    const int8_t *w0 = c->filter + oc * c->taps;
    uint32_t sa = (uint32_t)c->eff_bias[oc], sb = sa;
    for (ky = 0; ky < kh; ++ky) {
      const int8_t *row = c->rows[ky];
      for (r = 0; r < c->runs; ++r) {
        const int32_t i = r * c->run_step, w = ky * kw_c + r * c->w_step;
        msf_dot_1x2(w0 + w, row + off_a + i, row + off_b + i, c->run, &sa, &sb);
      }
    }
    dst_a[oc] = conv_out(c, sa, oc), dst_b[oc] = conv_out(c, sb, oc);
  }
}

/* One interior pixel. */
static void interior_1px(const conv_ctx *c, int32_t col, int8_t *dst) {
  const msf_conv_params *p = c->p;
  const int32_t in_c = p->in_c, kh = p->kernel_h, kw_c = p->kernel_w * in_c;
  const int32_t off = col * in_c;
  int32_t oc, ky, r;
  for (oc = 0; oc + 2 <= p->out_c; oc += 2) {
    const int8_t *w0 = c->filter + oc * c->taps;
    const int8_t *w1 = w0 + c->taps;
    uint32_t s0 = (uint32_t)c->eff_bias[oc], s1 = (uint32_t)c->eff_bias[oc + 1];
    for (ky = 0; ky < kh; ++ky) {
      const int8_t *row = c->rows[ky] + off;
      for (r = 0; r < c->runs; ++r) {
        const int32_t w = ky * kw_c + r * c->w_step;
        msf_dot_1x2(row + r * c->run_step, w0 + w, w1 + w, c->run, &s0, &s1);
      }
    }
    dst[oc] = conv_out(c, s0, oc), dst[oc + 1] = conv_out(c, s1, oc + 1);
  }
  if (oc < p->out_c) {
    const int8_t *w0 = c->filter + oc * c->taps;
    uint32_t s = (uint32_t)c->eff_bias[oc];
    for (ky = 0; ky < kh; ++ky) {
      const int8_t *row = c->rows[ky] + off;
      for (r = 0; r < c->runs; ++r) s = msf_dot_1x1(row + r * c->run_step, w0 + ky * kw_c + r * c->w_step, c->run, s);
    }
    dst[oc] = conv_out(c, s, oc);
  }
}

/* A pixel whose window is clipped or wraps: valid taps only, offset per tap. */
static void border_px(const conv_ctx *c, const msf_view *in, int32_t ky0, int32_t ky1,
                      int32_t x_origin, int32_t kx0, int32_t kx1, int8_t *dst) {
  const msf_conv_params *p = c->p;
  const int32_t in_c = p->in_c, off = p->input_offset;
  int32_t oc, ky, kx, i;
  for (oc = 0; oc < p->out_c; ++oc) {
    uint32_t acc = c->bias ? (uint32_t)c->bias[oc] : 0u;
    for (ky = ky0; ky < ky1; ++ky) {
      for (kx = kx0; kx < kx1; ++kx) {
        const int8_t *src = c->rows[ky] + msf_view_col(in, x_origin + kx * p->dilation_w) * in_c;
        const int8_t *w = c->filter + oc * c->taps + (ky * p->kernel_w + kx) * in_c;
        for (i = 0; i < in_c; ++i) acc += (uint32_t)(((int32_t)src[i] + off) * w[i]);
      }
    }
    dst[oc] = conv_out(c, acc, oc);
  }
}

msf_status msf_conv_s8(const msf_conv_params *p, const msf_requant *q, const msf_view *in,
                       const int8_t *filter, const int32_t *bias, const int32_t *eff_bias,
                       const msf_rect *out_rect, msf_view *out) {
  conv_ctx c;
  int32_t oy, ox, ky0, ky1;
  const int32_t span = (p != 0) ? (p->kernel_w - 1) * p->dilation_w + 1 : 0;
  const msf_status status = msf_conv_check(p, q, in, filter, out_rect, out, 0);
  if (status != MSF_OK || out_rect->h == 0 || out_rect->w == 0) return status;
  if (eff_bias == 0 || p->kernel_h > MSF_CONV_MAX_KH || !msf_requant_fast_ok(q, p->out_c))
    return msf_conv_s8_ref(p, q, in, filter, bias, out_rect, out);

  c.p = p, c.filter = filter, c.bias = bias, c.eff_bias = eff_bias;
  c.multiplier = q->multiplier, c.shift = q->shift, c.qstep = q->per_channel ? 1 : 0;
  c.taps = p->kernel_h * p->kernel_w * p->in_c;
  if (p->dilation_w == 1) {
    c.run = p->kernel_w * p->in_c, c.runs = 1, c.run_step = 0, c.w_step = 0;
  } else {
    c.run = p->in_c, c.runs = p->kernel_w;
    c.run_step = p->dilation_w * p->in_c, c.w_step = p->in_c;
  }

  for (oy = out_rect->y0; oy < out_rect->y0 + out_rect->h; ++oy) {
    const int32_t y_origin = oy * p->stride_h - p->pad_top;
    const int32_t row_bytes = in->w * in->c;
    int32_t ky;
    msf_valid_taps(y_origin, p->dilation_h, p->kernel_h, p->in_h, &ky0, &ky1);
    for (ky = 0; ky < p->kernel_h; ++ky) {
      c.rows[ky] = (ky >= ky0 && ky < ky1)
                       ? in->data + msf_view_row(in, y_origin + ky * p->dilation_h) * row_bytes
                       : 0;
    }
    ox = out_rect->x0;
    while (ox < out_rect->x0 + out_rect->w) {
      const int32_t x_origin = ox * p->stride_w - p->pad_left;
      int8_t *dst = msf_view_pixel(out, oy, ox);
      int32_t kx0, kx1, col = 0, interior;
      msf_valid_taps(x_origin, p->dilation_w, p->kernel_w, p->in_w, &kx0, &kx1);
      interior = ky0 == 0 && ky1 == p->kernel_h && kx0 == 0 && kx1 == p->kernel_w;
      if (interior) {
        col = msf_view_col(in, x_origin);
        interior = msf_cols_contiguous(in, col, span);
      }
      if (!interior) {
        border_px(&c, in, ky0, ky1, x_origin, kx0, kx1, dst);
        ox += 1;
        continue;
      }
      if (ox + 1 < out_rect->x0 + out_rect->w) {
        const int32_t x_next = x_origin + p->stride_w;
        int32_t nx0, nx1;
        msf_valid_taps(x_next, p->dilation_w, p->kernel_w, p->in_w, &nx0, &nx1);
        if (nx0 == 0 && nx1 == p->kernel_w) {
          const int32_t col_next = msf_view_col(in, x_next);
          if (msf_cols_contiguous(in, col_next, span)) {
            interior_2px(&c, col, col_next, dst, msf_view_pixel(out, oy, ox + 1));
            ox += 2;
            continue;
          }
        }
      }
      interior_1px(&c, col, dst);
      ox += 1;
    }
  }
  return MSF_OK;
}
