/* SPDX-License-Identifier: MIT */
/* placeholder while the optimised kernel is written */
#include "msf_rt/msf_kernels.h"
#include "msf_view_internal.h"

int32_t msf_conv_s8_buffer_size(const msf_conv_params *p) {
  (void)p;
  return 0;
}

void msf_conv_s8_eff_bias(const msf_conv_params *p, const int8_t *filter, const int32_t *bias,
                          int32_t *eff_bias) {
  const int32_t taps = p->kernel_h * p->kernel_w * p->in_c;
  int32_t oc, i;
  for (oc = 0; oc < p->out_c; ++oc) {
    uint32_t sum = 0;
    for (i = 0; i < taps; ++i) sum += (uint32_t)(int32_t)filter[oc * taps + i];
    eff_bias[oc] = (int32_t)((bias ? (uint32_t)bias[oc] : 0u) + sum * (uint32_t)p->input_offset);
  }
}

msf_status msf_conv_s8(const msf_conv_params *p, const msf_requant *q, const msf_view *in,
                       const int8_t *filter, const int32_t *bias, const int32_t *eff_bias,
                       const msf_rect *out_rect, msf_view *out) {
  (void)eff_bias;
  return msf_conv_s8_ref(p, q, in, filter, bias, out_rect, out);
}
