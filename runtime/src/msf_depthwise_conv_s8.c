/* SPDX-License-Identifier: MIT */
/* DEPTHWISE_CONV_2D int8, optimised; the same bytes as
 * msf_depthwise_conv_s8_ref (TFLite's DepthwiseConvPerChannel) for every
 * input.
 *
 * Channels are innermost (NHWC): for each output pixel, four channels at a
 * time run over the kernel taps, so every tap reads four adjacent input
 * bytes and four adjacent weights. Tap rows are located once per output
 * row. Interior pixels (window inside the tensor, no ring wrap) start from
 * the effective bias and run straight-line over the taps; border pixels add
 * the input offset per tap over the valid taps only. With a depth
 * multiplier m > 1, each input value is loaded once per tap and used for
 * its m output channels. */
#include "msf_rt/msf_kernels.h"
#include "msf_conv_internal.h"
#include "msf_requant_inline.h"

#define MSF_DW_MAX_KH 8

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
  int32_t tap_step; /* input bytes between horizontally adjacent taps */
  const int8_t *rows[MSF_DW_MAX_KH];
} dw_ctx;

static inline int8_t dw_out(const dw_ctx *c, uint32_t acc, int32_t oc) {
  const msf_conv_params *p = c->p;
  return msf_rq_output((int32_t)acc, c->multiplier[oc * c->qstep], c->shift[oc * c->qstep],
                       p->output_offset, p->act_min, p->act_max);
}

/* Interior pixel, depth multiplier 1: window starts at byte `off` of each
 * tap row; kw is a literal 3 in the common call, so the taps unroll. */
MSF_FORCE_INLINE void interior_m1(const dw_ctx *c, int32_t off, int32_t kw, int8_t *dst) {
  const msf_conv_params *p = c->p;
  const int32_t channels = p->out_c, kh = p->kernel_h, step = c->tap_step;
  int32_t ch = 0, ky, kx;
  for (; ch + 4 <= channels; ch += 4) {
    uint32_t a0 = (uint32_t)c->eff_bias[ch], a1 = (uint32_t)c->eff_bias[ch + 1];
    uint32_t a2 = (uint32_t)c->eff_bias[ch + 2], a3 = (uint32_t)c->eff_bias[ch + 3];
    const int8_t *w = c->filter + ch;
    for (ky = 0; ky < kh; ++ky) {
      const int8_t *s = c->rows[ky] + off + ch;
      for (kx = 0; kx < kw; ++kx) {
        a0 += (uint32_t)(s[0] * w[0]), a1 += (uint32_t)(s[1] * w[1]);
        a2 += (uint32_t)(s[2] * w[2]), a3 += (uint32_t)(s[3] * w[3]);
        s += step, w += channels;
      }
    }
    dst[ch] = dw_out(c, a0, ch), dst[ch + 1] = dw_out(c, a1, ch + 1);
    dst[ch + 2] = dw_out(c, a2, ch + 2), dst[ch + 3] = dw_out(c, a3, ch + 3);
  }
  for (; ch < channels; ++ch) {
    uint32_t a = (uint32_t)c->eff_bias[ch];
    const int8_t *w = c->filter + ch;
    for (ky = 0; ky < kh; ++ky) {
      const int8_t *s = c->rows[ky] + off + ch;
      for (kx = 0; kx < kw; ++kx, s += step, w += channels) a += (uint32_t)(*s * *w);
    }
    dst[ch] = dw_out(c, a, ch);
  }
}

