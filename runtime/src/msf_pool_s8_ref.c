/* SPDX-License-Identifier: MIT */
/* AVERAGE_POOL_2D / MAX_POOL_2D int8; bit-exact with TFLite's
 * reference_integer_ops::AveragePool / MaxPool. Padding cells are excluded
 * from the window (TFLite clips the filter to the tensor), so the average
 * divides by the number of valid cells. No requantisation: TFLite requires
 * equal input and output quantisation for these ops. The importer limits an
 * average window (clipped to the input) to 2^23 cells, so the int32 sum
 * (|acc| <= 2^30) and its rounding cannot overflow. */
#include "msf_rt/msf_kernels.h"
#include "msf_view_internal.h"

static msf_status check_pool(const msf_pool_params *p, const msf_view *in, const msf_rect *r,
                             const msf_view *out) {
  int32_t lo, hi;
  if (p == 0 || !msf_view_valid(in) || !msf_view_valid(out) || r == 0) return MSF_ARG_ERROR;
  if (p->stride_h < 1 || p->stride_w < 1 || p->filter_h < 1 || p->filter_w < 1 || p->c < 1 ||
      in->c != p->c || out->c != p->c || !msf_rect_fits(r, out))
    return MSF_ARG_ERROR;
  if (r->h == 0 || r->w == 0) return MSF_OK;
  msf_input_range(r->y0, r->h, p->stride_h, p->pad_top, p->filter_h, p->in_h, &lo, &hi);
  if (!msf_view_span_ok(lo, hi, in->y0, in->h, in->ring_y)) return MSF_ARG_ERROR;
  msf_input_range(r->x0, r->w, p->stride_w, p->pad_left, p->filter_w, p->in_w, &lo, &hi);
  if (!msf_view_span_ok(lo, hi, in->x0, in->w, in->ring_x)) return MSF_ARG_ERROR;
  return MSF_OK;
}

/* Clipped filter window [*start, *end) for an output coordinate. */
static void window(int32_t o, int32_t stride, int32_t pad, int32_t filter, int32_t size,
                   int32_t *origin, int32_t *start, int32_t *end) {
  *origin = o * stride - pad;
  *start = *origin < 0 ? -*origin : 0;
  *end = size - *origin < filter ? size - *origin : filter;
}

msf_status msf_avgpool_s8_ref(const msf_pool_params *p, const msf_view *in, const msf_rect *out_rect,
                          msf_view *out) {
  int32_t oy, ox, c, fy, fx;
  msf_status st = check_pool(p, in, out_rect, out);
  if (st != MSF_OK) return st;
  for (oy = out_rect->y0; oy < out_rect->y0 + out_rect->h; ++oy) {
    int32_t y_origin, fy0, fy1;
    window(oy, p->stride_h, p->pad_top, p->filter_h, p->in_h, &y_origin, &fy0, &fy1);
    for (ox = out_rect->x0; ox < out_rect->x0 + out_rect->w; ++ox) {
      int32_t x_origin, fx0, fx1, count;
      int8_t *dst = msf_view_pixel(out, oy, ox);
      window(ox, p->stride_w, p->pad_left, p->filter_w, p->in_w, &x_origin, &fx0, &fx1);
      count = (fy1 > fy0 && fx1 > fx0) ? (fy1 - fy0) * (fx1 - fx0) : 0;
      /* TFLite's reference returns an error for an empty window. */
      if (count == 0) return MSF_ARG_ERROR;
      for (c = 0; c < p->c; ++c) {
        int32_t acc = 0;
        for (fy = fy0; fy < fy1; ++fy) {
          const int32_t row = msf_view_row(in, y_origin + fy);
          for (fx = fx0; fx < fx1; ++fx)
            acc += msf_view_at(in, row, msf_view_col(in, x_origin + fx))[c];
        }
        /* Round half away from zero, exactly as TFLite's reference. */
        acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
        dst[c] = (int8_t)msf_clamp(acc, p->act_min, p->act_max);
      }
    }
  }
  return MSF_OK;
}

msf_status msf_maxpool_s8_ref(const msf_pool_params *p, const msf_view *in, const msf_rect *out_rect,
                          msf_view *out) {
  int32_t oy, ox, c, fy, fx;
  msf_status st = check_pool(p, in, out_rect, out);
  if (st != MSF_OK) return st;
  for (oy = out_rect->y0; oy < out_rect->y0 + out_rect->h; ++oy) {
    int32_t y_origin, fy0, fy1;
    window(oy, p->stride_h, p->pad_top, p->filter_h, p->in_h, &y_origin, &fy0, &fy1);
    for (ox = out_rect->x0; ox < out_rect->x0 + out_rect->w; ++ox) {
      int32_t x_origin, fx0, fx1;
      int8_t *dst = msf_view_pixel(out, oy, ox);
      window(ox, p->stride_w, p->pad_left, p->filter_w, p->in_w, &x_origin, &fx0, &fx1);
      for (c = 0; c < p->c; ++c) {
        int32_t max = INT8_MIN; /* TFLite's initial value; an empty window yields it */
        for (fy = fy0; fy < fy1; ++fy) {
          const int32_t row = msf_view_row(in, y_origin + fy);
          for (fx = fx0; fx < fx1; ++fx) {
            const int32_t v = msf_view_at(in, row, msf_view_col(in, x_origin + fx))[c];
            if (v > max) max = v;
          }
        }
        dst[c] = (int8_t)msf_clamp(max, p->act_min, p->act_max);
      }
    }
  }
  return MSF_OK;
}
