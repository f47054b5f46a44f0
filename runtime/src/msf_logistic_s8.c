/* SPDX-License-Identifier: MIT */
/* LOGISTIC int8 -> int8; bit-exact with TFLite's
 * reference_integer_ops::Logistic (int8), which TFLM's logistic kernel runs:
 *   d = in - input_zero_point
 *   d <= -radius: -128;  d >= radius: 127
 *   else x = MBQM(d, input_multiplier, input_left_shift) as Q4.27,
 *        y = gemmlowp::logistic(x) (Q0.31),
 *        out = clamp(RoundingDivideByPOT(y, 23) - 128, -128, 127).
 * The output scale is 1/256 with zero point -128 (TFLM checks the zero
 * point). */
#include "msf_rt/msf_kernels.h"
#include "msf_fixedpoint_internal.h"

static int8_t logistic_one(const msf_logistic_params *p, int32_t v) {
  enum { kInputIntegerBits = 4, kOutputIntegerBits = 8 };
  const int32_t d = v - p->input_zero_point;
  int32_t q4, y;
  if (d <= -p->input_range_radius) return INT8_MIN;
  if (d >= p->input_range_radius) return INT8_MAX;
  q4 = msf_multiply_by_quantized_multiplier(d, p->input_multiplier, p->input_left_shift);
  y = msf_fp_rdbpot(msf_fp_logistic(q4, kInputIntegerBits), 31 - kOutputIntegerBits);
  return (int8_t)msf_clamp(y - 128, INT8_MIN, INT8_MAX);
}

msf_status msf_logistic_s8(const msf_logistic_params *p, const msf_view *in,
                           const msf_rect *out_rect, msf_view *out) {
  const msf_rect *r = out_rect;
  int32_t y, x, c;
  /* Zero points of int8 tensors keep d within int32 without wrapping. */
  if (p == 0 || p->input_zero_point < -256 || p->input_zero_point > 255 ||
      !msf_view_valid(in) || !msf_view_valid(out) || in->c != out->c || !msf_rect_fits(r, out))
    return MSF_ARG_ERROR;
  if (r->h == 0 || r->w == 0) return MSF_OK;
  if (!msf_rect_fits(r, in)) return MSF_ARG_ERROR;
  for (y = r->y0; y < r->y0 + r->h; ++y)
    for (x = r->x0; x < r->x0 + r->w; ++x) {
      const int8_t *a = msf_view_pixel(in, y, x);
      int8_t *dst = msf_view_pixel(out, y, x);
      for (c = 0; c < out->c; ++c) dst[c] = logistic_one(p, a[c]);
    }
  return MSF_OK;
}
