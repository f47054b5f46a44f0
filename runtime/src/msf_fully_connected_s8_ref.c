/* SPDX-License-Identifier: MIT */
/* FULLY_CONNECTED int8 (batch 1); bit-exact with TFLite's
 * reference_integer_ops::FullyConnected (per tensor, q->per_channel == 0)
 * and FullyConnectedPerChannel (q->per_channel != 0). The per-channel TFLite
 * kernel has no filter offset; int8 weights are symmetric, so filter_offset
 * is 0 there and adding it keeps one code path. */
#include "msf_rt/msf_kernels.h"
#include "msf_view_internal.h"

msf_status msf_fully_connected_s8_ref(const msf_fc_params *p, const msf_requant *q, const int8_t *in,
                                  const int8_t *filter, const int32_t *bias, int8_t *out) {
  int32_t o, i;
  if (p == 0 || q == 0 || q->multiplier == 0 || q->shift == 0 || in == 0 || filter == 0 ||
      out == 0 || p->in_features < 0 || p->out_features < 0)
    return MSF_ARG_ERROR;
  for (o = 0; o < p->out_features; ++o) {
    const int8_t *w = filter + o * p->in_features;
    const int32_t qi = q->per_channel ? o : 0;
    int32_t acc = 0;
    for (i = 0; i < p->in_features; ++i)
      acc = msf_wrap_add(acc, ((int32_t)w[i] + p->filter_offset) * ((int32_t)in[i] + p->input_offset));
    if (bias) acc = msf_wrap_add(acc, bias[o]);
    acc = msf_multiply_by_quantized_multiplier(acc, q->multiplier[qi], q->shift[qi]);
    acc = msf_wrap_add(acc, p->output_offset);
    out[o] = (int8_t)msf_clamp(acc, p->act_min, p->act_max);
  }
  return MSF_OK;
}
