/* SPDX-License-Identifier: MIT */
/* Global pooling split in two, so a fused block can sum each output pixel
 * as it is produced and never store the last feature map: per-channel int32
 * sums, then the same final rounding as the whole-map kernels.
 * The importer limits the summed cells (count) to 2^23, so |sum| <= 2^30 and
 * the rounding (sum +- count / 2) cannot overflow int32; the sums still wrap
 * explicitly should a caller pass more. */
#include "msf_rt/msf_plan.h"
#include "msf_view_internal.h"

void msf_channel_sums_s8(const msf_view *in, const msf_rect *rect, int32_t *sums) {
  int32_t y, x, c;
  for (y = rect->y0; y < rect->y0 + rect->h; ++y) {
    for (x = rect->x0; x < rect->x0 + rect->w; ++x) {
      const int8_t *px = msf_view_pixel(in, y, x);
      for (c = 0; c < in->c; ++c) sums[c] = msf_wrap_add(sums[c], px[c]);
    }
  }
}

msf_status msf_global_avgpool_finalize_s8(const int32_t *sums, int32_t channels, int32_t count,
                                          int32_t act_min, int32_t act_max, int8_t *out) {
  int32_t c;
  if (sums == 0 || out == 0 || count < 1 || channels < 1) return MSF_ARG_ERROR;
  for (c = 0; c < channels; ++c) {
    const int32_t acc = sums[c];
    /* Round half away from zero, exactly as TFLite's reference AveragePool. */
    const int32_t avg = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
    out[c] = (int8_t)msf_clamp(avg, act_min, act_max);
  }
  return MSF_OK;
}
