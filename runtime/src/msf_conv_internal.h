/* SPDX-License-Identifier: MIT */
/* Argument checks and row geometry shared by the CONV_2D and
 * DEPTHWISE_CONV_2D kernels (reference and optimised), so both accept and
 * refuse exactly the same calls. */
#ifndef MSF_CONV_INTERNAL_H
#define MSF_CONV_INTERNAL_H
#include "msf_view_internal.h"

/* The checks that depend on the layer alone: made once per layer by a
 * caller that runs it cell by cell (msf_conv_s8_layer_ok), per call by the
 * plain entries. */
static inline int msf_conv_layer_check(const msf_conv_params *p, const msf_requant *q,
                                       const int8_t *filter, int depthwise) {
  if (p == 0 || q == 0 || q->multiplier == 0 || q->shift == 0 || filter == 0) return 0;
  if (p->stride_h < 1 || p->stride_w < 1 || p->dilation_h < 1 || p->dilation_w < 1 ||
      p->kernel_h < 1 || p->kernel_w < 1 || p->in_c < 1 || p->out_c < 1)
    return 0;
  return !depthwise || (p->depth_multiplier >= 1 && p->out_c == p->in_c * p->depth_multiplier);
}

/* The checks of one call on a checked layer: its views and rectangle.
 * MSF_OK also for an empty rectangle (nothing to compute). */
static inline msf_status msf_conv_call_check(const msf_conv_params *p, const msf_view *in,
                                             const msf_rect *r, const msf_view *out) {
  int32_t lo, hi;
  if (!msf_view_valid(in) || !msf_view_valid(out) || in->c != p->in_c || out->c != p->out_c ||
      !msf_rect_fits(r, out))
    return MSF_ARG_ERROR;
  if (r->h == 0 || r->w == 0) return MSF_OK;
  /* Every input row/column the rect reads must be present in the view. */
  msf_input_range(r->y0, r->h, p->stride_h, p->pad_top, (p->kernel_h - 1) * p->dilation_h + 1,
                  p->in_h, &lo, &hi);
  if (!msf_view_span_ok(lo, hi, in->y0, in->h, in->ring_y)) return MSF_ARG_ERROR;
  msf_input_range(r->x0, r->w, p->stride_w, p->pad_left, (p->kernel_w - 1) * p->dilation_w + 1,
                  p->in_w, &lo, &hi);
  if (!msf_view_span_ok(lo, hi, in->x0, in->w, in->ring_x)) return MSF_ARG_ERROR;
  return MSF_OK;
}

static inline msf_status msf_conv_check(const msf_conv_params *p, const msf_requant *q,
                                        const msf_view *in, const int8_t *filter,
                                        const msf_rect *r, const msf_view *out, int depthwise) {
  if (!msf_conv_layer_check(p, q, filter, depthwise)) return MSF_ARG_ERROR;
  return msf_conv_call_check(p, in, r, out);
}

/* The fast paths widen input + offset to int16 lanes (SXTAB16): exact for
 * every offset TFLite produces ([-127, 128]) and up to this range. */
static inline int msf_offset_fast_ok(int32_t input_offset) {
  return input_offset >= -32639 && input_offset <= 32640;
}

/* Taps [*k0, *k1) of a window starting at input coordinate `origin` that
 * fall inside [0, size). Taps are origin + dilation * k, k in [0, n). */
static inline void msf_valid_taps(int32_t origin, int32_t dilation, int32_t n, int32_t size,
                                  int32_t *k0, int32_t *k1) {
  int32_t a = 0, b = n;
  if (dilation == 1) { /* the common case, without divisions */
    if (origin < 0) a = -origin;
    if (size - origin < n) b = size - origin;
    if (b < a) b = a;
    *k0 = a, *k1 = b;
    return;
  }
  if (origin < 0) a = (-origin + dilation - 1) / dilation;
  if (origin + dilation * (n - 1) >= size) b = (size - 1 - origin) / dilation + 1;
  if (origin > size - 1) b = 0;
  if (b < a) b = a;
  *k0 = a, *k1 = b;
}

/* Byte offsets of the window's tap columns [kx0, kx1) in their row: one
 * modulo per tap for a ring view, additions otherwise. */
