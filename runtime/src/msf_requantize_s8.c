/* SPDX-License-Identifier: MIT */
/* QUANTIZE int8 -> int8; bit-exact with TFLM's quantize kernel, which calls
 * reference_ops::Requantize: out = MBQM(in - in_zp, m, s) + out_zp, clamped
 * to int8. (Requantize's same-scale fast path only applies to int8<->uint8.) */
#include "msf_rt/msf_kernels.h"
#include "msf_view_internal.h"

msf_status msf_requantize_s8(const msf_requantize_params *p, const int8_t *in, int8_t *out,
                             int32_t n) {
  int32_t i;
  if (p == 0 || n < 0 || (n > 0 && (in == 0 || out == 0))) return MSF_ARG_ERROR;
  for (i = 0; i < n; ++i) {
    int32_t v = msf_multiply_by_quantized_multiplier((int32_t)in[i] - p->input_zero_point,
                                                     p->multiplier, p->shift);
    v = msf_wrap_add(v, p->output_zero_point);
    out[i] = (int8_t)msf_clamp(v, INT8_MIN, INT8_MAX);
  }
  return MSF_OK;
}
