/* SPDX-License-Identifier: MIT */
/* MUL int8; bit-exact with TFLite's reference_integer_ops::Mul and
 * BroadcastMul4DSlow (TFLM mul_common.cc picks the latter when the shapes
 * differ; both compute every element the same way):
 *   out = clamp(output_offset + MBQM((in1 + input1_offset) *
 *               (in2 + input2_offset), output_multiplier, output_shift),
 *               act_min, act_max)
 * The product of two offset int8 values is at most 255 * 255 in magnitude,
 * so it cannot overflow. */
#include "msf_rt/msf_kernels.h"
#include "msf_view_internal.h"

static int8_t mul_one(const msf_mul_params *p, int32_t a, int32_t b) {
  const int32_t prod = (p->input1_offset + a) * (p->input2_offset + b);
  const int32_t o = msf_wrap_add(
      p->output_offset,
      msf_multiply_by_quantized_multiplier(prod, p->output_multiplier, p->output_shift));
  return (int8_t)msf_clamp(o, p->act_min, p->act_max);
}

/* Offsets of int8 zero points: keeps the product inside int32. */
static int mul_params_ok(const msf_mul_params *p) {
  return p != 0 && p->input1_offset >= -255 && p->input1_offset <= 255 &&
         p->input2_offset >= -255 && p->input2_offset <= 255 && p->act_min <= p->act_max;
}

msf_status msf_mul_s8(const msf_mul_params *p, const msf_view *in1, const msf_view *in2,
                      const msf_rect *out_rect, msf_view *out) {
  const msf_rect *r = out_rect;
  int32_t y, x, c, bhw, bc;
  if (!mul_params_ok(p) || !msf_view_valid(in1) || !msf_view_valid(in2) ||
      !msf_view_valid(out) || in1->c != out->c || !msf_rect_fits(r, out) ||
      p->in2_broadcast < 0 || p->in2_broadcast > (MSF_MUL_BCAST_HW | MSF_MUL_BCAST_C))
    return MSF_ARG_ERROR;
  bhw = (p->in2_broadcast & MSF_MUL_BCAST_HW) != 0;
  bc = (p->in2_broadcast & MSF_MUL_BCAST_C) != 0;
  if (in2->c != (bc ? 1 : out->c)) return MSF_ARG_ERROR;
  if (bhw && (in2->h != 1 || in2->w != 1)) return MSF_ARG_ERROR;
  if (r->h == 0 || r->w == 0) return MSF_OK;
  if (!msf_rect_fits(r, in1) || (!bhw && !msf_rect_fits(r, in2))) return MSF_ARG_ERROR;

  for (y = r->y0; y < r->y0 + r->h; ++y) {
    for (x = r->x0; x < r->x0 + r->w; ++x) {
      const int8_t *a = msf_view_pixel(in1, y, x);
      const int8_t *b = bhw ? in2->data : msf_view_pixel(in2, y, x);
      int8_t *dst = msf_view_pixel(out, y, x);
      if (bc) {
        for (c = 0; c < out->c; ++c) dst[c] = mul_one(p, a[c], b[0]);
      } else {
        for (c = 0; c < out->c; ++c) dst[c] = mul_one(p, a[c], b[c]);
      }
    }
  }
  return MSF_OK;
}

msf_status msf_mul_s8_broadcast4d(const msf_mul_params *p, const int32_t in1_shape[4],
                                  const int8_t *in1, const int32_t in2_shape[4],
                                  const int8_t *in2, const int32_t out_shape[4], int8_t *out) {
  int32_t s1[4], s2[4]; /* element strides, 0 along broadcast dimensions */
  int32_t d, i0, i1, i2, i3;
  int64_t n1 = 1, n2 = 1, n = 1;
  int8_t *dst = out;
  if (!mul_params_ok(p) || in1_shape == 0 || in2_shape == 0 || out_shape == 0)
    return MSF_ARG_ERROR;
  for (d = 0; d < 4; ++d) {
    if (out_shape[d] < 0 || in1_shape[d] < 0 || in2_shape[d] < 0) return MSF_ARG_ERROR;
    if (in1_shape[d] != out_shape[d] && in1_shape[d] != 1) return MSF_ARG_ERROR;
    if (in2_shape[d] != out_shape[d] && in2_shape[d] != 1) return MSF_ARG_ERROR;
    n1 *= in1_shape[d];
    n2 *= in2_shape[d];
    n *= out_shape[d];
    if (n1 > INT32_MAX || n2 > INT32_MAX || n > INT32_MAX) return MSF_ARG_ERROR;
  }
  if (n == 0) return MSF_OK;
  if (in1 == 0 || in2 == 0 || out == 0) return MSF_ARG_ERROR;
  s1[3] = 1;
  s2[3] = 1;
  for (d = 2; d >= 0; --d) {
    s1[d] = s1[d + 1] * in1_shape[d + 1];
    s2[d] = s2[d + 1] * in2_shape[d + 1];
  }
  for (d = 0; d < 4; ++d) {
    if (in1_shape[d] == 1) s1[d] = 0;
    if (in2_shape[d] == 1) s2[d] = 0;
  }
  for (i0 = 0; i0 < out_shape[0]; ++i0)
    for (i1 = 0; i1 < out_shape[1]; ++i1)
      for (i2 = 0; i2 < out_shape[2]; ++i2)
        for (i3 = 0; i3 < out_shape[3]; ++i3) {
          const int32_t o1 = i0 * s1[0] + i1 * s1[1] + i2 * s1[2] + i3 * s1[3];
          const int32_t o2 = i0 * s2[0] + i1 * s2[1] + i2 * s2[2] + i3 * s2[3];
          *dst++ = mul_one(p, in1[o1], in2[o2]);
        }
  return MSF_OK;
}