static inline void msf_tap_cols(const msf_view *in, int32_t x_origin, int32_t dilation,
                                int32_t kx0, int32_t kx1, int32_t *cols) {
  int32_t kx;
  if (!in->ring_x) {
    const int32_t step = dilation * in->c;
    int32_t off = (x_origin + kx0 * dilation - in->x0) * in->c;
    for (kx = kx0; kx < kx1; ++kx, off += step) cols[kx] = off;
    return;
  }
  for (kx = kx0; kx < kx1; ++kx) cols[kx] = msf_mod(x_origin + kx * dilation, in->w) * in->c;
}

/* Row bases of the tap rows [ky0, ky1) of a window starting at y_origin
 * (0 for the others). */
static inline void msf_tap_rows(const msf_view *in, int32_t y_origin, int32_t dilation,
                                int32_t kh, int32_t ky0, int32_t ky1, const int8_t **rows) {
  const int32_t row_bytes = in->w * in->c;
  int32_t ky;
  for (ky = 0; ky < kh; ++ky) {
    rows[ky] = (ky >= ky0 && ky < ky1)
                   ? in->data + msf_view_row(in, y_origin + ky * dilation) * row_bytes
                   : 0;
  }
}

/* Storage rows walked down a tall rectangle without a modulo per row: a
 * cursor holds the storage row of a full-tensor row y (msf_view_row) and
 * moves on by `step` rows, wrapping around a ring by subtraction. */
static inline int32_t msf_row_step(const msf_view *v, int32_t row, int32_t step) {
  row += step;
  if (v->ring_y) {
    while (row >= v->h) row -= v->h;
  }
  return row;
}

/* A tall rectangle (w < h: the one- or two-column cells of a fused block)
 * is walked in chunks of output rows whose input rows fit a table of
 * MSF_SPAN_ROWS row bases (the kernel context's tap-row table, 4 entries
 * longer than the 8 tap rows it holds otherwise: 12 take the chunk of a 3x3
 * stride-1 window to 10 rows for 16 B of stack, where 16 saved 0.07% more
 * instructions on MCUNet-VWW's min-RAM plan for 64 B), built once per chunk
 * and shared by every column: the window of the chunk's i-th output row
 * starts at entry i * stride, so a pixel's tap rows are a pointer into the
 * table, not a per-pixel search. */
#define MSF_SPAN_ROWS 12

/* Output rows per chunk for a window of `extent` input rows (0: dilated, or
 * it does not fit the table: walk row by row instead). */
static inline int32_t msf_span_chunk(int32_t extent, int32_t stride, int32_t dilation) {
  return dilation == 1 && extent <= MSF_SPAN_ROWS ? (MSF_SPAN_ROWS - extent) / stride + 1 : 0;
}

/* span[j]: the storage row base of input row y_first + j, 0 outside the
 * tensor [0, in_h), for j in [0, n). */
static inline void msf_row_span(const msf_view *in, int32_t y_first, int32_t in_h, int32_t n,
                                const int8_t **span) {
  /* rows above the tensor, inside it (a pointer walk, wrapping at a ring's
   * end), below it */
  const int32_t row_bytes = in->w * in->c;
  int32_t j = 0, inside = -y_first, below = in_h - y_first;
  if (inside > n) inside = n;
  if (below > n) below = n;
  for (; j < inside; ++j) span[j] = 0;
  if (j < below) {
    const int8_t *row = in->data + msf_view_row(in, y_first + j) * row_bytes;
    const int8_t *const end = in->ring_y ? in->data + in->h * row_bytes : 0;
    for (; j < below; ++j) {
      span[j] = row;
      row += row_bytes;
      if (row == end) row = in->data;
    }
  }
  for (; j < n; ++j) span[j] = 0;
}

/* Whether columns [col, col + span) of a ring view are stored contiguously
 * (the window does not wrap around the ring's end). Plain views always are. */
static inline int msf_cols_contiguous(const msf_view *v, int32_t col, int32_t span) {
  return !v->ring_x || col + span <= v->w;
}

#endif /* MSF_CONV_INTERNAL_H */
