/* SPDX-License-Identifier: MIT */
/* Bare-metal cross-check of the optimised runtime kernels against their
 * *_ref oracles, on the MCU targets under QEMU (mcu_kernels_test.cc builds
 * and runs it). On Cortex-M4/M7 this executes the __ARM_FEATURE_DSP paths
 * (SMLAD / SXTB16 / SXTAB16 / SMLABB), which the host test suite never
 * runs; on RV32IMAC the portable paths as a 32-bit bare-metal build.
 *
 * Every case is drawn from its own xorshift32 seed (kind, case number), so a
 * case is reproducible on its own. Per case the harness calls the reference
 * and the optimised kernel on the very same inputs, on the whole tensor and
 * on random output rects with tile and ring views, with the data, filter and
 * output pointers at random byte offsets (unaligned words on the DSP paths).
 * The outputs live between guard bytes (the same random poison in both
 * copies), and the whole range, guards included, must be byte-identical; the
 * statuses must be equal and OK (where the reference accepts the case); the
 * inputs, filters and biases must be unchanged.
 *
 * Covered: CONV_2D (1x1 pointwise, kxk incl. dilation, padding, strides,
 * kernels up to 9 = beyond the fast path), DEPTHWISE_CONV_2D (multiplier 1..8,
 * 3x3 interior and borders), FULLY_CONNECTED, AVERAGE/MAX_POOL_2D, ADD,
 * SOFTMAX; per-tensor and per-channel requantisation with realistic,
 * boundary and wild multipliers/shifts (and, rarely, INT32_MIN or a shift
 * outside [-31, 31], which send a call to the reference fallback). Channel
 * counts include 1, 3, 5, 8 and 17 in every directed shape.
 *
 * Output (semihosting console): one line per failing case (up to
 * MAX_REPORTS), then
 *   mcu_kernels: dsp=<0|1> cases=<n> calls=<n> failures=<n> narrow=<n>
 *   mcu_kernels: conv=<n> depthwise=<n> fc=<n> avgpool=<n> maxpool=<n> add=<n> softmax=<n>
 * Exit status (QEMU's): 0 all equal, 1 any failure, 99 processor fault
 * (platform.c). */
#include <stdint.h>
#include <string.h>

#include "msf_rt/msf_kernels.h"
#include "platform.h"

/* ---- sizes ------------------------------------------------------------------------- */
#define GUARD 32      /* poison bytes before and after every output */
#define T_MAX 12288   /* full input tensor */
#define V_MAX 16384   /* view storage */
#define O_MAX 12288   /* output view storage */
#define F_MAX 32768   /* filter */
#define CH_MAX 640    /* output channels */
#define MAC_MAX 40000 /* per random conv call (keeps the run short) */
#define RUNS 6        /* per conv / pool / add case: whole tensor + 5 random rects */
#define MAX_REPORTS 20

enum { K_CONV, K_DW, K_FC, K_AVG, K_MAX, K_ADD, K_SOFTMAX, K_COUNT };
static const char *const kind_name[K_COUNT] = {"conv",    "depthwise", "fc",     "avgpool",
                                               "maxpool", "add",       "softmax"};

/* ---- random numbers ------------------------------------------------------------------ */
static uint32_t rs = 1;
static uint32_t rnd(void) {
  rs ^= rs << 13;
  rs ^= rs >> 17;
  rs ^= rs << 5;
  return rs;
}
static void seed_case(int kind, int32_t id) {
  int i;
  rs = 0x9E3779B9u * (uint32_t)(kind * 100003 + id + 1) ^ 0x2545F491u;
  if (rs == 0) rs = 1;
  for (i = 0; i < 4; ++i) (void)rnd();
}
/* Uniform in [lo, hi] (hi - lo < 2^32 - 1). */
static int32_t U(int32_t lo, int32_t hi) {
  return (int32_t)((uint32_t)lo + rnd() % ((uint32_t)hi - (uint32_t)lo + 1u));
}
static int chance(int pct) { return U(0, 99) < pct; }
#define PICK(arr) ((arr)[U(0, (int32_t)(sizeof(arr) / sizeof((arr)[0])) - 1)])

/* ---- console ------------------------------------------------------------------------- */
static void say(const char *s) { plat_write(s); }
static void put_int(int64_t v) {
  char b[24];
  int i = 23;
  const int neg = v < 0;
  uint64_t u = neg ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
  b[i] = 0;
  do {
    b[--i] = (char)('0' + (int)(u % 10u));
    u /= 10u;
  } while (u);
  if (neg) b[--i] = '-';
  plat_write(b + i);
}
static void kv(const char *k, int64_t v) {
  say(" ");
  say(k);
  say("=");
  put_int(v);
}
static void say_view(const char *name, const msf_view *v) {
  say(" ");
  say(name);
  say("{y0=");
  put_int(v->y0);
  say(" x0=");
  put_int(v->x0);
  say(" h=");
  put_int(v->h);
  say(" w=");
  put_int(v->w);
  say(" c=");
  put_int(v->c);
  if (v->ring_y) say(" ring_y");
  if (v->ring_x) say(" ring_x");
  say("}");
}
static void say_rect(const msf_rect *r) {
  say(" rect{y0=");
  put_int(r->y0);
  say(" x0=");
  put_int(r->x0);
  say(" h=");
  put_int(r->h);
  say(" w=");
  put_int(r->w);
  say("}");
}

/* ---- buffers ------------------------------------------------------------------------- */
static int8_t ta[T_MAX], tb[T_MAX]; /* full input tensors */
static int8_t va[V_MAX + 4] __attribute__((aligned(8))), vb[V_MAX + 4] __attribute__((aligned(8)));
static int8_t va_copy[V_MAX + 4], vb_copy[V_MAX + 4];
static int8_t filt[F_MAX + 4] __attribute__((aligned(8))), filt_copy[F_MAX + 4];
static int8_t oref[O_MAX + 2 * GUARD + 4] __attribute__((aligned(8)));
static int8_t ofast[O_MAX + 2 * GUARD + 4] __attribute__((aligned(8)));
static int32_t bias[CH_MAX], bias_copy[CH_MAX], eff[CH_MAX], mult[CH_MAX], shft[CH_MAX];
/* A convolution's host-widened weights (msf_conv_params.wide_weights): the
 * stem's 15 words per output channel are the most. */
