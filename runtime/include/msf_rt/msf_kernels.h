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
/* Whether the optimised conv / depthwise kernels may use their narrow
 * requantisation for this layer (set MSF_REQUANT_NARROW = 2 in
 * msf_requant.verified then; msf_requant.c says when it is exact). */
int32_t msf_requant_narrow_ok(const msf_conv_params *p, const msf_requant *q, const int8_t *filter,
                              const int32_t *bias, const int32_t *eff_bias, int32_t depthwise);

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
/* msf_conv_s8 in parts, for a caller that runs one layer on many cells
 * (the patch loop of a fused block): msf_conv_s8_layer_ok checks the
 * arguments that belong to the layer (params, requant, filter) once, and
 * msf_conv_s8_cell, called on a layer so checked, checks only the call's
 * views and rectangle. msf_conv_s8 is the two in one. msf_conv_s8_cell is
 * in turn msf_conv_s8_cell_ok (the call's check) then msf_conv_s8_cell_run
 * (no check), for a caller that checked every call of a fixed schedule
 * before running it (msf_plan_cells_ok). */
int msf_conv_s8_layer_ok(const msf_conv_params *p, const msf_requant *q, const int8_t *filter);
msf_status msf_conv_s8_cell(const msf_conv_params *p, const msf_requant *q, const msf_view *in,
                            const int8_t *filter, const int32_t *bias, const int32_t *eff_bias,
                            const msf_rect *out_rect, msf_view *out);
int msf_conv_s8_cell_ok(const msf_conv_params *p, const msf_view *in, const msf_rect *out_rect,
                        const msf_view *out);
msf_status msf_conv_s8_cell_run(const msf_conv_params *p, const msf_requant *q, const msf_view *in,
                                const int8_t *filter, const int32_t *bias, const int32_t *eff_bias,
                                const msf_rect *out_rect, msf_view *out);
/* msf_conv_s8's fixed-length pixel pairs: the convolutions whose interior
 * pixel pairs run dot products of a compile-time length, fully unrolled
 * (the others loop over theirs). msf's latency model asks
 * msf_conv_s8_fixed_length_pairs (its loop_macs term); the kernel
 * dispatches on the stem macro and has its 1x1 variants for the K of the
 * other (checked where they are). Macros, so that the dispatch compiles to
 * the same code as written out. A 1x1 convolution over K = 8 or 16 input
 * channels, every output stage: */
#define MSF_CONV_S8_FIXED_K(k) ((k) == 8 || (k) == 16)
/* The 3x3 stem over 3 input channels (unrolled for full-range outputs): */
#define MSF_CONV_S8_STEM_3X3X3(p) ((p)->kernel_h == 3 && (p)->kernel_w == 3 && (p)->in_c == 3)
/* Whether the op's interior pairs take one of them (a dilated stem's
 * windows are never pairs; a clamping stem loops). */
static inline int msf_conv_s8_fixed_length_pairs(const msf_conv_params *p) {
  if (p->kernel_h == 1 && p->kernel_w == 1) return MSF_CONV_S8_FIXED_K(p->in_c);
  return MSF_CONV_S8_STEM_3X3X3(p) && p->dilation_w == 1 && p->act_min == -128 && p->act_max == 127;
}
/* msf_conv_params.wide_weights: the int32 words of the layer's table (0 if
 * its DSP kernels read none) and the table, per layer, on the host (flash).
 * Each holds two int16 weights in the lanes the DSP kernels widen an input
 * word into: for every 4 filter bytes w0..w3, (w0 | w2 << 16) then
 * (w1 | w3 << 16). A 1x1 convolution over K = 8 or 16 inputs: K / 2 words
 * per output channel. The 3x3 stem over 3 inputs: per output channel and
 * kernel row, 4 words for the row's first 8 bytes, then (w8 | 0 << 16). */
int32_t msf_conv_s8_wide_weights_size(const msf_conv_params *p);
void msf_conv_s8_wide_weights(const msf_conv_params *p, const int8_t *filter, int32_t *wide);
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
/* The parts of msf_depthwise_conv_s8, as msf_conv_s8_layer_ok / _cell / _cell_ok / _cell_run. */
int msf_depthwise_conv_s8_layer_ok(const msf_conv_params *p, const msf_requant *q, const int8_t *filter);
msf_status msf_depthwise_conv_s8_cell(const msf_conv_params *p, const msf_requant *q,
                                      const msf_view *in, const int8_t *filter, const int32_t *bias,
                                      const int32_t *eff_bias, const msf_rect *out_rect, msf_view *out);
int msf_depthwise_conv_s8_cell_ok(const msf_conv_params *p, const msf_view *in, const msf_rect *out_rect,
                                  const msf_view *out);
