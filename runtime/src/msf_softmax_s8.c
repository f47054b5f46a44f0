/* SPDX-License-Identifier: MIT */
/* SOFTMAX int8 -> int8, optimised: the body of msf_softmax_body.h with the
 * requantisation primitives inlined (msf_requant_inline.h); the same bytes
 * as msf_softmax_s8_ref. */
#include "msf_rt/msf_kernels.h"
#include "msf_requant_inline.h"

static inline int32_t srdhm(int32_t a, int32_t b) {
  if (a == INT32_MIN && b == INT32_MIN) return INT32_MAX; /* the one saturating case */
  return msf_rq_high_mul(a, b);
}
#define SRDHM srdhm
#define RDBPOT msf_rq_divide_pot
#define MBQM msf_requantize
#include "msf_softmax_body.h"

msf_status msf_softmax_s8(const msf_softmax_params *p, const int8_t *in, int8_t *out) {
  /* The inline primitives cover every multiplier but INT32_MIN. */
  if (p != 0 && (p->input_multiplier == INT32_MIN || p->input_left_shift < -31 ||
                 p->input_left_shift > 31))
    return msf_softmax_s8_ref(p, in, out);
  return softmax_rows(p, in, out);
}