#define WIDE_MAX (80 * 15)
static int32_t wide[WIDE_MAX];
static int32_t wide_cases; /* conv cases run with wide_weights */

static int32_t cases, calls, failures, per_kind[K_COUNT];
static int32_t narrow_cases; /* conv / depthwise cases run with MSF_REQUANT_NARROW */
/* directed_early: per-channel quantisation, the full int8 range, verified
 * multipliers (the early layers' fixed-K and narrow kernels need all three). */
static int force_early;

/* ---- comparison ---------------------------------------------------------------------- */
typedef struct {
  const int8_t *buf, *copy;
  int32_t n;
  const char *name;
} watched;

/* What went wrong in the last check (for the report). */
static struct {
  msf_status sr, sf;
  int32_t at; /* first differing byte, relative to the output's first byte */
  int8_t ref, fast;
  const char *what;
  int byte; /* the difference is in the output or its guards */
} diag;

/* Output storage: [obase, obase + GUARD) guard, then n bytes of output view, then GUARD. */
static int32_t obase;
static int8_t *prep_out(int32_t n) {
  int32_t i;
  obase = U(0, 3);
  for (i = 0; i < n + 2 * GUARD; ++i) oref[obase + i] = (int8_t)rnd();
  memcpy(ofast + obase, oref + obase, (size_t)(n + 2 * GUARD));
  return oref + obase + GUARD;
}
#define FAST_OUT(p) ((p)-oref + ofast)

/* 1 when equal. require_ok: the reference must accept the call (a harness bug otherwise). */
static int same(msf_status sr, msf_status sf, int32_t n, const watched *w, int nw, int require_ok) {
  int32_t i;
  int k;
  ++calls;
  diag.sr = sr, diag.sf = sf, diag.at = 0, diag.ref = diag.fast = 0, diag.byte = 0;
  if (sr != sf) {
    diag.what = "status differs";
    return 0;
  }
  if (require_ok && sr != MSF_OK) {
    diag.what = "reference rejected the case (harness bug)";
    return 0;
  }
  for (k = 0; k < nw; ++k) {
    if (memcmp(w[k].buf, w[k].copy, (size_t)w[k].n) != 0) {
      diag.what = w[k].name;
      return 0;
    }
  }
  if (sr != MSF_OK) return 1; /* both rejected: what they wrote is unspecified */
  for (i = 0; i < n + 2 * GUARD; ++i) {
    if (oref[obase + i] != ofast[obase + i]) {
      diag.at = i - GUARD;
      diag.ref = oref[obase + i], diag.fast = ofast[obase + i], diag.byte = 1;
      diag.what = i < GUARD        ? "guard byte before the output"
                  : i >= GUARD + n ? "guard byte after the output"
                                   : "output byte";
      return 0;
    }
  }
  return 1;
}

/* First line of a failure report; the caller adds the case's parameters. */
static int report_head(int kind, int32_t id, int32_t run) {
  ++failures;
  if (failures > MAX_REPORTS) return 0;
  say("MISMATCH ");
  say(kind_name[kind]);
  kv("case", id);
  kv("run", run);
  say(": ");
  say(diag.what);
  kv("status_ref", diag.sr);
  kv("status_fast", diag.sf);
  if (diag.byte) {
    kv("at", diag.at);
    kv("ref", diag.ref);
    kv("fast", diag.fast);
  }
  say("\n ");
  return 1;
}

/* ---- data ---------------------------------------------------------------------------- */
static void fill_data(int8_t *d, int32_t n) {
  int32_t i;
  const int mode = U(0, 99);
  if (mode < 60) {
    for (i = 0; i < n; ++i) d[i] = (int8_t)rnd();
  } else if (mode < 75) {
    for (i = 0; i < n; ++i) d[i] = (int8_t)(chance(50) ? -128 : 127);
  } else if (mode < 85) {
    static const int8_t sp[] = {-128, -127, -1, 0, 1, 126, 127};
    for (i = 0; i < n; ++i) d[i] = PICK(sp);
  } else {
    const int32_t c = U(-120, 120);
    for (i = 0; i < n; ++i) d[i] = (int8_t)(c + U(-8, 8));
  }
}
static void fill_filter(int8_t *d, int32_t n) {
  int32_t i;
  const int mode = U(0, 99);
  static const int8_t ext[] = {-128, -127, 127};
  for (i = 0; i < n; ++i)
    d[i] = mode < 65   ? (int8_t)rnd()
           : mode < 80 ? PICK(ext)
                       : (int8_t)(chance(50) ? 0 : (int8_t)rnd());
}
/* 20%: NULL; else moderate (about the accumulator's spread) or int32 extremes. */
static const int32_t *fill_bias(int32_t n, int32_t spread) {
  int32_t i;
  const int mode = U(0, 99);
  if (mode < 20) return 0;
  for (i = 0; i < n; ++i) {
    if (mode < 75) {
      bias[i] = U(-spread, spread);
    } else {
      switch (U(0, 4)) {
        case 0: bias[i] = INT32_MAX; break;
        case 1: bias[i] = INT32_MIN; break;
        case 2: bias[i] = INT32_MAX - U(0, 1 << 20); break;
        case 3: bias[i] = INT32_MIN + U(0, 1 << 20); break;
        default: bias[i] = (int32_t)rnd(); break;
      }
    }
  }
  memcpy(bias_copy, bias, (size_t)n * sizeof bias[0]);
  return bias;
}

static int32_t ilog2(uint32_t v) {
  int32_t r = 0;
  while (v > 1u) v >>= 1, ++r;
  return r;
}

/* Requantisation for n channels; base_shift scales a realistic accumulator to
 * about +-40. Modes: realistic, extreme mix (boundary multipliers and shifts),
 * wild (any multiplier, shift in [-31, 31]); rarely one entry in use is
 * INT32_MIN or a shift outside [-31, 31] (the optimised kernel then runs its
 * reference). Per-tensor arrays keep junk beyond index 0. */