msf_status msf_depthwise_conv_s8_cell_run(const msf_conv_params *p, const msf_requant *q,
                                          const msf_view *in, const int8_t *filter, const int32_t *bias,
                                          const int32_t *eff_bias, const msf_rect *out_rect, msf_view *out);
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

/* RESIZE_NEAREST_NEIGHBOR (msf_resize_nearest_s8.c): out_rect of the
 * resized tensor; output cell (y, x) copies input cell (p->src_y[y],
 * p->src_x[x]) and reads nothing else, so the input rows a rect needs are
 * [min src_y, max src_y] over its rows (likewise columns). No requantisation
 * (TFLM copies the bytes). */
msf_status msf_resize_nearest_s8(const msf_resize_params *p, const msf_view *in,
                                 const msf_rect *out_rect, msf_view *out);

/* CONCATENATION (msf_concat_s8.c). TFLM refuses int8 inputs whose scale or
 * zero point differ from the output's, so both kernels copy bytes.
 * msf_concat_channels_s8: along channels, on views; copies all of in's
 * channels of out_rect into out channels [channel_offset, channel_offset +
 * in->c); called once per input. msf_concat_s8: whole tensors, any axis:
 * the output is outer_size blocks, each the inputs' blocks of
 * axis_sizes[i] * inner_size bytes one after another. */
msf_status msf_concat_channels_s8(const msf_view *in, int32_t channel_offset,
                                  const msf_rect *out_rect, msf_view *out);
msf_status msf_concat_s8(int32_t num_inputs, const int8_t *const *inputs,
                         const int32_t *axis_sizes, int32_t outer_size, int32_t inner_size,
                         int8_t *out);
/* One input's part of a concatenation on whole tensors (what a plan's layer
 * step runs, one part per input): outer_size blocks of in_block bytes, block
 * k to out + k * out_stride + out_offset. */
msf_status msf_concat_part_s8(const msf_concat_part_params *p, const int8_t *in, int8_t *out);

/* MUL (msf_mul_s8.c). msf_mul_s8: over out_rect on views; in2 same shape as
 * in1, or broadcast as p->in2_broadcast says (MSF_MUL_BCAST_HW: in2 is a 1x1
 * view of a [1,1,1,C] tensor, e.g. squeeze-excite; MSF_MUL_BCAST_C: in2 has
 * one channel). MUL is symmetric: put the broadcast operand second (and its
 * offset in input2_offset). msf_mul_s8_broadcast4d: whole tensors, NHWC
 * shapes where every input dimension equals the output's or is 1 (TFLite
 * BroadcastMul4DSlow); ignores p->in2_broadcast. */
msf_status msf_mul_s8(const msf_mul_params *p, const msf_view *in1, const msf_view *in2,
                      const msf_rect *out_rect, msf_view *out);
msf_status msf_mul_s8_broadcast4d(const msf_mul_params *p, const int32_t in1_shape[4],
                                  const int8_t *in1, const int32_t in2_shape[4],
                                  const int8_t *in2, const int32_t out_shape[4], int8_t *out);

/* LOGISTIC (msf_logistic_s8.c) over out_rect; gemmlowp fixed-point logistic
 * on a Q4.27 input, output scale 1/256 zero point -128. */
msf_status msf_logistic_s8(const msf_logistic_params *p, const msf_view *in,
                           const msf_rect *out_rect, msf_view *out);

/* HARD_SWISH (msf_hard_swish_s8.c) over out_rect; TFLite's int16 fixed point. */
msf_status msf_hard_swish_s8(const msf_hard_swish_params *p, const msf_view *in,
                             const msf_rect *out_rect, msf_view *out);

/* TRANSPOSE (msf_transpose_s8.c), whole tensors of up to 4 dimensions (pad
 * lower ranks with leading 1s in in_shape and identity entries in perm):
 * out dimension d is in dimension perm[d]. in and out must not overlap. */
msf_status msf_transpose_s8(const int32_t in_shape[4], const int32_t perm[4], const int8_t *in,
                            int8_t *out);

/* QUANTIZE float32 -> int8 and DEQUANTIZE int8 -> float32
 * (msf_quantize_f32.c, the only kernels with floating point; no libm).
 * quantize: out = clamp(round_half_away(in / scale) + zero_point) with the
 * division in float (TFLite AffineQuantize); NaN gives the zero point.
 * dequantize: out = scale * (float)(in - zero_point) in float. */
msf_status msf_quantize_f32_s8(float scale, int32_t zero_point, const float *in, int8_t *out,
                               int32_t n);
msf_status msf_dequantize_s8_f32(float scale, int32_t zero_point, const int8_t *in, float *out,
                                 int32_t n);

#ifdef __cplusplus
}
#endif
#endif /* MSF_KERNELS_H */
