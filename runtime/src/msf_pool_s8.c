/* SPDX-License-Identifier: MIT */
/* AVERAGE_POOL_2D / MAX_POOL_2D int8, optimised; the same bytes as
 * msf_pool_s8_ref.c (TFLite's reference AveragePool / MaxPool) for every
 * input. Channels are innermost, four at a time in registers; the window's
 * input rows are located once per output row and its columns once per
 * output pixel (ring buffers included), never per channel. Sums wrap as
 * uint32 (no signed overflow for any window). */
#include "msf_rt/msf_kernels.h"
#include "msf_view_internal.h"

/* Taller windows run the reference (the row table is on the stack, which
 * counts in the device's RAM). */
#define MSF_POOL_MAX_ROWS 8

int32_t msf_pool_s8_buffer_size(const msf_pool_params *p) {
  (void)p;
  return 0;
}

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

/* Clipped window [*start, *end) of an output coordinate (as the reference). */
static void window(int32_t o, int32_t stride, int32_t pad, int32_t filter, int32_t size,
                   int32_t *origin, int32_t *start, int32_t *end) {
  *origin = o * stride - pad;
  *start = *origin < 0 ? -*origin : 0;
  *end = size - *origin < filter ? size - *origin : filter;
}

/* TFLite's rounding: half away from zero. */
static inline int8_t average(uint32_t sum, int32_t count, const msf_pool_params *p) {
  const int32_t acc = (int32_t)sum;
  const int32_t avg = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
  return (int8_t)msf_clamp(avg, p->act_min, p->act_max);
}

typedef struct {
  const int8_t *rows[MSF_POOL_MAX_ROWS]; /* input row bases of the window */
  int32_t nrows;
  int32_t col0, ncols, col_step; /* byte offset of the first column; step (0: ring, per tap) */
  int32_t x_origin;              /* first column of the window, tensor coordinates */
} pool_window;

static void window_rows(const msf_pool_params *p, const msf_view *in, int32_t oy, pool_window *win) {
  int32_t origin, f0, f1, f;
  window(oy, p->stride_h, p->pad_top, p->filter_h, p->in_h, &origin, &f0, &f1);
  win->nrows = f1 > f0 ? f1 - f0 : 0;
  for (f = f0; f < f1; ++f)
    win->rows[f - f0] = in->data + msf_view_row(in, origin + f) * in->w * in->c;
}

/* Columns of pixel ox: contiguous unless the window wraps around a ring. */
static void window_cols(const msf_pool_params *p, const msf_view *in, int32_t ox, pool_window *win) {
  int32_t origin, f0, f1;
  window(ox, p->stride_w, p->pad_left, p->filter_w, p->in_w, &origin, &f0, &f1);
  win->ncols = f1 > f0 ? f1 - f0 : 0;
  win->x_origin = origin + f0;
  if (win->ncols == 0) return;
  win->col0 = msf_view_col(in, win->x_origin) * in->c;
  win->col_step = (!in->ring_x || msf_view_col(in, win->x_origin) + win->ncols <= in->w) ? in->c : 0;
}

/* Byte offset of the window's column j. */
static inline int32_t col_at(const pool_window *win, const msf_view *in, int32_t j) {
  return win->col_step ? win->col0 + j * win->col_step : msf_view_col(in, win->x_origin + j) * in->c;
}

msf_status msf_avgpool_s8(const msf_pool_params *p, const msf_view *in, const msf_rect *out_rect,
                          msf_view *out) {
  pool_window win;
  int32_t oy, ox, c, i, j;
  msf_status st = check_pool(p, in, out_rect, out);
  if (st != MSF_OK || out_rect->h == 0 || out_rect->w == 0) return st;
  if (p->filter_h > MSF_POOL_MAX_ROWS)
    return msf_avgpool_s8_ref(p, in, out_rect, out);
  for (oy = out_rect->y0; oy < out_rect->y0 + out_rect->h; ++oy) {
    window_rows(p, in, oy, &win);
    for (ox = out_rect->x0; ox < out_rect->x0 + out_rect->w; ++ox) {
      int8_t *dst = msf_view_pixel(out, oy, ox);
      int32_t count;
      window_cols(p, in, ox, &win);
      count = win.nrows * win.ncols;
      if (count == 0) return MSF_ARG_ERROR; /* as TFLite's reference */
      for (c = 0; c + 4 <= p->c; c += 4) {
        uint32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (i = 0; i < win.nrows; ++i) {
          for (j = 0; j < win.ncols; ++j) {
            const int8_t *v = win.rows[i] + col_at(&win, in, j) + c;
            s0 += (uint32_t)(int32_t)v[0], s1 += (uint32_t)(int32_t)v[1];
            s2 += (uint32_t)(int32_t)v[2], s3 += (uint32_t)(int32_t)v[3];
          }
        }
        dst[c] = average(s0, count, p), dst[c + 1] = average(s1, count, p);
        dst[c + 2] = average(s2, count, p), dst[c + 3] = average(s3, count, p);
      }
      for (; c < p->c; ++c) {
        uint32_t s = 0;
        for (i = 0; i < win.nrows; ++i)
          for (j = 0; j < win.ncols; ++j) s += (uint32_t)(int32_t)win.rows[i][col_at(&win, in, j) + c];
        dst[c] = average(s, count, p);
      }
    }
  }
  return MSF_OK;
}

msf_status msf_maxpool_s8(const msf_pool_params *p, const msf_view *in, const msf_rect *out_rect,
                          msf_view *out) {
  pool_window win;
  int32_t oy, ox, c, i, j;
  msf_status st = check_pool(p, in, out_rect, out);
  if (st != MSF_OK || out_rect->h == 0 || out_rect->w == 0) return st;
  if (p->filter_h > MSF_POOL_MAX_ROWS)
    return msf_maxpool_s8_ref(p, in, out_rect, out);
  for (oy = out_rect->y0; oy < out_rect->y0 + out_rect->h; ++oy) {
    window_rows(p, in, oy, &win);
    for (ox = out_rect->x0; ox < out_rect->x0 + out_rect->w; ++ox) {
      int8_t *dst = msf_view_pixel(out, oy, ox);
      window_cols(p, in, ox, &win);
      for (c = 0; c < p->c; ++c) {
        int32_t max = INT8_MIN; /* TFLite's initial value; an empty window yields it */
        for (i = 0; i < win.nrows; ++i) {
          for (j = 0; j < win.ncols; ++j) {
            const int32_t v = win.rows[i][col_at(&win, in, j) + c];
            if (v > max) max = v;
          }
        }
        dst[c] = (int8_t)msf_clamp(max, p->act_min, p->act_max);
      }
    }
  }
  return MSF_OK;
}