static int qmode;
static void fill_quant(msf_requant *q, int32_t n, int32_t base_shift) {
  static const int32_t em[] = {0, 1, 1 << 30, INT32_MAX, -1, INT32_MIN + 1};
  static const int32_t es[] = {-31, -20, -1, 0, 1, 20, 31};
  static const int32_t bad_shift[] = {-40, -32, 32, 40};
  int32_t i;
  const int mode = U(0, 99);
  qmode = mode < 55 ? 0 : mode < 85 ? 1 : 2;
  for (i = 0; i < n; ++i) {
    if (qmode == 0 || (qmode == 1 && chance(50))) {
      mult[i] = U(1 << 30, INT32_MAX);
      shft[i] = base_shift + U(-1, 1);
    } else if (qmode == 1) {
      mult[i] = PICK(em);
      shft[i] = PICK(es);
    } else {
      mult[i] = (int32_t)rnd();
      if (mult[i] == INT32_MIN) mult[i] = INT32_MIN + 1;
      shft[i] = U(-31, 31);
    }
  }
  memset(q, 0, sizeof *q); /* fields a newer msf_requant may add stay 0 (checked defaults) */
  q->multiplier = mult, q->shift = shft, q->per_channel = chance(50);
  if (chance(4)) {
    qmode = 3;
    mult[U(0, q->per_channel ? n - 1 : 0)] = INT32_MIN;
  } else if (chance(3)) {
    qmode = 4;
    shft[U(0, q->per_channel ? n - 1 : 0)] = PICK(bad_shift);
  }
}
static void say_quant(const msf_requant *q) {
  static const char *const names[] = {"realistic", "extreme-mix", "wild", "+INT32_MIN",
                                      "+bad-shift"};
  say(" quant=");
  say(names[qmode]);
  say(q->per_channel ? "/per-channel" : "/per-tensor");
  say(q->verified & MSF_REQUANT_NARROW ? "/narrow" : q->verified ? "/verified" : "");
  kv("mult0", q->multiplier[0]);
  kv("shift0", q->shift[0]);
}

static int32_t input_offset(void) {
  static const int32_t v[] = {-128, -127, 0, 1, 127, 128};
  return chance(40) ? PICK(v) : U(-128, 128);
}
static int32_t output_offset(void) {
  static const int32_t v[] = {-128, 0, 127};
  return chance(30) ? PICK(v) : U(-128, 127);
}
static void activation(int32_t zp, int32_t *lo, int32_t *hi) {
  const int mode = U(0, 99);
  if (mode < 45) {
    *lo = -128, *hi = 127;
  } else if (mode < 75) {
    *lo = zp < -128 ? -128 : zp > 127 ? 127 : zp;
    *hi = chance(30) ? 127 : U(*lo, 127);
  } else {
    *lo = U(-128, 127), *hi = U(*lo, 127);
  }
}

/* ---- views --------------------------------------------------------------------------- */
static int32_t mod(int32_t a, int32_t m) { return ((a % m) + m) % m; }

/* One axis of a view that must hold coordinates [lo, hi] (none if hi < lo).
 * mode 0 tight, 1 tile with margins, 2 ring of exactly the span, 3 larger ring. */
static void axis(int mode, int32_t lo, int32_t hi, int32_t *origin, int32_t *n, uint8_t *ring) {
  const int32_t span = hi >= lo ? hi - lo + 1 : 0;
  *ring = 0;
  switch (mode) {
    case 0: *origin = span ? lo : 0, *n = span ? span : 1; break;
    case 1: {
      const int32_t b = U(0, 2);
      *origin = (span ? lo : 0) - b, *n = (span ? span : 1) + b + U(0, 2);
      break;
    }
    case 2: *ring = 1, *origin = 0, *n = span ? span : 1; break;
    default: *ring = 1, *origin = U(-2, 2), *n = (span ? span : 1) + U(1, 3); break;
  }
}

/* Input view of tensor t (th x tw x c) holding rows [ylo, yhi] and columns
 * [xlo, xhi] (clipped to the tensor), in storage st at a random byte offset;
 * storage the view does not map holds junk. whole: the plain whole tensor.
 * Saves a copy of the storage in cp. 0 if it does not fit. */
static int build_in(msf_view *v, int8_t *st, int8_t *cp, int32_t *nbytes, const int8_t *t,
                    int32_t th, int32_t tw, int32_t c, int32_t ylo, int32_t yhi, int32_t xlo,
                    int32_t xhi, int whole) {
  int32_t y, x, sy, sx, n;
  const int32_t al = U(0, 3);
  if (ylo < 0) ylo = 0;
  if (xlo < 0) xlo = 0;
  if (yhi > th - 1) yhi = th - 1;
  if (xhi > tw - 1) xhi = tw - 1;
  if (whole) {
    v->y0 = v->x0 = 0, v->h = th, v->w = tw, v->ring_y = v->ring_x = 0;
  } else {
    axis(U(0, 3), ylo, yhi, &v->y0, &v->h, &v->ring_y);
    axis(U(0, 3), xlo, xhi, &v->x0, &v->w, &v->ring_x);
  }
  v->c = c;
  n = v->h * v->w * c;
  if (n > V_MAX) return 0;
  v->data = st + al;
  for (y = 0; y < n; ++y) v->data[y] = (int8_t)rnd();
  for (y = 0; y < th; ++y) {
    if (v->ring_y) {
      if (y < ylo || y > yhi) continue;
      sy = mod(y, v->h);
    } else {
      sy = y - v->y0;
      if (sy < 0 || sy >= v->h) continue;
    }
    for (x = 0; x < tw; ++x) {
      if (v->ring_x) {
        if (x < xlo || x > xhi) continue;
        sx = mod(x, v->w);
      } else {
        sx = x - v->x0;
        if (sx < 0 || sx >= v->w) continue;
      }
      memcpy(&v->data[(sy * v->w + sx) * c], &t[(y * tw + x) * c], (size_t)c);
    }
  }
  memcpy(cp + al, v->data, (size_t)n);
  *nbytes = n;
  return 1;
}

