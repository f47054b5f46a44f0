/* SPDX-License-Identifier: MIT */
/* MCU kernel benchmark harness (`make bench-mcu`), bare metal under QEMU.
 *
 * For every layer of the generated table (layers_<model>.c) it fills the
 * input(s) and the filter from a fixed xorshift32 seed, computes the
 * effective bias with the runtime's own msf_*_eff_bias() (not counted), then
 * runs, each call bracketed by two bench_mark() calls:
 *   1. the optimised kernel on the whole tensor,
 *   2. the _ref kernel on the whole tensor (and compares the output bytes),
 *   3. the optimised kernel on each patch of the table, through plain offset
 *      views (input tile and output rect with y0/x0 = the tile origin), and
 *      compares each patch with the reference output.
 * Before the layers come BENCH_EMPTY empty brackets (the cost to subtract).
 *
 * The instruction counts come from bench/mcu/insn_plugin.c, which snapshots
 * an exact counter whenever bench_mark's first instruction runs; the driver
 * replays this fixed sequence to pair the snapshots. The harness itself only
 * prints one line per layer and mismatches, and exits 1 on any mismatch or
 * kernel error. */
#include <stdint.h>
#include <string.h>

#include "bench_mcu.h"
#include "platform.h" /* src/codegen/targets/common: plat_write */
#include "msf_rt/msf_kernels.h"

#define BENCH_EMPTY 4

/* The usable part of each buffer (bench_mcu.h: guards around it). */
#define bench_in1 (bench_raw_in1 + BENCH_GUARD)
#define bench_in2 (bench_raw_in2 + BENCH_GUARD)
#define bench_filter (bench_raw_filter + BENCH_GUARD)
#define bench_tile1 (bench_raw_tile1 + BENCH_GUARD)
#define bench_tile2 (bench_raw_tile2 + BENCH_GUARD)
#define bench_out_fast (bench_raw_out_fast + BENCH_GUARD)
#define bench_out_ref (bench_raw_out_ref + BENCH_GUARD)
#define bench_out_patch (bench_raw_out_patch + BENCH_GUARD)
#define POISON 0x55

volatile uint32_t bench_marks;

/* The plugin's trigger. Never inlined, never merged with another function. */
__attribute__((noinline, noipa)) void bench_mark(void) { bench_marks = bench_marks + 1u; }

/* The Cortex-M target's reset code (src/codegen/targets/cortex-m/platform.c)
 * starts SysTick for its own instruction counter. Without QEMU -icount it
 * ticks in host time, and its interrupt would land in counted brackets at
 * random: stop it before anything is measured. RV32 has no timer running. */
static void stop_timer(void) {
#if defined(__arm__)
  *(volatile uint32_t *)0xE000E010u = 0u; /* SYST_CSR: counter and interrupt off */
#endif
}

/* ---- console ------------------------------------------------------------ */

static char line[160];
static int line_len;

static void put_s(const char *s) {
  while (*s && line_len < (int)sizeof line - 2) line[line_len++] = *s++;
}
static void put_i(int32_t v) {
  char tmp[12];
  int n = 0;
  uint32_t u = v < 0 ? (uint32_t)0 - (uint32_t)v : (uint32_t)v;
  if (v < 0) put_s("-");
  do {
    tmp[n++] = (char)('0' + u % 10u);
    u /= 10u;
  } while (u != 0u);
  while (n > 0 && line_len < (int)sizeof line - 2) line[line_len++] = tmp[--n];
}
static void put_end(void) {
  line[line_len++] = '\n';
  line[line_len] = '\0';
  plat_write(line);
  line_len = 0;
}

/* ---- data --------------------------------------------------------------- */

static uint32_t rng_state;
static uint32_t rnd(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 17;
  rng_state ^= rng_state << 5;
  return rng_state;
}
/* Uniform in [lo, hi] (the tiny modulo bias does not matter here). */
static void fill_s8(int8_t *p, int32_t n, int32_t lo, int32_t hi) {
  int32_t i;
  for (i = 0; i < n; ++i) p[i] = (int8_t)(lo + (int32_t)(rnd() % (uint32_t)(hi - lo + 1)));
}

/* Random data in [lo, hi] for p[0..n), random bytes in the guards around it. */
static void fill_guarded(int8_t *p, int32_t n, int32_t lo, int32_t hi) {
  fill_s8(p - BENCH_GUARD, BENCH_GUARD, -128, 127);
  fill_s8(p, n, lo, hi);
  fill_s8(p + n, BENCH_GUARD, -128, 127);
}

