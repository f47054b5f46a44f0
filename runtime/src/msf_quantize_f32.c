/* SPDX-License-Identifier: MIT */
/* The float boundaries of a graph: QUANTIZE float32 -> int8 and DEQUANTIZE
 * int8 -> float32. The only runtime file with floating point; it needs no
 * libm (rounding is done by hand), and a device image that never calls
 * these functions links none of it (-ffunction-sections, --gc-sections).
 *
 * QUANTIZE, TFLite reference_ops::AffineQuantize (TFLM quantize kernel):
 *   out = clamp((int32)TfLiteRound(in / (float)scale) + zero_point, -128, 127)
 * The division is float / float; TfLiteRound on a float is roundf (half away
 * from zero). TFLite converts out-of-range or NaN quotients with undefined
 * behaviour; here values beyond int32 saturate and NaN yields the zero point
 * (what an Arm VCVT gives).
 *
 * DEQUANTIZE, TFLite reference_ops::Dequantize (TFLM dequantize kernel):
 *   out = (float)scale * (in - zero_point), a float product (the int is
 * exact in float). Older TFLite versions multiplied in double and rounded
 * to float once; the product of a float and a 9-bit integer is exact in
 * double, so both give the same float. */
#include "msf_rt/msf_kernels.h"

/* roundf without libm: half away from zero. Floats of magnitude >= 2^23 are
 * integers already; below, x - trunc(x) is exact. */
static float round_half_away(float x) {
  const float two23 = 8388608.0f;
  float a = x < 0.0f ? -x : x, t;
  if (!(a < two23)) return x; /* integral, infinite (or NaN, handled by the caller) */
  t = (float)(int32_t)a;
  if (a - t >= 0.5f) t += 1.0f;
  return x < 0.0f ? -t : t;
}

msf_status msf_quantize_f32_s8(float scale, int32_t zero_point, const float *in, int8_t *out,
                               int32_t n) {
  int32_t i;
  if (n < 0 || (n > 0 && (in == 0 || out == 0)) || !(scale > 0.0f)) return MSF_ARG_ERROR;
  for (i = 0; i < n; ++i) {
    const float q = in[i] / scale;
    int64_t v;
    if (q != q) {
      v = zero_point; /* NaN */
    } else {
      const float r = round_half_away(q);
      /* Beyond +-2^31 only the sign matters after the int8 clamp. */
      v = r >= 2147483648.0f ? (int64_t)INT32_MAX
                             : (r < -2147483648.0f ? (int64_t)INT32_MIN : (int64_t)(int32_t)r);
      v += zero_point;
    }
    out[i] = (int8_t)(v < INT8_MIN ? INT8_MIN : (v > INT8_MAX ? INT8_MAX : v));
  }
  return MSF_OK;
}

msf_status msf_dequantize_s8_f32(float scale, int32_t zero_point, const int8_t *in, float *out,
                                 int32_t n) {
  int32_t i;
  if (n < 0 || (n > 0 && (in == 0 || out == 0)) || zero_point < -32768 || zero_point > 32767)
    return MSF_ARG_ERROR;
  for (i = 0; i < n; ++i) out[i] = scale * (float)((int32_t)in[i] - zero_point);
  return MSF_OK;
}