/* Output view for rect r (c channels): plain whole view, or a random tile / ring. */
static int32_t build_out(msf_view *ov, const msf_rect *r, int32_t c, int whole) {
  axis(whole ? 0 : U(0, 3), r->y0, r->y0 + r->h - 1, &ov->y0, &ov->h, &ov->ring_y);
  axis(whole ? 0 : U(0, 3), r->x0, r->x0 + r->w - 1, &ov->x0, &ov->w, &ov->ring_x);
  ov->c = c;
  return ov->h * ov->w * c;
}

static void random_rect(msf_rect *r, int32_t oh, int32_t ow, int whole) {
  if (whole) {
    r->y0 = r->x0 = 0, r->h = oh, r->w = ow;
    return;
  }
  r->h = U(1, oh), r->w = U(1, ow);
  r->y0 = U(0, oh - r->h), r->x0 = U(0, ow - r->w);
}

/* Input rows [lo, hi] that output rows [o0, o0 + n) of a window op read. */
static void in_range(int32_t o0, int32_t n, int32_t stride, int32_t pad, int32_t extent,
                     int32_t *lo, int32_t *hi) {
  *lo = o0 * stride - pad;
  *hi = (o0 + n - 1) * stride - pad + extent - 1;
}

/* ---- CONV_2D / DEPTHWISE_CONV_2D ------------------------------------------------------ */
typedef struct {
  int32_t kh, kw, sh, sw, dh, dw, pt, pb, pl, pr, ih, iw, ic, mult, oc;
} cshape;

static const int32_t chans[] = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33};
static const int32_t odd_chans[] = {1, 3, 5, 8, 17}; /* every directed shape runs these */

static int32_t out_dim(int32_t in, int32_t p0, int32_t p1, int32_t k, int32_t d, int32_t s) {
  const int32_t e = (k - 1) * d + 1;
  return in + p0 + p1 < e ? 0 : (in + p0 + p1 - e) / s + 1;
}

/* Whether the shape fits the buffers and the time budget. */
static int conv_fits(int dw, const cshape *s) {
  const int32_t oh = out_dim(s->ih, s->pt, s->pb, s->kh, s->dh, s->sh);
  const int32_t ow = out_dim(s->iw, s->pl, s->pr, s->kw, s->dw, s->sw);
  const int32_t taps = s->kh * s->kw * (dw ? 1 : s->ic);
  return oh > 0 && ow > 0 && s->ih * s->iw * s->ic <= T_MAX && s->ih * s->iw * s->ic <= V_MAX / 2 &&
         oh * ow * s->oc <= O_MAX / 2 && taps * s->oc <= F_MAX && s->oc <= CH_MAX &&
         oh * ow * s->oc * taps <= MAC_MAX;
}

static void random_conv_shape(int dw, cshape *s) {
  static const int32_t mults[] = {2, 3, 4, 8};
  do {
    const int style = U(0, 99);
    memset(s, 0, sizeof *s);
    s->dh = s->dw = s->sh = s->sw = 1;
    if (style < 25) { /* 1x1 (stride 1 mostly): the pointwise path */
      s->kh = s->kw = 1;
      if (chance(25)) s->sh = s->sw = 2;
    } else if (style < 55) { /* 3x3, the common case */
      s->kh = s->kw = 3;
      s->sh = s->sw = chance(60) ? 1 : 2;
      if (chance(15)) s->dh = s->dw = 2;
      s->pt = s->pl = chance(70) ? s->dh : 0;
      s->pb = s->pr = s->sh == 2 ? U(0, s->pt) : s->pt;
    } else { /* anything, up to 9 taps a side (beyond 8: the reference fallback) */
      const int32_t kmax = chance(6) ? 9 : 8;
      int32_t eh, ew;
      s->kh = U(1, kmax), s->kw = chance(50) ? s->kh : U(1, kmax);
      s->sh = U(1, 3), s->sw = chance(50) ? s->sh : U(1, 3);
      s->dh = chance(70) ? 1 : U(1, 3), s->dw = chance(50) ? s->dh : U(1, 3);
      eh = (s->kh - 1) * s->dh + 1, ew = (s->kw - 1) * s->dw + 1;
      if (chance(60))
        s->pt = U(0, eh - 1), s->pb = U(0, eh - 1), s->pl = U(0, ew - 1), s->pr = U(0, ew - 1);
    }
    s->ih = U(1, 12), s->iw = U(1, 12);
    s->ic = PICK(chans);
    s->mult = dw ? (chance(60) ? 1 : PICK(mults)) : 1;
    s->oc = dw ? s->ic * s->mult : PICK(chans);
    if (!dw && chance(10)) s->oc = U(34, 70);
  } while (!conv_fits(dw, s));
}

static void say_conv(int dw, const cshape *s, const msf_conv_params *p) {
  kv("in_h", s->ih), kv("in_w", s->iw), kv("in_c", s->ic), kv("out_c", s->oc);
  kv("kh", s->kh), kv("kw", s->kw), kv("sh", s->sh), kv("sw", s->sw), kv("dh", s->dh),
      kv("dw", s->dw);
  kv("pad_t", s->pt), kv("pad_b", s->pb), kv("pad_l", s->pl), kv("pad_r", s->pr);
  if (dw) kv("depth_mult", s->mult);
  kv("in_off", p->input_offset), kv("out_off", p->output_offset);
  kv("act_min", p->act_min), kv("act_max", p->act_max);
}