/* Copies input rows [y0, y0+h) x cols [x0, x0+w) of a (H, W, C) tensor. */
static void copy_tile(int8_t *dst, const int8_t *src, int32_t W, int32_t C, int32_t y0, int32_t x0,
                      int32_t h, int32_t w) {
  int32_t y;
  for (y = 0; y < h; ++y)
    memcpy(dst + (size_t)y * (size_t)w * (size_t)C, src + ((size_t)(y0 + y) * (size_t)W + (size_t)x0) * (size_t)C,
           (size_t)w * (size_t)C);
}

/* ---- one counted call --------------------------------------------------- */

enum { V_FAST = 0, V_REF = 1 };

/* One function per kernel and variant, each holding exactly one bracket:
 * bench_mark(), the call with its argument setup, bench_mark(). Keeping the
 * brackets in separate non-inlined functions stops the compiler from merging
 * or hoisting the marks across the dispatch below. */
#define BENCH_BRACKET(name, call)                                                              \
  static __attribute__((noinline)) msf_status name(const bench_layer *L, const msf_requant *q, \
                                                   const msf_view *in, const msf_view *in2,   \
                                                   const msf_rect *r, msf_view *out) {         \
    msf_status st;                                                                             \
    (void)L;                                                                                   \
    (void)q;                                                                                   \
    (void)in2;                                                                                 \
    (void)r;                                                                                   \
    bench_mark();                                                                              \
    st = call;                                                                                 \
    bench_mark();                                                                              \
    return st;                                                                                 \
  }

/* The current convolution's params with its host-widened weights, as msf
 * codegen emits them (set before its calls). */
static msf_conv_params bench_conv;

BENCH_BRACKET(conv_fast, msf_conv_s8(&bench_conv, q, in, bench_filter, L->bias, bench_eff_bias, r, out))
BENCH_BRACKET(conv_ref, msf_conv_s8_ref(&L->conv, q, in, bench_filter, L->bias, r, out))
BENCH_BRACKET(dw_fast, msf_depthwise_conv_s8(&L->conv, q, in, bench_filter, L->bias, bench_eff_bias,
                                             r, out))
BENCH_BRACKET(dw_ref, msf_depthwise_conv_s8_ref(&L->conv, q, in, bench_filter, L->bias, r, out))
BENCH_BRACKET(avgpool_fast, msf_avgpool_s8(&L->pool, in, r, out))
BENCH_BRACKET(avgpool_ref, msf_avgpool_s8_ref(&L->pool, in, r, out))
BENCH_BRACKET(add_fast, msf_add_s8(&L->add, in, in2, r, out))
BENCH_BRACKET(add_ref, msf_add_s8_ref(&L->add, in, in2, r, out))
BENCH_BRACKET(softmax_fast, msf_softmax_s8(&L->softmax, in->data, out->data))
BENCH_BRACKET(softmax_ref, msf_softmax_s8_ref(&L->softmax, in->data, out->data))

/* The empty bracket, measured BENCH_EMPTY times before the layers. */
static __attribute__((noinline)) void empty_bracket(void) {
  bench_mark();
  bench_mark();
}

/* msf_requant_narrow_ok for the current layer (set before its calls). */
static int bench_narrow;

static msf_status call_kernel(const bench_layer *L, int variant, const msf_view *in,
                              const msf_view *in2, const msf_rect *r, msf_view *out) {
  msf_requant q;
  q.multiplier = L->multiplier;
  q.shift = L->shift;
  q.per_channel = 1;
  /* as msf's lowering sets it for these constants and this filter */
  q.verified = bench_narrow && (L->kind == BK_CONV || L->kind == BK_DW) ? 3 : 1;
  switch (L->kind * 2 + variant) {
    case BK_CONV * 2 + V_FAST: return conv_fast(L, &q, in, in2, r, out);
    case BK_CONV * 2 + V_REF: return conv_ref(L, &q, in, in2, r, out);
    case BK_DW * 2 + V_FAST: return dw_fast(L, &q, in, in2, r, out);
    case BK_DW * 2 + V_REF: return dw_ref(L, &q, in, in2, r, out);
    case BK_AVGPOOL * 2 + V_FAST: return avgpool_fast(L, &q, in, in2, r, out);
    case BK_AVGPOOL * 2 + V_REF: return avgpool_ref(L, &q, in, in2, r, out);
    case BK_ADD * 2 + V_FAST: return add_fast(L, &q, in, in2, r, out);
    case BK_ADD * 2 + V_REF: return add_ref(L, &q, in, in2, r, out);
    case BK_SOFTMAX * 2 + V_FAST: return softmax_fast(L, &q, in, in2, r, out);
    case BK_SOFTMAX * 2 + V_REF: return softmax_ref(L, &q, in, in2, r, out);
    default: return MSF_ARG_ERROR; /* no marks: the driver would notice the count */
  }
}

