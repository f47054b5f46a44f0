/* SPDX-License-Identifier: MIT */
/* ADD int8, optimised; the same bytes as msf_add_s8_ref (TFLite's
 * reference_integer_ops::Add) for every input. The three requantisations
 * per element are inlined with their shifts split once per call, and each
 * row is processed as runs of elements that are contiguous in all three
 * views (a ring view breaks a row where it wraps). */
#include "msf_rt/msf_kernels.h"
#include "msf_requant_inline.h"

typedef struct {
  int32_t left, right; /* split of a TFLite shift */
} shift_pair;

static shift_pair split(int32_t shift) {
  shift_pair s;
  s.left = shift > 0 ? shift : 0;
  s.right = shift > 0 ? 0 : -shift;
  return s;
}

static inline int32_t scale(int32_t x, int32_t multiplier, shift_pair s) {
#ifdef MSF_SINGLE_ROUNDING
  return msf_requantize(x, multiplier, s.left - s.right);
#else
  return msf_rq_divide_pot(msf_rq_high_mul(msf_wrap_shl(x, s.left), multiplier), s.right);
#endif
}

/* Columns from x on that the view stores contiguously (before a ring wraps). */
static int32_t contiguous_cols(const msf_view *v, int32_t x, int32_t want) {
  if (v->ring_x) {
    const int32_t left = v->w - msf_view_col(v, x);
    if (left < want) return left;
  }
  return want;
}

static int shift_ok(int32_t shift) { return shift >= -31 && shift <= 31; }

msf_status msf_add_s8(const msf_add_params *p, const msf_view *in1, const msf_view *in2,
                      const msf_rect *out_rect, msf_view *out) {
  const msf_rect *r = out_rect;
  shift_pair s1, s2, so;
  int32_t y;
  if (p == 0 || !msf_view_valid(in1) || !msf_view_valid(in2) || !msf_view_valid(out) || r == 0 ||
      in1->c != out->c || in2->c != out->c || p->left_shift < 0 || p->left_shift > 31 ||
      !msf_rect_fits(r, out))
    return MSF_ARG_ERROR;
  if (r->h == 0 || r->w == 0) return MSF_OK;
  if (!msf_rect_fits(r, in1) || !msf_rect_fits(r, in2)) return MSF_ARG_ERROR;
  if (p->input1_multiplier == INT32_MIN || p->input2_multiplier == INT32_MIN ||
      p->output_multiplier == INT32_MIN || !shift_ok(p->input1_shift) ||
      !shift_ok(p->input2_shift) || !shift_ok(p->output_shift))
    return msf_add_s8_ref(p, in1, in2, out_rect, out);
  s1 = split(p->input1_shift), s2 = split(p->input2_shift), so = split(p->output_shift);

  for (y = r->y0; y < r->y0 + r->h; ++y) {
    int32_t x = r->x0;
    while (x < r->x0 + r->w) {
      int32_t n = r->x0 + r->w - x, i;
      const int8_t *a = msf_view_pixel(in1, y, x);
      const int8_t *b = msf_view_pixel(in2, y, x);
      int8_t *dst = msf_view_pixel(out, y, x);
      n = contiguous_cols(in1, x, n);
      n = contiguous_cols(in2, x, n);
      n = contiguous_cols(out, x, n);
      for (i = 0; i < n * out->c; ++i) {
        const int32_t v1 = msf_wrap_shl(p->input1_offset + a[i], p->left_shift);
        const int32_t v2 = msf_wrap_shl(p->input2_offset + b[i], p->left_shift);
        const int32_t sum = msf_wrap_add(scale(v1, p->input1_multiplier, s1),
                                         scale(v2, p->input2_multiplier, s2));
        const int32_t o = msf_wrap_add(scale(sum, p->output_multiplier, so), p->output_offset);
        dst[i] = (int8_t)msf_clamp(o, p->act_min, p->act_max);
      }
      x += n;
    }
  }
  return MSF_OK;
}