static void conv_case(int dw, int32_t id, const cshape *s) {
  const int kind = dw ? K_DW : K_CONV;
  msf_conv_params p;
  msf_requant q;
  const int32_t *b;
  const int32_t *e;
  const int32_t oh = out_dim(s->ih, s->pt, s->pb, s->kh, s->dh, s->sh);
  const int32_t ow = out_dim(s->iw, s->pl, s->pr, s->kw, s->dw, s->sw);
  const int32_t taps = s->kh * s->kw * (dw ? 1 : s->ic);
  const int32_t fsize = taps * s->oc;
  int32_t run, falign;
  int8_t *f;
  ++cases, ++per_kind[kind];
  memset(&p, 0, sizeof p);
  p.in_h = s->ih, p.in_w = s->iw, p.in_c = s->ic, p.out_c = s->oc;
  p.kernel_h = s->kh, p.kernel_w = s->kw, p.stride_h = s->sh, p.stride_w = s->sw;
  p.dilation_h = s->dh, p.dilation_w = s->dw, p.pad_top = s->pt, p.pad_left = s->pl;
  p.depth_multiplier = dw ? s->mult : 0;
  p.input_offset = input_offset();
  p.output_offset = output_offset();
  activation(p.output_offset, &p.act_min, &p.act_max);
  if (force_early) p.act_min = -128, p.act_max = 127;
  fill_data(ta, s->ih * s->iw * s->ic);
  falign = U(0, 3);
  f = filt + falign;
  fill_filter(f, fsize);
  memcpy(filt_copy, f, (size_t)fsize);
  /* accumulator spread ~ sqrt(taps) * 74 * 74 (uniform int8 data and weights) */
  b = fill_bias(s->oc, 5500 * (ilog2((uint32_t)taps) / 2 + 1));
  fill_quant(&q, s->oc, 5 - 13 - ilog2((uint32_t)taps) / 2);
  if (force_early) q.per_channel = 1;
  if (dw)
    msf_depthwise_conv_s8_eff_bias(&p, f, b, eff);
  else
    msf_conv_s8_eff_bias(&p, f, b, eff);
  e = chance(3) ? 0 : eff; /* no eff_bias: the optimised kernel runs its reference */
  /* As codegen does for the DSP targets (their fast paths for the stem and
   * 1x1 over K = 8, 16 read it); without it the generic kernels run. */
  if (!dw && chance(75)) {
    const int32_t n = msf_conv_s8_wide_weights_size(&p);
    if (n > 0 && n <= WIDE_MAX) msf_conv_s8_wide_weights(&p, f, wide), p.wide_weights = wide, ++wide_cases;
  }
  /* As the host's lowering does: multipliers checked once (verified), and
   * the narrow requantisation where msf_requant_narrow_ok proves it exact. */
  if (qmode <= 2 && (force_early || chance(60))) {
    q.verified = 1;
    if (msf_requant_narrow_ok(&p, &q, f, b, eff, dw)) q.verified |= MSF_REQUANT_NARROW, ++narrow_cases;
  }
  for (run = 0; run < RUNS; ++run) {
    msf_rect r;
    msf_view iv, ov;
    msf_status sr, sf;
    int32_t ylo, yhi, xlo, xhi, n, nin;
    int8_t *o;
    watched w[3];
    random_rect(&r, oh, ow, run == 0);
    in_range(r.y0, r.h, s->sh, s->pt, (s->kh - 1) * s->dh + 1, &ylo, &yhi);
    in_range(r.x0, r.w, s->sw, s->pl, (s->kw - 1) * s->dw + 1, &xlo, &xhi);
    if (!build_in(&iv, va, va_copy, &nin, ta, s->ih, s->iw, s->ic, ylo, yhi, xlo, xhi, run == 0))
      continue;
    n = build_out(&ov, &r, s->oc, run == 0);
    if (n > O_MAX) continue;
    o = prep_out(n);
    ov.data = o;
    sr = dw ? msf_depthwise_conv_s8_ref(&p, &q, &iv, f, b, &r, &ov)
            : msf_conv_s8_ref(&p, &q, &iv, f, b, &r, &ov);
    ov.data = FAST_OUT(o);
    sf = dw ? msf_depthwise_conv_s8(&p, &q, &iv, f, b, e, &r, &ov)
            : msf_conv_s8(&p, &q, &iv, f, b, e, &r, &ov);
    w[0].buf = iv.data, w[0].copy = va_copy + (iv.data - va), w[0].n = nin,
    w[0].name = "input modified";
    w[1].buf = f, w[1].copy = filt_copy, w[1].n = fsize, w[1].name = "filter modified";
    w[2].buf = (const int8_t *)bias, w[2].copy = (const int8_t *)bias_copy;
    w[2].n = b ? s->oc * (int32_t)sizeof(int32_t) : 0, w[2].name = "bias modified";
    if (!same(sr, sf, n, w, 3, 1)) {
      if (report_head(kind, id, run)) {
        say_conv(dw, s, &p);
        say_quant(&q);
        say(b ? " bias" : " bias=NULL");
        say(e ? "" : " eff_bias=NULL");
        say(p.wide_weights ? " wide_weights" : "");
        say("\n ");
        say_rect(&r);
        say_view("in", &iv);
        say_view("out", &ov);
        kv("align_in", (int32_t)((uintptr_t)iv.data & 3u));
        kv("align_filter", falign);
        kv("align_out", obase);
        say("\n");
      }
      return;
    }
  }
}

/* The early layers' special kernels: 1x1 with K = 8 and 16 (the widened-input
 * pixel and pair kernels), the 3x3 stride-2 stem over 3 channels (its pair
 * kernel, also for a lone last pixel), in their per-channel, full-range,
 * narrow form. */
static void directed_early(int32_t *id) {
  static const int32_t outs[] = {1, 3, 8, 17, 48};
  int k, rep;
  force_early = 1;
  for (k = 0; k < 3; ++k) {
    for (rep = 0; rep < 16; ++rep, ++*id) {
      cshape s;
      seed_case(K_CONV, *id);
      memset(&s, 0, sizeof s);
      s.sh = s.sw = s.dh = s.dw = s.mult = 1;
      s.kh = s.kw = k < 2 ? 1 : 3;
      s.ic = k == 0 ? 8 : k == 1 ? 16 : 3;
      if (k == 2) s.sh = s.sw = 2, s.pt = s.pl = U(0, 1), s.pb = s.pr = 1;
      s.oc = PICK(outs);
      s.ih = U(3, 12), s.iw = U(3, 12);
      if (conv_fits(0, &s)) conv_case(0, *id, &s);
    }
  }
  force_early = 0;
}

