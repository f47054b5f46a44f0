/* SPDX-License-Identifier: MIT */
/* MEAN over H and W of an int8 [h][w][c] tensor, bit-exact with TFLM's int8
 * MEAN as read in tflite-micro: micro/kernels/reduce_common.cc at commit
 * 577446690577 (EvalIntegerMean, PrepareMeanOrSumHelper) and
 * kernels/internal/reference/reduce.h at commit 2699a6088460 (Mean<T, U>,
 * QuantizedMeanOrSum):
 *
 *  - same_quant (input and output scale and zero point equal):
 *    reference_ops::Mean<int8_t, int32_t>: sum of the raw int8 values,
 *    divided by the element count with C integer division (truncation
 *    towards zero), no requantisation.
 *  - otherwise reference_ops::QuantizedMeanOrSum(compute_sum = false):
 *    the multiplier m (from in_scale / out_scale, shift s) absorbs 1/n:
 *      k  = min(floor(log2 n), 32, 31 + s)
 *      m' = (m << k) / n   (int64, truncating),   s' = s - k
 *    out = clamp(MBQM((int32)(sum - in_zp * n), m', s') + out_zp, int8).
 *
 * Older TFLite versions used a different int8 MEAN path (a 4-D axes-{1,2}
 * specialisation with its own rounding); this file follows the current one.
 * scratch holds c int32 running sums, as TFLM's temp_sum buffer.
 *
 * Overflow: the importer limits h * w to 2^23 cells, so the int8 sums
 * (|sum| <= 128 * 2^23 = 2^30) and sum - input_zp * n (|.| <= 255 * 2^23 <
 * 2^31) stay inside int32, as in TFLite; no wrap ever happens on that path. */
#include "msf_rt/msf_plan.h"
#include "msf_view_internal.h"

int32_t msf_mean_s8_buffer_size(const msf_mean_params *p) {
  if (p == 0 || p->c < 0) return 0;
  /* -1: the sums do not fit an int32 size (the importer refuses such a MEAN). */
  if (p->c > INT32_MAX / (int32_t)sizeof(int32_t)) return -1;
  return p->c * (int32_t)sizeof(int32_t);
}

/* floor(log2(n)) for n > 0, i.e. 63 - CountLeadingZeros((uint64)n). */
static int32_t floor_log2_u64(uint64_t n) {
  int32_t r = -1;
  while (n != 0) {
    n >>= 1;
    ++r;
  }
  return r;
}

msf_status msf_mean_finalize_s8(const msf_mean_params *p, const int32_t *scratch, int8_t *out) {
  int32_t ch, n;
  if (p == 0 || scratch == 0 || out == 0 || p->h < 1 || p->w < 1 || p->c < 1) return MSF_ARG_ERROR;
  n = p->h * p->w;
  if (p->same_quant) {
    for (ch = 0; ch < p->c; ++ch) out[ch] = (int8_t)(scratch[ch] / n);
    return MSF_OK;
  }
  {
    int32_t k = floor_log2_u64((uint64_t)n);
    int32_t mult, shift;
    if (k > 32) k = 32;
    if (k > 31 + p->shift) k = 31 + p->shift;
    if (k < 0) k = 0; /* only reachable with shift < -31, which QuantizeMultiplier never emits */
    mult = (int32_t)(((int64_t)p->multiplier * ((int64_t)1 << k)) / (int64_t)n);
    shift = p->shift - k;
    for (ch = 0; ch < p->c; ++ch) {
      const int32_t shifted_sum =
          (int32_t)((int64_t)scratch[ch] - (int64_t)p->input_zero_point * (int64_t)n);
      int32_t v = msf_multiply_by_quantized_multiplier(shifted_sum, mult, shift);
      v = msf_wrap_add(v, p->output_zero_point);
      out[ch] = (int8_t)msf_clamp(v, INT8_MIN, INT8_MAX);
    }
  }
  return MSF_OK;
}

msf_status msf_mean_s8(const msf_mean_params *p, const int8_t *in, int32_t *scratch, int8_t *out) {
  int32_t ch;
  msf_view view;
  msf_rect all;
  if (p == 0 || in == 0 || scratch == 0 || out == 0 || p->h < 1 || p->w < 1 || p->c < 1)
    return MSF_ARG_ERROR;
  for (ch = 0; ch < p->c; ++ch) scratch[ch] = 0;
  view.data = (int8_t *)in;
  view.y0 = 0, view.x0 = 0, view.h = p->h, view.w = p->w, view.c = p->c;
  view.ring_y = 0, view.ring_x = 0;
  all.y0 = 0, all.x0 = 0, all.h = p->h, all.w = p->w;
  msf_channel_sums_s8(&view, &all, scratch);
  return msf_mean_finalize_s8(p, scratch, out);
}
