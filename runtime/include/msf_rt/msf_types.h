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

/* Per-channel (or broadcast per-tensor) requantisation constants. */
typedef struct {
  const int32_t *multiplier;
  const int32_t *shift; /* TFLite convention: > 0 left shift, < 0 right shift */
  int32_t per_channel;  /* 0: use index 0 for every channel */
  /* 1: every multiplier is not INT32_MIN and every shift in [-31, 31], as
   * QuantizeMultiplier makes them (msf's lowering verifies it); the
   * optimised kernels then skip their per-call check. 0 (a struct written
   * as {m, s, per_channel}): the kernel checks, and runs the reference
   * kernel if any value is outside. */
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

#ifdef __cplusplus
}
#endif
#endif /* MSF_TYPES_H */