/* Directed shapes: the fast paths' special cases, each with channel counts 1, 3, 5, 8, 17. */
static void directed_conv(int dw, int32_t *id) {
  /* kh kw sh sw dh dw pt pb pl pr mult */
  static const int32_t conv_shapes[][11] = {
      {1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1}, {1, 1, 2, 2, 1, 1, 0, 0, 0, 0, 1},
      {3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1}, {3, 3, 2, 2, 1, 1, 0, 1, 0, 1, 1},
      {3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 1}, {5, 5, 1, 1, 1, 1, 2, 2, 2, 2, 1},
      {1, 7, 1, 1, 1, 1, 0, 0, 3, 3, 1}, {2, 2, 2, 2, 1, 1, 0, 0, 0, 0, 1}};
  static const int32_t dw_shapes[][11] = {
      {3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1}, {3, 3, 2, 2, 1, 1, 0, 1, 0, 1, 1},
      {3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1}, {3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2},
      {3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 1}, {5, 5, 1, 1, 1, 1, 2, 2, 2, 2, 1},
      {7, 7, 2, 2, 1, 1, 3, 3, 3, 3, 1}, {1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 3},
      {3, 3, 1, 1, 1, 1, 0, 0, 0, 0, 8}};
  const int32_t(*shapes)[11] = dw ? dw_shapes : conv_shapes;
  const int n = dw ? (int)(sizeof dw_shapes / sizeof dw_shapes[0])
                   : (int)(sizeof conv_shapes / sizeof conv_shapes[0]);
  int k, c;
  for (k = 0; k < n; ++k) {
    for (c = 0; c < (int)(sizeof odd_chans / sizeof odd_chans[0]); ++c, ++*id) {
      cshape s;
      seed_case(dw ? K_DW : K_CONV, *id);
      s.kh = shapes[k][0], s.kw = shapes[k][1], s.sh = shapes[k][2], s.sw = shapes[k][3];
      s.dh = shapes[k][4], s.dw = shapes[k][5], s.pt = shapes[k][6], s.pb = shapes[k][7];
      s.pl = shapes[k][8], s.pr = shapes[k][9], s.mult = shapes[k][10];
      s.ic = odd_chans[c];
      s.oc = dw ? s.ic * s.mult : PICK(odd_chans);
      s.ih = U(4, 10), s.iw = U(4, 10);
      while (!conv_fits(dw, &s) && (s.ih > 1 || s.iw > 1)) {
        if (s.ih >= s.iw)
          --s.ih;
        else
          --s.iw;
      }
      if (!conv_fits(dw, &s)) continue;
      conv_case(dw, *id, &s);
    }
  }
}

/* ---- FULLY_CONNECTED ------------------------------------------------------------------ */
static void fc_case(int32_t id) {
  static const int32_t nins[] = {0,  1,  2,  3,  4,  5,  7,   8,   9,   15,  16,  17,
                                 31, 32, 33, 63, 64, 65, 100, 127, 128, 255, 256, 300};
  static const int32_t nouts[] = {1, 2, 3, 4, 5, 7, 8, 10, 17};
  static const int32_t foffs[] = {-128, -127, 1, 127, 128};
  msf_fc_params p;
  msf_requant q;
  const int32_t *b;
  int8_t *in, *f, *o;
  int32_t ain, af;
  msf_status sr, sf;
  watched w[3];
  ++cases, ++per_kind[K_FC];
  memset(&p, 0, sizeof p);
  p.in_features = chance(70) ? PICK(nins) : U(1, 600);
  p.out_features = chance(50) ? PICK(nouts) : U(1, 40);
  p.input_offset = input_offset();
  p.filter_offset = chance(50) ? 0 : chance(30) ? PICK(foffs) : U(-128, 128);
  p.output_offset = output_offset();
  activation(p.output_offset, &p.act_min, &p.act_max);
  ain = U(0, 3), af = U(0, 3);
  in = va + ain, f = filt + af;
  fill_data(in, p.in_features);
  memcpy(va_copy, in, (size_t)p.in_features);
  fill_filter(f, p.in_features * p.out_features);
  memcpy(filt_copy, f, (size_t)(p.in_features * p.out_features));
  b = fill_bias(p.out_features, 5500 * (ilog2((uint32_t)p.in_features + 1u) / 2 + 1));
  fill_quant(&q, p.out_features, 5 - 13 - ilog2((uint32_t)p.in_features + 1u) / 2);
  o = prep_out(p.out_features);
  sr = msf_fully_connected_s8_ref(&p, &q, in, f, b, o);
  sf = msf_fully_connected_s8(&p, &q, in, f, b, FAST_OUT(o));
  w[0].buf = in, w[0].copy = va_copy, w[0].n = p.in_features, w[0].name = "input modified";
  w[1].buf = f, w[1].copy = filt_copy, w[1].n = p.in_features * p.out_features,
  w[1].name = "filter modified";
  w[2].buf = (const int8_t *)bias, w[2].copy = (const int8_t *)bias_copy;
  w[2].n = b ? p.out_features * (int32_t)sizeof(int32_t) : 0, w[2].name = "bias modified";
  if (!same(sr, sf, p.out_features, w, 3, 1) && report_head(K_FC, id, 0)) {
    kv("in_features", p.in_features), kv("out_features", p.out_features);
    kv("in_off", p.input_offset), kv("filter_off", p.filter_offset), kv("out_off", p.output_offset);
    kv("act_min", p.act_min), kv("act_max", p.act_max);
    say_quant(&q);
    say(b ? " bias" : " bias=NULL");
    kv("align_in", ain), kv("align_filter", af), kv("align_out", obase);
    say("\n");
  }
}