/* ---- checks ------------------------------------------------------------- */

static int32_t failures;

static void report_status(const bench_layer *L, const char *what, msf_status st) {
  put_s("bench: error: layer ");
  put_i(L->index);
  put_s(" ");
  put_s(what);
  put_s(" returned status ");
  put_i((int32_t)st);
  put_end();
  ++failures;
}

/* Compares out rect r (stored as an h x w x c block) with the reference. */
static void compare(const bench_layer *L, const char *what, const int8_t *got, const msf_rect *r) {
  int32_t y, x, ch, bad = 0, first = -1;
  int8_t fg = 0, fr = 0;
  for (y = 0; y < r->h; ++y)
    for (x = 0; x < r->w; ++x)
      for (ch = 0; ch < L->out_c; ++ch) {
        const int8_t g = got[((y * r->w) + x) * L->out_c + ch];
        const int8_t e = bench_out_ref[(((r->y0 + y) * L->out_w) + r->x0 + x) * L->out_c + ch];
        if (g != e) {
          if (bad == 0) {
            first = ((y * r->w) + x) * L->out_c + ch;
            fg = g;
            fr = e;
          }
          ++bad;
        }
      }
  if (bad == 0) return;
  put_s("bench: MISMATCH layer ");
  put_i(L->index);
  put_s(" ");
  put_s(what);
  put_s(" rect y0=");
  put_i(r->y0);
  put_s(" x0=");
  put_i(r->x0);
  put_s(" h=");
  put_i(r->h);
  put_s(" w=");
  put_i(r->w);
  put_s(": ");
  put_i(bad);
  put_s(" bytes differ, first at ");
  put_i(first);
  put_s(" fast=");
  put_i(fg);
  put_s(" ref=");
  put_i(fr);
  put_end();
  ++failures;
}

/* The poisoned guards around an output must be intact. */
static void check_guards(const bench_layer *L, const char *what, const int8_t *out,
                         const msf_rect *r) {
  const int32_t n = r->h * r->w * L->out_c;
  int32_t i, bad = 0;
  for (i = 0; i < BENCH_GUARD; ++i) {
    bad += out[-1 - i] != (int8_t)POISON;
    bad += out[n + i] != (int8_t)POISON;
  }
  if (bad == 0) return;
  put_s("bench: MISMATCH layer ");
  put_i(L->index);
  put_s(" ");
  put_s(what);
  put_s(" rect y0=");
  put_i(r->y0);
  put_s(" x0=");
  put_i(r->x0);
  put_s(" h=");
  put_i(r->h);
  put_s(" w=");
  put_i(r->w);
  put_s(": the optimised kernel wrote ");
  put_i(bad);
  put_s(" bytes outside its output buffer");
  put_end();
  ++failures;
}

/* ---- one layer ---------------------------------------------------------- */