/* Interior pixel, depth multiplier m > 1: output channel ic * m + j. */
static void interior_mult(const dw_ctx *c, int32_t off, int8_t *dst) {
  const msf_conv_params *p = c->p;
  const int32_t m = p->depth_multiplier, channels = p->out_c;
  const int32_t kh = p->kernel_h, kw = p->kernel_w, step = c->tap_step;
  int32_t ic, j, ky, kx;
  for (ic = 0; ic < p->in_c; ++ic) {
    const int32_t oc0 = ic * m;
    for (j = 0; j + 4 <= m; j += 4) {
      const int32_t oc = oc0 + j;
      uint32_t a0 = (uint32_t)c->eff_bias[oc], a1 = (uint32_t)c->eff_bias[oc + 1];
      uint32_t a2 = (uint32_t)c->eff_bias[oc + 2], a3 = (uint32_t)c->eff_bias[oc + 3];
      const int8_t *w = c->filter + oc;
      for (ky = 0; ky < kh; ++ky) {
        const int8_t *s = c->rows[ky] + off + ic;
        for (kx = 0; kx < kw; ++kx) {
          const int32_t v = *s;
          a0 += (uint32_t)(v * w[0]), a1 += (uint32_t)(v * w[1]);
          a2 += (uint32_t)(v * w[2]), a3 += (uint32_t)(v * w[3]);
          s += step, w += channels;
        }
      }
      dst[oc] = dw_out(c, a0, oc), dst[oc + 1] = dw_out(c, a1, oc + 1);
      dst[oc + 2] = dw_out(c, a2, oc + 2), dst[oc + 3] = dw_out(c, a3, oc + 3);
    }
    for (; j < m; ++j) {
      const int32_t oc = oc0 + j;
      uint32_t a = (uint32_t)c->eff_bias[oc];
      const int8_t *w = c->filter + oc;
      for (ky = 0; ky < kh; ++ky) {
        const int8_t *s = c->rows[ky] + off + ic;
        for (kx = 0; kx < kw; ++kx, s += step, w += channels) a += (uint32_t)(*s * *w);
      }
      dst[oc] = dw_out(c, a, oc);
    }
  }
}

/* Clipped or wrapping window: valid taps only, input offset per tap. */
static void border_px(const dw_ctx *c, const msf_view *in, int32_t ky0, int32_t ky1,
                      int32_t x_origin, int32_t kx0, int32_t kx1, int8_t *dst) {
  const msf_conv_params *p = c->p;
  const int32_t m = p->depth_multiplier, channels = p->out_c, off = p->input_offset;
  int32_t oc, ky, kx;
  for (oc = 0; oc < channels; ++oc) {
    const int32_t ic = oc / m;
    uint32_t acc = c->bias ? (uint32_t)c->bias[oc] : 0u;
    for (ky = ky0; ky < ky1; ++ky) {
      for (kx = kx0; kx < kx1; ++kx) {
        const int8_t *s = c->rows[ky] + msf_view_col(in, x_origin + kx * p->dilation_w) * p->in_c;
        acc += (uint32_t)(((int32_t)s[ic] + off) * c->filter[(ky * p->kernel_w + kx) * channels + oc]);
      }
    }
    dst[oc] = dw_out(c, acc, oc);
  }
}

msf_status msf_depthwise_conv_s8(const msf_conv_params *p, const msf_requant *q,
                                 const msf_view *in, const int8_t *filter, const int32_t *bias,
                                 const int32_t *eff_bias, const msf_rect *out_rect, msf_view *out) {
  dw_ctx c;
  int32_t oy, ox, ky0, ky1;
  const msf_status status = msf_conv_check(p, q, in, filter, out_rect, out, 1);
  if (status != MSF_OK || out_rect->h == 0 || out_rect->w == 0) return status;
  if (eff_bias == 0 || p->kernel_h > MSF_DW_MAX_KH || !msf_requant_fast_ok(q, p->out_c))
    return msf_depthwise_conv_s8_ref(p, q, in, filter, bias, out_rect, out);

  c.p = p, c.filter = filter, c.bias = bias, c.eff_bias = eff_bias;
  c.multiplier = q->multiplier, c.shift = q->shift, c.qstep = q->per_channel ? 1 : 0;
  c.tap_step = p->dilation_w * p->in_c;

  for (oy = out_rect->y0; oy < out_rect->y0 + out_rect->h; ++oy) {
    const int32_t y_origin = oy * p->stride_h - p->pad_top;
    const int32_t row_bytes = in->w * in->c;
    const int32_t span = (p->kernel_w - 1) * p->dilation_w + 1;
    int32_t ky;
    msf_valid_taps(y_origin, p->dilation_h, p->kernel_h, p->in_h, &ky0, &ky1);
    for (ky = 0; ky < p->kernel_h; ++ky) {
      c.rows[ky] = (ky >= ky0 && ky < ky1)
                       ? in->data + msf_view_row(in, y_origin + ky * p->dilation_h) * row_bytes
                       : 0;
    }
    for (ox = out_rect->x0; ox < out_rect->x0 + out_rect->w; ++ox) {
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
      } else if (p->depth_multiplier != 1) {
        interior_mult(&c, col * p->in_c, dst);
      } else if (p->kernel_w == 3) {
        interior_m1(&c, col * p->in_c, 3, dst);
      } else {
        interior_m1(&c, col * p->in_c, p->kernel_w, dst);
      }
    }
  }
  return MSF_OK;
}