/* ---- AVERAGE_POOL_2D / MAX_POOL_2D ---------------------------------------------------- */
static void pool_case(int avg, int32_t id) {
  const int kind = avg ? K_AVG : K_MAX;
  msf_pool_params p;
  int32_t pb, pr, oh, ow, run, big, fmax;
  ++cases, ++per_kind[kind];
  memset(&p, 0, sizeof p);
  do {
    p.c = PICK(chans);
    if (chance(10)) p.c = U(34, 96);
    fmax = chance(6) ? 9 : 7;
    p.filter_h = U(1, fmax), p.filter_w = chance(50) ? p.filter_h : U(1, fmax);
    p.stride_h = U(1, 3), p.stride_w = chance(50) ? p.stride_h : U(1, 3);
    /* mostly TFLite-like padding (< filter); sometimes windows of only padding */
    big = chance(15);
    p.pad_top = U(0, big ? p.filter_h + 1 : p.filter_h - 1),
    pb = U(0, big ? p.filter_h + 1 : p.filter_h - 1);
    p.pad_left = U(0, big ? p.filter_w + 1 : p.filter_w - 1),
    pr = U(0, big ? p.filter_w + 1 : p.filter_w - 1);
    p.in_h = U(1, 10), p.in_w = U(1, 10);
    if (p.in_h + p.pad_top + pb < p.filter_h) p.in_h = p.filter_h - p.pad_top - pb;
    if (p.in_w + p.pad_left + pr < p.filter_w) p.in_w = p.filter_w - p.pad_left - pr;
    oh = out_dim(p.in_h, p.pad_top, pb, p.filter_h, 1, p.stride_h);
    ow = out_dim(p.in_w, p.pad_left, pr, p.filter_w, 1, p.stride_w);
  } while (p.in_h * p.in_w * p.c > V_MAX / 2 || oh * ow * p.c > O_MAX / 2);
  p.act_min = -128, p.act_max = 127;
  if (chance(40)) activation(U(-128, 127), &p.act_min, &p.act_max);
  fill_data(ta, p.in_h * p.in_w * p.c);
  for (run = 0; run < RUNS; ++run) {
    msf_rect r;
    msf_view iv, ov;
    msf_status sr, sf;
    int32_t ylo, yhi, xlo, xhi, n, nin;
    int8_t *o;
    watched w[1];
    random_rect(&r, oh, ow, run == 0);
    in_range(r.y0, r.h, p.stride_h, p.pad_top, p.filter_h, &ylo, &yhi);
    in_range(r.x0, r.w, p.stride_w, p.pad_left, p.filter_w, &xlo, &xhi);
    if (!build_in(&iv, va, va_copy, &nin, ta, p.in_h, p.in_w, p.c, ylo, yhi, xlo, xhi, run == 0))
      continue;
    n = build_out(&ov, &r, p.c, run == 0);
    if (n > O_MAX) continue;
    o = prep_out(n);
    ov.data = o;
    sr = avg ? msf_avgpool_s8_ref(&p, &iv, &r, &ov) : msf_maxpool_s8_ref(&p, &iv, &r, &ov);
    ov.data = FAST_OUT(o);
    sf = avg ? msf_avgpool_s8(&p, &iv, &r, &ov) : msf_maxpool_s8(&p, &iv, &r, &ov);
    w[0].buf = iv.data, w[0].copy = va_copy + (iv.data - va), w[0].n = nin,
    w[0].name = "input modified";
    /* Windows of only padding make AVERAGE_POOL fail (both kernels). */
    if (!same(sr, sf, n, w, 1, !(avg && big))) {
      if (report_head(kind, id, run)) {
        kv("in_h", p.in_h), kv("in_w", p.in_w), kv("c", p.c), kv("fh", p.filter_h),
            kv("fw", p.filter_w);
        kv("sh", p.stride_h), kv("sw", p.stride_w), kv("pad_t", p.pad_top), kv("pad_b", pb);
        kv("pad_l", p.pad_left), kv("pad_r", pr), kv("act_min", p.act_min),
            kv("act_max", p.act_max);
        say("\n ");
        say_rect(&r);
        say_view("in", &iv);
        say_view("out", &ov);
        kv("align_in", (int32_t)((uintptr_t)iv.data & 3u)), kv("align_out", obase);
        say("\n");
      }
      return;
    }
  }
}

/* ---- ADD ----------------------------------------------------------------------------- */
static void add_case(int32_t id) {
  static const int32_t em[] = {0, 1, 1 << 30, INT32_MAX, INT32_MIN};
  static const int32_t es[] = {-31, -20, -1, 0, 1, 20, 31};
  static const int32_t ls[] = {0, 1, 15, 23, 24, 30, 31};
  msf_add_params p;
  int32_t h, w_, c, run;
  const int tflite = chance(70);
  ++cases, ++per_kind[K_ADD];
  memset(&p, 0, sizeof p);
  p.input1_offset = input_offset(), p.input2_offset = input_offset(),
  p.output_offset = output_offset();
  if (tflite) { /* as MakeAddParams: multipliers in [2^30, 2^31), the larger input scale at shift -1
                 */
    const int first_larger = chance(50);
    p.left_shift = 20;
    p.input1_multiplier = U(1 << 30, INT32_MAX), p.input2_multiplier = U(1 << 30, INT32_MAX);
    p.input1_shift = first_larger ? -1 : U(-12, -1);
    p.input2_shift = first_larger ? U(-12, -1) : -1;
    if (chance(20)) p.input2_multiplier = p.input1_multiplier, p.input2_shift = p.input1_shift;
    p.output_multiplier = U(1 << 30, INT32_MAX), p.output_shift = U(-24, -14);
  } else { /* anything the reference accepts */
    p.left_shift = chance(50) ? 20 : PICK(ls);
    p.input1_multiplier = chance(50) ? PICK(em) : (int32_t)rnd();
    p.input2_multiplier = chance(50) ? PICK(em) : (int32_t)rnd();
    p.output_multiplier = chance(50) ? PICK(em) : (int32_t)rnd();
    p.input1_shift = chance(50) ? PICK(es) : U(-31, 31);
    p.input2_shift = chance(50) ? PICK(es) : U(-31, 31);
    p.output_shift = chance(50) ? PICK(es) : U(-31, 31);
  }
  activation(p.output_offset, &p.act_min, &p.act_max);
  h = U(1, 9), w_ = U(1, 9), c = PICK(chans);
  if (chance(10)) c = U(34, 96);
  fill_data(ta, h * w_ * c);
  fill_data(tb, h * w_ * c);
  for (run = 0; run < RUNS; ++run) {
    msf_rect r;
    msf_view v1, v2, ov;
    msf_status sr, sf;
    int32_t n, n1, n2;
    int8_t *o;
    watched w[2];
    random_rect(&r, h, w_, run == 0);
    if (!build_in(&v1, va, va_copy, &n1, ta, h, w_, c, r.y0, r.y0 + r.h - 1, r.x0, r.x0 + r.w - 1,
                  run == 0) ||
        !build_in(&v2, vb, vb_copy, &n2, tb, h, w_, c, r.y0, r.y0 + r.h - 1, r.x0, r.x0 + r.w - 1,
                  run == 0))
      continue;
    n = build_out(&ov, &r, c, run == 0);
    if (n > O_MAX) continue;
    o = prep_out(n);
    ov.data = o;
    sr = msf_add_s8_ref(&p, &v1, &v2, &r, &ov);
    ov.data = FAST_OUT(o);
    sf = msf_add_s8(&p, &v1, &v2, &r, &ov);
    w[0].buf = v1.data, w[0].copy = va_copy + (v1.data - va), w[0].n = n1,
    w[0].name = "input 1 modified";
    w[1].buf = v2.data, w[1].copy = vb_copy + (v2.data - vb), w[1].n = n2,
    w[1].name = "input 2 modified";
    if (!same(sr, sf, n, w, 2, 1)) {
      if (report_head(K_ADD, id, run)) {
        say(tflite ? " tflite-like" : " extreme");
        kv("h", h), kv("w", w_), kv("c", c);
        kv("in1_off", p.input1_offset), kv("in2_off", p.input2_offset),
            kv("out_off", p.output_offset);
        kv("left_shift", p.left_shift);
        kv("in1_mult", p.input1_multiplier), kv("in1_shift", p.input1_shift);
        kv("in2_mult", p.input2_multiplier), kv("in2_shift", p.input2_shift);
        kv("out_mult", p.output_multiplier), kv("out_shift", p.output_shift);
        kv("act_min", p.act_min), kv("act_max", p.act_max);
        say("\n ");
        say_rect(&r);
        say_view("in1", &v1);
        say_view("in2", &v2);
        say_view("out", &ov);
        say("\n");
      }
      return;
    }
  }
}

