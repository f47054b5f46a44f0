/* SPDX-License-Identifier: MIT */
/* RESIZE_NEAREST_NEIGHBOR int8; bit-exact with TFLite's
 * reference_ops::ResizeNearestNeighbor as TFLM runs it for int8 (a byte
 * copy of the nearest input pixel, no requantisation). TFLite picks the
 * source index with float arithmetic (GetNearestNeighbor); the host computes
 * those indices once (lower::ResizeNearestIndices) and hands them over as
 * tables, so this kernel is integer-only: out(y, x) = in(src_y[y], src_x[x]). */
#include "msf_rt/msf_kernels.h"
#include "msf_view_internal.h"

/* Smallest and largest table entry over [o0, o0 + n); 0 if one is outside
 * [0, size). */
static int table_range(const int32_t *t, int32_t o0, int32_t n, int32_t size, int32_t *lo,
                       int32_t *hi) {
  int32_t i;
  *lo = size;
  *hi = -1;
  for (i = o0; i < o0 + n; ++i) {
    if (t[i] < 0 || t[i] >= size) return 0;
    if (t[i] < *lo) *lo = t[i];
    if (t[i] > *hi) *hi = t[i];
  }
  return 1;
}

msf_status msf_resize_nearest_s8(const msf_resize_params *p, const msf_view *in,
                                 const msf_rect *out_rect, msf_view *out) {
  const msf_rect *r = out_rect;
  int32_t y, x, ylo, yhi, xlo, xhi;
  if (p == 0 || p->src_y == 0 || p->src_x == 0 || p->in_h < 1 || p->in_w < 1 ||
      p->out_h < 1 || p->out_w < 1 || p->c < 1 || !msf_view_valid(in) ||
      !msf_view_valid(out) || in->c != p->c || out->c != p->c || !msf_rect_fits(r, out))
    return MSF_ARG_ERROR;
  if (r->h == 0 || r->w == 0) return MSF_OK;
  if (r->y0 < 0 || r->x0 < 0 || r->y0 > p->out_h - r->h || r->x0 > p->out_w - r->w)
    return MSF_ARG_ERROR;
  if (!table_range(p->src_y, r->y0, r->h, p->in_h, &ylo, &yhi) ||
      !table_range(p->src_x, r->x0, r->w, p->in_w, &xlo, &xhi))
    return MSF_ARG_ERROR;
  if (!msf_view_span_ok(ylo, yhi, in->y0, in->h, in->ring_y) ||
      !msf_view_span_ok(xlo, xhi, in->x0, in->w, in->ring_x))
    return MSF_ARG_ERROR;

  for (y = r->y0; y < r->y0 + r->h; ++y) {
    const int32_t row = msf_view_row(in, p->src_y[y]);
    for (x = r->x0; x < r->x0 + r->w; ++x) {
      memcpy(msf_view_pixel(out, y, x), msf_view_at(in, row, msf_view_col(in, p->src_x[x])),
             (size_t)p->c);
    }
  }
  return MSF_OK;
}
