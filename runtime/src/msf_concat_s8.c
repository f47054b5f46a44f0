/* SPDX-License-Identifier: MIT */
/* CONCATENATION int8; bit-exact with TFLM's concatenation kernel, which for
 * int8 runs reference_ops::Concatenation as a plain byte copy. Its Prepare
 * refuses (TF_LITE_ENSURE_EQ) any int8 input whose scale or zero point differ
 * from the output's, so there is no requantising path here: msf's importer
 * refuses such graphs the same way. (Older TFLM releases accepted them and
 * still copied the bytes unchanged; TFLite proper refuses them too.) */
#include "msf_rt/msf_kernels.h"
#include "msf_view_internal.h"

msf_status msf_concat_channels_s8(const msf_view *in, int32_t channel_offset,
                                  const msf_rect *out_rect, msf_view *out) {
  const msf_rect *r = out_rect;
  int32_t y, x;
  if (!msf_view_valid(in) || !msf_view_valid(out) || channel_offset < 0 ||
      channel_offset > out->c - in->c || !msf_rect_fits(r, out))
    return MSF_ARG_ERROR;
  if (r->h == 0 || r->w == 0) return MSF_OK;
  if (!msf_rect_fits(r, in)) return MSF_ARG_ERROR;
  for (y = r->y0; y < r->y0 + r->h; ++y)
    for (x = r->x0; x < r->x0 + r->w; ++x)
      memcpy(msf_view_pixel(out, y, x) + channel_offset, msf_view_pixel(in, y, x),
             (size_t)in->c);
  return MSF_OK;
}

msf_status msf_concat_s8(int32_t num_inputs, const int8_t *const *inputs,
                         const int32_t *axis_sizes, int32_t outer_size, int32_t inner_size,
                         int8_t *out) {
  int64_t out_axis = 0;
  int32_t i, k;
  int8_t *dst = out;
  if (num_inputs < 1 || inputs == 0 || axis_sizes == 0 || outer_size < 0 || inner_size < 0)
    return MSF_ARG_ERROR;
  for (i = 0; i < num_inputs; ++i) {
    if (axis_sizes[i] < 0) return MSF_ARG_ERROR;
    out_axis += axis_sizes[i];
  }
  /* The output must be addressable with int32 offsets. */
  if ((int64_t)outer_size * out_axis * inner_size > INT32_MAX) return MSF_ARG_ERROR;
  if ((int64_t)outer_size * out_axis * inner_size == 0) return MSF_OK;
  if (out == 0) return MSF_ARG_ERROR;
  for (i = 0; i < num_inputs; ++i)
    if (axis_sizes[i] > 0 && inputs[i] == 0) return MSF_ARG_ERROR;
  for (k = 0; k < outer_size; ++k) {
    for (i = 0; i < num_inputs; ++i) {
      const int32_t block = axis_sizes[i] * inner_size;
      if (block == 0) continue;
      memcpy(dst, inputs[i] + (int32_t)(k * block), (size_t)block);
      dst += block;
    }
  }
  return MSF_OK;
}

msf_status msf_concat_part_s8(const msf_concat_part_params *p, const int8_t *in, int8_t *out) {
  int32_t k;
  if (p == 0 || p->outer_size < 0 || p->in_block < 0 || p->out_offset < 0 ||
      (int64_t)p->out_offset + p->in_block > p->out_stride)
    return MSF_ARG_ERROR;
  if ((int64_t)p->outer_size * p->in_block == 0) return MSF_OK;
  if (in == 0 || out == 0 || (int64_t)p->outer_size * p->out_stride > INT32_MAX) return MSF_ARG_ERROR;
  for (k = 0; k < p->outer_size; ++k) {
    memcpy(out + k * p->out_stride + p->out_offset, in + k * p->in_block, (size_t)p->in_block);
  }
  return MSF_OK;
}
