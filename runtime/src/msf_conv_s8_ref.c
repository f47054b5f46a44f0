/* SPDX-License-Identifier: MIT */
/* CONV_2D int8, per-channel requantisation; bit-exact with TFLite's
 * reference_integer_ops::ConvPerChannel. Taps that fall outside the input
 * tensor are skipped, which equals padding with the input zero point. */
#include "msf_rt/msf_kernels.h"
#include "msf_conv_internal.h"

msf_status msf_conv_s8_ref(const msf_conv_params *p, const msf_requant *q, const msf_view *in,
                       const int8_t *filter, const int32_t *bias, const msf_rect *out_rect,
                       msf_view *out) {
  int32_t oy, ox, oc, ky, kx, ic;
  msf_status status = msf_conv_check(p, q, in, filter, out_rect, out, 0);
  if (status != MSF_OK || out_rect->h == 0 || out_rect->w == 0) return status;

  for (oy = out_rect->y0; oy < out_rect->y0 + out_rect->h; ++oy) {
    const int32_t in_y_origin = oy * p->stride_h - p->pad_top;
    for (ox = out_rect->x0; ox < out_rect->x0 + out_rect->w; ++ox) {
      const int32_t in_x_origin = ox * p->stride_w - p->pad_left;
      int8_t *dst = msf_view_pixel(out, oy, ox);
      for (oc = 0; oc < p->out_c; ++oc) {
        const int32_t qi = q->per_channel ? oc : 0;
        const int8_t *w_oc = filter + oc * p->kernel_h * p->kernel_w * p->in_c;
        int32_t acc = 0;
        for (ky = 0; ky < p->kernel_h; ++ky) {
          const int32_t iy = in_y_origin + p->dilation_h * ky;
          int32_t row;
          if (iy < 0 || iy >= p->in_h) continue;
          row = msf_view_row(in, iy);
          for (kx = 0; kx < p->kernel_w; ++kx) {
            const int32_t ix = in_x_origin + p->dilation_w * kx;
            const int8_t *src;
            const int8_t *w;
            if (ix < 0 || ix >= p->in_w) continue;
            src = msf_view_at(in, row, msf_view_col(in, ix));
            w = w_oc + (ky * p->kernel_w + kx) * p->in_c;
            for (ic = 0; ic < p->in_c; ++ic)
              acc = msf_wrap_add(acc, ((int32_t)src[ic] + p->input_offset) * (int32_t)w[ic]);
          }
        }
        if (bias) acc = msf_wrap_add(acc, bias[oc]);
        acc = msf_multiply_by_quantized_multiplier(acc, q->multiplier[qi], q->shift[qi]);
        acc = msf_wrap_add(acc, p->output_offset);
        dst[oc] = (int8_t)msf_clamp(acc, p->act_min, p->act_max);
      }
    }
  }
  return MSF_OK;
}
