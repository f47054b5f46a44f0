/* SPDX-License-Identifier: MIT */
/* Plain data types shared by every msf runtime kernel. C99, no heap. */
#ifndef MSF_TYPES_H
#define MSF_TYPES_H
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { MSF_OK = 0, MSF_ARG_ERROR = 1 } msf_status;

/* A window onto an int8 NHWC activation (batch 1).
 * Full-tensor pixel (y, x) is stored at data[(row * w + col) * c] where
 *   row = ring_y ? y mod h : y - y0,   col = ring_x ? x mod w : x - x0.
 * A view of a whole tensor has y0 = x0 = 0 and no ring. Fused blocks use
 * tiles (y0/x0 = tile origin) and ring buffers (cached rows or columns). */
typedef struct {
  int8_t *data;
  int32_t y0, x0;
  int32_t h, w, c;
  uint8_t ring_y, ring_x;
} msf_view;

/* A rectangle of output pixels, in full-tensor coordinates. */
typedef struct {
  int32_t y0, x0, h, w;
} msf_rect;

/* msf_requant.verified bit: msf_requant_narrow_ok holds for the layer. */
#define MSF_REQUANT_NARROW 2

/* Per-channel (or broadcast per-tensor) requantisation constants. */
typedef struct {
  const int32_t *multiplier;
  const int32_t *shift; /* TFLite convention: > 0 left shift, < 0 right shift */
  int32_t per_channel;  /* 0: use index 0 for every channel */
  /* 1: every multiplier is not INT32_MIN and every shift in [-31, 31], as
   * QuantizeMultiplier makes them (msf's lowering verifies it); the
   * optimised kernels then skip their per-call check. 0 (a struct written
   * as {m, s, per_channel}): the kernel checks, and runs the reference
   * kernel if any value is outside. 3 (1 | MSF_REQUANT_NARROW): also
   * msf_requant_narrow_ok holds for the conv / depthwise layer, whose
   * optimised kernel then requantises with one rounding high multiply. */
  int32_t verified;
} msf_requant;

/* CONV_2D and DEPTHWISE_CONV_2D geometry and quantisation. */
typedef struct {
  int32_t in_h, in_w, in_c;    /* full input tensor (pixels outside are padding) */
  int32_t out_c;
  int32_t kernel_h, kernel_w;
  int32_t stride_h, stride_w;
  int32_t dilation_h, dilation_w;
  int32_t pad_top, pad_left;   /* before-padding; after-padding follows from out dims */
  int32_t depth_multiplier;    /* depthwise only */
  int32_t input_offset;        /* -input zero point */
  int32_t output_offset;       /* output zero point */
  int32_t act_min, act_max;    /* clamp after requantisation */
  /* CONV_2D on DSP builds: the filter widened to int16 pairs on the host
   * (msf_conv_s8_wide_weights), or 0: the kernel then widens the int8
   * filter itself. Other builds ignore it. */
  const int32_t *wide_weights;
} msf_conv_params;

/* AVERAGE_POOL_2D / MAX_POOL_2D: padding cells are excluded (TFLite). */
typedef struct {
  int32_t in_h, in_w, c;
  int32_t filter_h, filter_w;
  int32_t stride_h, stride_w;
  int32_t pad_top, pad_left;
  int32_t act_min, act_max;
} msf_pool_params;

/* ADD of two int8 tensors with their own scales (TFLite int8 ADD). */
typedef struct {
  int32_t input1_offset, input2_offset, output_offset;
  int32_t left_shift;
  int32_t input1_multiplier, input1_shift;
  int32_t input2_multiplier, input2_shift;
  int32_t output_multiplier, output_shift;
  int32_t act_min, act_max;
} msf_add_params;

/* FULLY_CONNECTED: out[o] = requant(sum_i (in[i]+input_offset)*(w[o][i]+filter_offset) + bias[o]). */
typedef struct {
  int32_t in_features, out_features;
  int32_t input_offset, filter_offset, output_offset;
  int32_t act_min, act_max;
} msf_fc_params;

/* MEAN over H and W of an int8 tensor (TFLite/TFLM int8 MEAN). */
typedef struct {
  int32_t h, w, c;
  int32_t input_zero_point, output_zero_point;
  int32_t multiplier, shift; /* requantisation in_scale/out_scale */
  int32_t same_quant;         /* 1: same scale and zp -> plain integer mean */
} msf_mean_params;

/* SOFTMAX int8 -> int8 (TFLite reference, gemmlowp fixed point). */
typedef struct {
  int32_t input_multiplier, input_left_shift;
  int32_t diff_min;
  int32_t rows, depth;
} msf_softmax_params;

/* QUANTIZE int8 -> int8 (requantise to new scale / zero point). */
typedef struct {
  int32_t input_zero_point, output_zero_point;
  int32_t multiplier, shift;
} msf_requantize_params;

/* RESIZE_NEAREST_NEIGHBOR: output cell (y, x) is a copy of input cell
 * (src_y[y], src_x[x]), exactly and only that cell. The tables come from the
 * host (lower::ResizeNearestIndices, TFLite's float GetNearestNeighbor), so
 * the device needs no floats; every entry must lie in [0, in_h) / [0, in_w). */
typedef struct {
  int32_t in_h, in_w, out_h, out_w, c;
  const int32_t *src_y; /* [out_h] */
  const int32_t *src_x; /* [out_w] */
} msf_resize_params;

/* One input of a CONCATENATION on whole tensors (msf_concat_part_s8). */
typedef struct {
  int32_t outer_size, in_block, out_stride, out_offset;
} msf_concat_part_params;

/* MUL int8 (TFLite reference_integer_ops::Mul): out = clamp(output_offset +
 * MBQM((in1 + input1_offset) * (in2 + input2_offset), multiplier, shift)).
 * in2_broadcast (view kernel msf_mul_s8 only): a set of MSF_MUL_BCAST_* bits. */
enum {
  MSF_MUL_BCAST_NONE = 0,
  MSF_MUL_BCAST_HW = 1, /* in2 is [1, 1, 1, C] (a 1x1 view): one pixel for all (y, x) */
  MSF_MUL_BCAST_C = 2   /* in2 has one channel, broadcast over out->c */
};
typedef struct {
  int32_t input1_offset, input2_offset, output_offset; /* -zp1, -zp2, zp_out */
  int32_t output_multiplier, output_shift;
  int32_t act_min, act_max;
  int32_t in2_broadcast;
} msf_mul_params;

/* LOGISTIC int8 (TFLite reference_integer_ops::Logistic); the output is
 * fixed at scale 1/256, zero point -128 (TFLite requires that zero point). */
typedef struct {
  int32_t input_zero_point;
  int32_t input_range_radius;
  int32_t input_multiplier, input_left_shift;
} msf_logistic_params;

/* HARD_SWISH int8 (TFLite reference_ops::HardSwish with HardSwishParams):
 * 16-bit fixed-point multipliers and their exponents (TFLite convention:
 * > 0 left shift). */
typedef struct {
  int32_t input_zero_point, output_zero_point;
  int16_t reluish_multiplier_fixedpoint_int16;
  int16_t output_multiplier_fixedpoint_int16;
  int32_t reluish_multiplier_exponent; /* [-31, 31] */
  int32_t output_multiplier_exponent;  /* [-31, 0] */
} msf_hard_swish_params;

#ifdef __cplusplus
}
#endif
#endif /* MSF_TYPES_H */
