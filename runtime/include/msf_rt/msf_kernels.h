/* SPDX-License-Identifier: MIT */
/* Integer kernels with TFLite reference semantics. One op family per file in
 * runtime/src/. Every kernel computes an output rectangle from views, so the
 * same code runs whole layers (reference executor) and patches (fused blocks).
 * A kernel never allocates; scratch comes from the caller, sized by the
 * matching *_buffer_size() query. */
#ifndef MSF_KERNELS_H
#define MSF_KERNELS_H
#include "msf_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Requantisation (msf_requant.c). Double rounding as TFLite's default
 * MultiplyByQuantizedMultiplier; define MSF_SINGLE_ROUNDING for the other. */
int32_t msf_saturating_rounding_doubling_high_mul(int32_t a, int32_t b);
int32_t msf_rounding_divide_by_pot(int32_t x, int32_t exponent);
int32_t msf_multiply_by_quantized_multiplier(int32_t x, int32_t multiplier, int32_t shift);

/* CONV_2D. filter [out_c][kh][kw][in_c], bias [out_c] (may be NULL).
 * msf_conv_s8 (msf_conv_s8.c) is the optimised kernel: 1x1 and kxk paths with
 * 2 pixels x 2 output channels per iteration, SIMD multiply-accumulate where
 * __ARM_FEATURE_DSP is defined, portable C elsewhere. It needs `eff_bias`,
 * the per-channel effective bias that msf_conv_s8_eff_bias() computes once
 * per layer (msf stores it with the weights); with eff_bias == NULL it runs
 * the reference. msf_conv_s8_ref (msf_conv_s8_ref.c) is the plain TFLite
 * reference loop, kept as the fallback and as the test oracle. Both give the
 * same bytes for every input. */
msf_status msf_conv_s8(const msf_conv_params *p, const msf_requant *q, const msf_view *in,
                       const int8_t *filter, const int32_t *bias, const int32_t *eff_bias,
                       const msf_rect *out_rect, msf_view *out);
msf_status msf_conv_s8_ref(const msf_conv_params *p, const msf_requant *q, const msf_view *in,
                           const int8_t *filter, const int32_t *bias, const msf_rect *out_rect,
                           msf_view *out);
int32_t msf_conv_s8_buffer_size(const msf_conv_params *p);
/* eff_bias[oc] = bias[oc] + input_offset * (sum of filter[oc]), wrapping as
 * int32 arithmetic does on the target. Per layer, on the host. */
void msf_conv_s8_eff_bias(const msf_conv_params *p, const int8_t *filter, const int32_t *bias,
                          int32_t *eff_bias);

/* DEPTHWISE_CONV_2D. filter [1][kh][kw][in_c*mult]; output channel
 * oc = ic * mult + m. msf_depthwise_conv_s8 (msf_depthwise_conv_s8.c) is the
 * optimised kernel (channels innermost, border/interior split), the _ref
 * variant the reference; eff_bias as for CONV_2D, summed over the taps. */
msf_status msf_depthwise_conv_s8(const msf_conv_params *p, const msf_requant *q,
                                 const msf_view *in, const int8_t *filter, const int32_t *bias,
                                 const int32_t *eff_bias, const msf_rect *out_rect, msf_view *out);
msf_status msf_depthwise_conv_s8_ref(const msf_conv_params *p, const msf_requant *q,
                                     const msf_view *in, const int8_t *filter, const int32_t *bias,
                                     const msf_rect *out_rect, msf_view *out);
int32_t msf_depthwise_conv_s8_buffer_size(const msf_conv_params *p);
void msf_depthwise_conv_s8_eff_bias(const msf_conv_params *p, const int8_t *filter,
                                    const int32_t *bias, int32_t *eff_bias);

/* AVERAGE_POOL_2D / MAX_POOL_2D (msf_pool_s8.c, optimised; msf_pool_s8_ref.c, reference). */
msf_status msf_avgpool_s8(const msf_pool_params *p, const msf_view *in, const msf_rect *out_rect,
                          msf_view *out);
msf_status msf_maxpool_s8(const msf_pool_params *p, const msf_view *in, const msf_rect *out_rect,
                          msf_view *out);
msf_status msf_avgpool_s8_ref(const msf_pool_params *p, const msf_view *in,
                              const msf_rect *out_rect, msf_view *out);
msf_status msf_maxpool_s8_ref(const msf_pool_params *p, const msf_view *in,
                              const msf_rect *out_rect, msf_view *out);
int32_t msf_pool_s8_buffer_size(const msf_pool_params *p);

/* PAD (msf_pad_s8.c): copy the rect of the padded output; cells outside the
 * input take pad_value (the zero point). */
msf_status msf_pad_s8(int32_t in_h, int32_t in_w, int32_t pad_top, int32_t pad_left,
                      int8_t pad_value, const msf_view *in, const msf_rect *out_rect,
                      msf_view *out);

/* ADD (msf_add_s8.c, optimised; msf_add_s8_ref.c, reference): elementwise
 * over the rect, both inputs same shape. */
msf_status msf_add_s8(const msf_add_params *p, const msf_view *in1, const msf_view *in2,
                      const msf_rect *out_rect, msf_view *out);
msf_status msf_add_s8_ref(const msf_add_params *p, const msf_view *in1, const msf_view *in2,
                          const msf_rect *out_rect, msf_view *out);

/* FULLY_CONNECTED (msf_fully_connected_s8.c, optimised; _ref, reference). filter [out][in]. */
msf_status msf_fully_connected_s8(const msf_fc_params *p, const msf_requant *q, const int8_t *in,
                                  const int8_t *filter, const int32_t *bias, int8_t *out);
msf_status msf_fully_connected_s8_ref(const msf_fc_params *p, const msf_requant *q,
                                      const int8_t *in, const int8_t *filter, const int32_t *bias,
                                      int8_t *out);
int32_t msf_fully_connected_s8_buffer_size(const msf_fc_params *p);

/* MEAN over H, W (msf_mean_s8.c). scratch: c int32 sums. */
msf_status msf_mean_s8(const msf_mean_params *p, const int8_t *in, int32_t *scratch, int8_t *out);
int32_t msf_mean_s8_buffer_size(const msf_mean_params *p);

/* SOFTMAX (msf_softmax_s8.c, optimised; _ref, reference) over the last dimension. */
msf_status msf_softmax_s8(const msf_softmax_params *p, const int8_t *in, int8_t *out);
msf_status msf_softmax_s8_ref(const msf_softmax_params *p, const int8_t *in, int8_t *out);

/* QUANTIZE int8 -> int8 (msf_requantize_s8.c), n elements. */
msf_status msf_requantize_s8(const msf_requantize_params *p, const int8_t *in, int8_t *out,
                             int32_t n);

#ifdef __cplusplus
}
#endif
#endif /* MSF_KERNELS_H */
