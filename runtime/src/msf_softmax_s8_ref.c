/* SPDX-License-Identifier: MIT */
/* SOFTMAX int8 -> int8, reference: the body of msf_softmax_body.h on the
 * out-of-line requantisation primitives of msf_requant.c. */
#include "msf_rt/msf_kernels.h"

#define SRDHM msf_saturating_rounding_doubling_high_mul
#define RDBPOT msf_rounding_divide_by_pot
#define MBQM msf_multiply_by_quantized_multiplier
#include "msf_softmax_body.h"

msf_status msf_softmax_s8_ref(const msf_softmax_params *p, const int8_t *in, int8_t *out) {
  return softmax_rows(p, in, out);
}
