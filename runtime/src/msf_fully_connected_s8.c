/* SPDX-License-Identifier: MIT */
/* FULLY_CONNECTED int8 (batch 1), optimised; the same bytes as
 * msf_fully_connected_s8_ref (TFLite's FullyConnected / FullyConnectedPerChannel)
 * for every input. The offsets leave the inner loop:
 *   sum (x + io)(w + fo) = sum x*w + io * sum w + fo * sum x + n * io * fo,
 * with sum x computed once per call and sum w once per output row; the
 * product runs on the SIMD / unrolled inner product of msf_dot_s8.h. */
#include "msf_rt/msf_kernels.h"
#include "msf_dot_s8.h"
#include "msf_requant_inline.h"

int32_t msf_fully_connected_s8_buffer_size(const msf_fc_params *p) {
  (void)p;
  return 0;
}

static uint32_t sum_s8(const int8_t *v, int32_t n) {
  uint32_t s = 0;
  int32_t i;
  for (i = 0; i < n; ++i) s += (uint32_t)(int32_t)v[i];
  return s;
}

msf_status msf_fully_connected_s8(const msf_fc_params *p, const msf_requant *q, const int8_t *in,
                                  const int8_t *filter, const int32_t *bias, int8_t *out) {
  const int32_t n = p ? p->in_features : 0;
  uint32_t base;
  int32_t o;
  if (p == 0 || q == 0 || q->multiplier == 0 || q->shift == 0 || in == 0 || filter == 0 ||
      out == 0 || p->in_features < 0 || p->out_features < 0)
    return MSF_ARG_ERROR;
  if (!msf_requant_fast_ok(q, p->out_features))
    return msf_fully_connected_s8_ref(p, q, in, filter, bias, out);
  /* Terms that do not depend on the output row. */
  base = (uint32_t)p->filter_offset * sum_s8(in, n) +
         (uint32_t)n * (uint32_t)p->input_offset * (uint32_t)p->filter_offset;
  for (o = 0; o < p->out_features; ++o) {
    const int8_t *w = filter + o * n;
    const int32_t qi = q->per_channel ? o : 0;
    uint32_t acc = msf_dot_1x1(in, w, n, base);
    acc += (uint32_t)p->input_offset * sum_s8(w, n);
    if (bias) acc += (uint32_t)bias[o];
    out[o] = msf_rq_output((int32_t)acc, q->multiplier[qi], q->shift[qi], p->output_offset,
                           p->act_min, p->act_max);
  }
  return MSF_OK;
}
