/* SPDX-License-Identifier: MIT */
/* HARD_SWISH int8 -> int8; bit-exact with TFLite's reference_ops::HardSwish
 * (quantised, HardSwishParams), which TFLM's hard_swish kernel runs for int8.
 * All intermediate values are int16 as in TFLite, including its wrap-around
 * on the int16 conversions (which real parameters never reach):
 *   v      = in - input_zero_point;  hires = v * 2^7
 *   pre    = SRDHM16(hires, output_multiplier_fixedpoint_int16)
 *   relu   = hires rescaled by reluish multiplier and exponent (saturating
 *            left shifts by e-1 and then 1 around SRDHM16, or a rounding
 *            right shift), so that 3.0 maps to 32768; then (relu + 2^15) >> 1
 *   out    = RDBPOT16(SDHM16(relu, pre), -output_exponent) + output_zero_point,
 *            clamped to int8.
 * SRDHM16 is gemmlowp's int16 SaturatingRoundingDoublingHighMul, SDHM16 the
 * non-rounding (truncating) variant TFLite defines for this op. */
#include "msf_rt/msf_kernels.h"
#include "msf_view_internal.h"

/* int32 -> int16 with two's-complement wrap (C leaves the conversion of
 * out-of-range values implementation-defined). */
static int32_t wrap16(int32_t v) {
  const int32_t low = (int32_t)((uint32_t)v & 0xFFFFu);
  return low >= 0x8000 ? low - 0x10000 : low;
}

static int32_t sat16(int64_t v) {
  return v > INT16_MAX ? INT16_MAX : (v < INT16_MIN ? INT16_MIN : (int32_t)v);
}

/* gemmlowp SaturatingRoundingDoublingHighMul<int16>. */
static int32_t srdhm16(int32_t a, int32_t b) {
  const int32_t ab = a * b;
  const int32_t nudge = ab >= 0 ? (1 << 14) : (1 - (1 << 14));
  if (a == INT16_MIN && b == INT16_MIN) return INT16_MAX;
  return wrap16((ab + nudge) / (1 << 15)); /* C99 division truncates, as C++ */
}

/* TFLite's SaturatingDoublingHighMul<int16>: truncating, no nudge. */
static int32_t sdhm16(int32_t a, int32_t b) {
  if (a == INT16_MIN && b == INT16_MIN) return INT16_MAX;
  return wrap16((a * b) / (1 << 15));
}

/* gemmlowp RoundingDivideByPOT<int16>, exponent in [0, 31]. Its mask is
 * (2^e - 1) converted to int16, which is -1 from e = 16 on. */
static int32_t rdbpot16(int32_t x, int32_t e) {
  const int32_t mask = wrap16((int32_t)(((int64_t)1 << e) - 1));
  const int32_t remainder = x & mask;
  const int32_t threshold = wrap16(msf_asr32(mask, 1) + (x < 0 ? 1 : 0));
  return wrap16(msf_asr32(x, e) + (remainder > threshold ? 1 : 0));
}

static int8_t hard_swish_one(const msf_hard_swish_params *p, int32_t in) {
  const int32_t value = wrap16(in - p->input_zero_point);
  const int32_t hires = wrap16(value * (1 << 7));
  const int32_t pre = srdhm16(hires, p->output_multiplier_fixedpoint_int16);
  const int32_t re = p->reluish_multiplier_exponent;
  int32_t relu = hires, out;
  if (re > 0) relu = sat16((int64_t)relu * ((int64_t)1 << (re - 1)));
  relu = srdhm16(relu, p->reluish_multiplier_fixedpoint_int16);
  if (re > 0) relu = sat16((int64_t)relu * 2);
  if (re < 0) relu = rdbpot16(relu, -re);
  relu = msf_asr32(relu + (1 << 15), 1); /* [-1, 1] -> [0, 1] */
  out = rdbpot16(sdhm16(relu, pre), -p->output_multiplier_exponent);
  out = wrap16(out + p->output_zero_point);
  return (int8_t)msf_clamp(out, INT8_MIN, INT8_MAX);
}

msf_status msf_hard_swish_s8(const msf_hard_swish_params *p, const msf_view *in,
                             const msf_rect *out_rect, msf_view *out) {
  const msf_rect *r = out_rect;
  int32_t y, x, c;
  if (p == 0 || p->reluish_multiplier_exponent < -31 || p->reluish_multiplier_exponent > 31 ||
      p->output_multiplier_exponent < -31 || p->output_multiplier_exponent > 0 ||
      p->input_zero_point < -32768 || p->input_zero_point > 32767 ||
      p->output_zero_point < -32768 || p->output_zero_point > 32767 || !msf_view_valid(in) ||
      !msf_view_valid(out) || in->c != out->c || !msf_rect_fits(r, out))
    return MSF_ARG_ERROR;
  if (r->h == 0 || r->w == 0) return MSF_OK;
  if (!msf_rect_fits(r, in)) return MSF_ARG_ERROR;
  for (y = r->y0; y < r->y0 + r->h; ++y)
    for (x = r->x0; x < r->x0 + r->w; ++x) {
      const int8_t *a = msf_view_pixel(in, y, x);
      int8_t *dst = msf_view_pixel(out, y, x);
      for (c = 0; c < out->c; ++c) dst[c] = hard_swish_one(p, a[c]);
    }
  return MSF_OK;
}
