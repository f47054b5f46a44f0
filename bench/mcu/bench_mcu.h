/* SPDX-License-Identifier: MIT */
/* Layer tables for the MCU kernel benchmark (`make bench-mcu`).
 * bench_mcu.py writes one layers_<model>.c per model with a bench_model
 * (geometry, quantisation, per-channel constants, patch rectangles) and the
 * static buffers sized for that model; harness.c runs it. */
#ifndef BENCH_MCU_H
#define BENCH_MCU_H
#include <stdint.h>

#include "msf_rt/msf_kernels.h"

enum { BK_CONV = 1, BK_DW = 2, BK_AVGPOOL = 3, BK_ADD = 4, BK_SOFTMAX = 5 };

/* An output rectangle for a patch call, with the input tile it reads
 * (clipped to the tensor). */
typedef struct {
  int32_t y0, x0, h, w;     /* output rect, full-tensor coordinates */
  int32_t iy0, ix0, ih, iw; /* input tile held by the patch's input view */
} bench_patch;

typedef struct {
  int32_t kind; /* BK_* */
  int32_t index; /* msf info layer number */
  int32_t in_h, in_w, in_c, out_h, out_w, out_c;
  uint32_t seed; /* input, second input and filter come from this xorshift32 seed */
  int32_t filter_len;
  msf_conv_params conv;   /* BK_CONV, BK_DW */
  msf_pool_params pool;   /* BK_AVGPOOL */
  msf_add_params add;     /* BK_ADD */
  msf_softmax_params softmax; /* BK_SOFTMAX */
  const int32_t *bias, *multiplier, *shift;
  const bench_patch *patches;
  int32_t n_patches;
} bench_layer;

typedef struct {
  const char *name;
  const bench_layer *layers;
  int32_t n_layers;
} bench_model;

/* layers_<model>.c. Every int8 buffer has BENCH_GUARD bytes before and
 * after the largest use: random bytes around inputs (a read outside the view
 * shows up as a mismatch), a poison pattern around outputs (checked after
 * every optimised call: a write outside the output rect fails the run). */
#define BENCH_GUARD 64
extern const bench_model bench_the_model;
extern int8_t bench_raw_in1[], bench_raw_in2[], bench_raw_filter[], bench_raw_tile1[],
    bench_raw_tile2[];
extern int8_t bench_raw_out_fast[], bench_raw_out_ref[], bench_raw_out_patch[];
extern int32_t bench_eff_bias[];
extern int32_t bench_wide[]; /* msf_conv_s8_wide_weights of the current layer */

#endif /* BENCH_MCU_H */
