/* SPDX-License-Identifier: MIT */
/* TRANSPOSE int8, up to 4 dimensions; the same bytes as TFLite's
 * reference_ops::Transpose (TFLM transpose kernel): output dimension d has
 * extent in_shape[perm[d]], and output element (o0, o1, o2, o3) is the input
 * element whose index along dimension perm[d] is o_d. No requantisation. */
#include "msf_rt/msf_kernels.h"
#include "msf_view_internal.h"

msf_status msf_transpose_s8(const int32_t in_shape[4], const int32_t perm[4], const int8_t *in,
                            int8_t *out) {
  int32_t in_stride[4], s[4], n[4]; /* s: input stride of output dimension d */
  int32_t d, seen = 0, i0, i1, i2, i3;
  int64_t total = 1;
  int8_t *dst = out;
  if (in_shape == 0 || perm == 0) return MSF_ARG_ERROR;
  for (d = 0; d < 4; ++d) {
    if (in_shape[d] < 0 || perm[d] < 0 || perm[d] > 3 || (seen & (1 << perm[d])))
      return MSF_ARG_ERROR;
    seen |= 1 << perm[d];
    total *= in_shape[d];
    if (total > INT32_MAX) return MSF_ARG_ERROR;
  }
  if (total == 0) return MSF_OK;
  if (in == 0 || out == 0) return MSF_ARG_ERROR;
  in_stride[3] = 1;
  for (d = 2; d >= 0; --d) in_stride[d] = in_stride[d + 1] * in_shape[d + 1];
  for (d = 0; d < 4; ++d) {
    n[d] = in_shape[perm[d]];
    s[d] = in_stride[perm[d]];
  }
  for (i0 = 0; i0 < n[0]; ++i0)
    for (i1 = 0; i1 < n[1]; ++i1)
      for (i2 = 0; i2 < n[2]; ++i2) {
        const int8_t *src = in + i0 * s[0] + i1 * s[1] + i2 * s[2];
        for (i3 = 0; i3 < n[3]; ++i3) *dst++ = src[i3 * s[3]];
      }
  return MSF_OK;
}
