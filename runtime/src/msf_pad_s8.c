/* SPDX-License-Identifier: MIT */
/* PAD int8 (spatial only): each output pixel of the rect is either a copy of
 * input pixel (y - pad_top, x - pad_left) or pad_value (the zero point, as
 * TFLite's PAD for quantized tensors). */
#include "msf_rt/msf_kernels.h"
#include "msf_view_internal.h"

msf_status msf_pad_s8(int32_t in_h, int32_t in_w, int32_t pad_top, int32_t pad_left,
                      int8_t pad_value, const msf_view *in, const msf_rect *out_rect,
                      msf_view *out) {
  int32_t oy, ox;
  int32_t lo, hi;
  if (!msf_view_valid(in) || !msf_view_valid(out) || out_rect == 0 || in->c != out->c ||
      in_h < 0 || in_w < 0 || !msf_rect_fits(out_rect, out))
    return MSF_ARG_ERROR;
  if (out_rect->h == 0 || out_rect->w == 0) return MSF_OK;
  msf_input_range(out_rect->y0, out_rect->h, 1, pad_top, 1, in_h, &lo, &hi);
  if (!msf_view_span_ok(lo, hi, in->y0, in->h, in->ring_y)) return MSF_ARG_ERROR;
  msf_input_range(out_rect->x0, out_rect->w, 1, pad_left, 1, in_w, &lo, &hi);
  if (!msf_view_span_ok(lo, hi, in->x0, in->w, in->ring_x)) return MSF_ARG_ERROR;

  for (oy = out_rect->y0; oy < out_rect->y0 + out_rect->h; ++oy) {
    const int32_t iy = oy - pad_top;
    for (ox = out_rect->x0; ox < out_rect->x0 + out_rect->w; ++ox) {
      const int32_t ix = ox - pad_left;
      int8_t *dst = msf_view_pixel(out, oy, ox);
      if (iy < 0 || iy >= in_h || ix < 0 || ix >= in_w)
        memset(dst, (unsigned char)pad_value, (size_t)out->c);
      else
        memcpy(dst, msf_view_pixel(in, iy, ix), (size_t)out->c);
    }
  }
  return MSF_OK;
}