static void run_layer(const bench_layer *L) {
  const int32_t in_n = L->in_h * L->in_w * L->in_c;
  const int32_t out_n = L->out_h * L->out_w * L->out_c;
  msf_view in, in2, out;
  msf_rect whole;
  msf_status st;
  int32_t i, clamped = 0, failures_before = failures;

  rng_state = L->seed;
  fill_guarded(bench_in1, in_n, -128, 127);
  if (L->kind == BK_ADD) fill_guarded(bench_in2, in_n, -128, 127);
  if (L->kind == BK_CONV || L->kind == BK_DW) {
    fill_guarded(bench_filter, L->filter_len, -127, 127);
    bench_conv = L->conv;
    if (L->kind == BK_CONV) {
      msf_conv_s8_eff_bias(&L->conv, bench_filter, L->bias, bench_eff_bias);
      if (msf_conv_s8_wide_weights_size(&L->conv) > 0) {
        msf_conv_s8_wide_weights(&L->conv, bench_filter, bench_wide);
        bench_conv.wide_weights = bench_wide;
      }
    } else
      msf_depthwise_conv_s8_eff_bias(&L->conv, bench_filter, L->bias, bench_eff_bias);
    {
      msf_requant q;
      q.multiplier = L->multiplier, q.shift = L->shift, q.per_channel = 1, q.verified = 1;
      bench_narrow = msf_requant_narrow_ok(&L->conv, &q, bench_filter, L->bias, bench_eff_bias,
                                           L->kind == BK_DW) != 0;
    }
  }

  in.data = bench_in1;
  in.y0 = in.x0 = 0;
  in.h = L->in_h;
  in.w = L->in_w;
  in.c = L->in_c;
  in.ring_y = in.ring_x = 0;
  in2 = in;
  in2.data = bench_in2;
  out = in;
  out.h = L->out_h;
  out.w = L->out_w;
  out.c = L->out_c;
  whole.y0 = whole.x0 = 0;
  whole.h = L->out_h;
  whole.w = L->out_w;

  /* Poison the outputs differently: a byte neither kernel writes differs. */
  memset(bench_out_fast - BENCH_GUARD, POISON, (size_t)(out_n + 2 * BENCH_GUARD));
  memset(bench_out_ref, 0x2A, (size_t)out_n);
  out.data = bench_out_fast;
  st = call_kernel(L, V_FAST, &in, &in2, &whole, &out);
  if (st != MSF_OK) report_status(L, "optimised kernel", st);
  check_guards(L, "whole tensor", bench_out_fast, &whole);
  out.data = bench_out_ref;
  st = call_kernel(L, V_REF, &in, &in2, &whole, &out);
  if (st != MSF_OK) report_status(L, "reference kernel", st);
  compare(L, "whole tensor", bench_out_fast, &whole);
  for (i = 0; i < out_n; ++i) clamped += (bench_out_ref[i] == -128 || bench_out_ref[i] == 127);

  for (i = 0; i < L->n_patches; ++i) {
    const bench_patch *P = &L->patches[i];
    msf_view pin, pin2, pout;
    msf_rect r;
    r.y0 = P->y0;
    r.x0 = P->x0;
    r.h = P->h;
    r.w = P->w;
    const int32_t tile_n = P->ih * P->iw * L->in_c;
    fill_s8(bench_tile1 - BENCH_GUARD, BENCH_GUARD, -128, 127);
    fill_s8(bench_tile1 + tile_n, BENCH_GUARD, -128, 127);
    copy_tile(bench_tile1, bench_in1, L->in_w, L->in_c, P->iy0, P->ix0, P->ih, P->iw);
    pin = in;
    pin.data = bench_tile1;
    pin.y0 = P->iy0;
    pin.x0 = P->ix0;
    pin.h = P->ih;
    pin.w = P->iw;
    pin2 = pin;
    if (L->kind == BK_ADD) {
      fill_s8(bench_tile2 - BENCH_GUARD, BENCH_GUARD, -128, 127);
      fill_s8(bench_tile2 + tile_n, BENCH_GUARD, -128, 127);
      copy_tile(bench_tile2, bench_in2, L->in_w, L->in_c, P->iy0, P->ix0, P->ih, P->iw);
      pin2.data = bench_tile2;
    }
    pout.data = bench_out_patch;
    pout.y0 = P->y0;
    pout.x0 = P->x0;
    pout.h = P->h;
    pout.w = P->w;
    pout.c = L->out_c;
    pout.ring_y = pout.ring_x = 0;
    memset(bench_out_patch - BENCH_GUARD, POISON, (size_t)(P->h * P->w * L->out_c + 2 * BENCH_GUARD));
    st = call_kernel(L, V_FAST, &pin, &pin2, &r, &pout);
    if (st != MSF_OK) report_status(L, "optimised kernel (patch)", st);
    check_guards(L, "patch", bench_out_patch, &r);
    compare(L, "patch", bench_out_patch, &r);
  }

  put_s("layer ");
  put_i(L->index);
  put_s(failures == failures_before ? " ok" : " FAILED");
  put_s(" clamped ");
  put_i(clamped);
  put_s(" of ");
  put_i(out_n);
  put_end();
}

int main(void) {
  int32_t i;
  stop_timer();
  for (i = 0; i < BENCH_EMPTY; ++i) empty_bracket();
  for (i = 0; i < bench_the_model.n_layers; ++i) run_layer(&bench_the_model.layers[i]);
  put_s("bench: model ");
  put_s(bench_the_model.name);
  put_s(" layers ");
  put_i(bench_the_model.n_layers);
  put_s(" marks ");
  put_i((int32_t)bench_marks);
  put_s(" failures ");
  put_i(failures);
  put_end();
  return failures == 0 ? 0 : 1;
}