/* ---- SOFTMAX ------------------------------------------------------------------------- */
static void softmax_case(int32_t id) {
  static const int32_t odd_mult[] = {0, 1, INT32_MAX, INT32_MIN, -1};
  static const int32_t odd_shift[] = {-31, -1, 32};
  static const int32_t odd_diff[] = {0, -1, -255, -256, INT32_MIN};
  msf_softmax_params p;
  msf_status sr, sf;
  int32_t n, ain;
  int8_t *in, *o;
  watched w[1];
  const int tflite = chance(70);
  ++cases, ++per_kind[K_SOFTMAX];
  memset(&p, 0, sizeof p);
  p.rows = U(1, 5), p.depth = U(1, 40);
  if (chance(10)) p.depth = U(41, 300);
  if (tflite) { /* PreprocessSoftmaxScaling: beta * scale * 2^26 as multiplier << shift, shift >= 0
                 */
    p.input_multiplier = U(1 << 30, INT32_MAX);
    p.input_left_shift = U(14, 30);
    p.diff_min =
        -(int32_t)(((int64_t)31 << 26) >> p.input_left_shift); /* CalculateInputRadius(5, shift) */
  } else {
    p.input_multiplier = chance(80)   ? U(1 << 30, INT32_MAX)
                         : chance(80) ? PICK(odd_mult)
                                      : (int32_t)rnd();
    p.input_left_shift = chance(90) ? U(0, 31) : PICK(odd_shift);
    p.diff_min = chance(20) ? PICK(odd_diff) : U(-300, 0);
  }
  n = p.rows * p.depth;
  ain = U(0, 3);
  in = va + ain;
  fill_data(in, n);
  if (chance(10)) memset(in, (int)(int8_t)rnd(), (size_t)n);
  memcpy(va_copy, in, (size_t)n);
  o = prep_out(n);
  sr = msf_softmax_s8_ref(&p, in, o);
  sf = msf_softmax_s8(&p, in, FAST_OUT(o));
  w[0].buf = in, w[0].copy = va_copy, w[0].n = n, w[0].name = "input modified";
  /* The reference may reject a row (the sum of exps overflows its exponent). */
  if (!same(sr, sf, n, w, 1, 0) && report_head(K_SOFTMAX, id, 0)) {
    say(tflite ? " tflite-like" : " raw");
    kv("rows", p.rows), kv("depth", p.depth), kv("input_multiplier", p.input_multiplier);
    kv("input_left_shift", p.input_left_shift), kv("diff_min", p.diff_min);
    kv("align_in", ain), kv("align_out", obase);
    say("\n");
  }
}

/* ---- main ---------------------------------------------------------------------------- */
#ifndef N_CONV
#define N_CONV 600
#endif
#ifndef N_DW
#define N_DW 600
#endif
#ifndef N_FC
#define N_FC 400
#endif
#ifndef N_POOL
#define N_POOL 250
#endif
#ifndef N_ADD
#define N_ADD 250
#endif
#ifndef N_SOFTMAX
#define N_SOFTMAX 200
#endif

int main(void) {
  int32_t i, id;
  int k;
  for (k = 0; k < 2; ++k) {
    const int dw = k == 1;
    id = 0;
    directed_conv(dw, &id);
    if (!dw) directed_early(&id);
    for (i = 0; i < (dw ? N_DW : N_CONV); ++i, ++id) {
      cshape s;
      seed_case(dw ? K_DW : K_CONV, id);
      random_conv_shape(dw, &s);
      conv_case(dw, id, &s);
    }
  }
  for (i = 0; i < N_FC; ++i) seed_case(K_FC, i), fc_case(i);
  for (i = 0; i < N_POOL; ++i) seed_case(K_AVG, i), pool_case(1, i);
  for (i = 0; i < N_POOL; ++i) seed_case(K_MAX, i), pool_case(0, i);
  for (i = 0; i < N_ADD; ++i) seed_case(K_ADD, i), add_case(i);
  for (i = 0; i < N_SOFTMAX; ++i) seed_case(K_SOFTMAX, i), softmax_case(i);

  say("mcu_kernels:");
#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
  kv("dsp", 1);
#else
  kv("dsp", 0);
#endif
  kv("cases", cases), kv("calls", calls), kv("failures", failures), kv("narrow", narrow_cases);
  kv("wide", wide_cases);
  say("\nmcu_kernels:");
  for (k = 0; k < K_COUNT; ++k) kv(kind_name[k], per_kind[k]);
  say("\n");
  return failures ? 1 : 0;
}
