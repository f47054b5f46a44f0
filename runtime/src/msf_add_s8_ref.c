/* SPDX-License-Identifier: MIT */
/* ADD int8 with independent input scales; bit-exact with TFLite's
 * reference_integer_ops::Add (TFLM int8 ADD). Both inputs are shifted left
 * by left_shift (20) for headroom, rescaled to a common scale with
 * MultiplyByQuantizedMultiplierSmallerThanOneExp, summed and rescaled to the
 * output. For shift <= 0 that function equals MultiplyByQuantizedMultiplier
 * in both rounding modes, so the shared primitive is used. */
#include "msf_rt/msf_kernels.h"
#include "msf_view_internal.h"

msf_status msf_add_s8_ref(const msf_add_params *p, const msf_view *in1, const msf_view *in2,
                      const msf_rect *out_rect, msf_view *out) {
  int32_t y, x, c;
  const msf_rect *r = out_rect;
  if (p == 0 || !msf_view_valid(in1) || !msf_view_valid(in2) || !msf_view_valid(out) ||
      r == 0 || in1->c != out->c || in2->c != out->c || p->left_shift < 0 ||
      p->left_shift > 31 || !msf_rect_fits(r, out))
    return MSF_ARG_ERROR;
  if (r->h == 0 || r->w == 0) return MSF_OK;
  if (!msf_rect_fits(r, in1) || !msf_rect_fits(r, in2)) return MSF_ARG_ERROR;

  for (y = r->y0; y < r->y0 + r->h; ++y) {
    for (x = r->x0; x < r->x0 + r->w; ++x) {
      const int8_t *a = msf_view_pixel(in1, y, x);
      const int8_t *b = msf_view_pixel(in2, y, x);
      int8_t *dst = msf_view_pixel(out, y, x);
      for (c = 0; c < out->c; ++c) {
        const int32_t v1 = p->input1_offset + a[c];
        const int32_t v2 = p->input2_offset + b[c];
        const int32_t s1 = msf_multiply_by_quantized_multiplier(
            msf_wrap_shl(v1, p->left_shift), p->input1_multiplier, p->input1_shift);
        const int32_t s2 = msf_multiply_by_quantized_multiplier(
            msf_wrap_shl(v2, p->left_shift), p->input2_multiplier, p->input2_shift);
        int32_t o = msf_multiply_by_quantized_multiplier(msf_wrap_add(s1, s2),
                                                         p->output_multiplier, p->output_shift);
        o = msf_wrap_add(o, p->output_offset);
        dst[c] = (int8_t)msf_clamp(o, p->act_min, p->act_max);
      }
    }
  }
  return MSF_OK;
}
