// SPDX-License-Identifier: MIT
// Host-side quantisation arithmetic, reproducing TFLite's
// kernels/internal/quantization_util.cc and kernels/kernel_util.cc so that
// the constants handed to the runtime are bit-identical to TFLite's.
// Invalid arguments (TFLITE_CHECK failures in TFLite) throw msf::Error.
// Define MSF_SINGLE_ROUNDING for this library too when the runtime is built
// with it (TFLITE_SINGLE_ROUNDING changes QuantizeMultiplier and
// PreprocessSoftmaxScaling).
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "ir/graph.h"

namespace msf::lower {

// real ~= multiplier * 2^(shift - 31), multiplier in [2^30, 2^31) or 0.
// TFLite QuantizeMultiplier: frexp, std::round(q * 2^31), 2^31 -> 2^30 and
// shift + 1, shift < -31 flushes to 0/0.
void QuantizeMultiplier(double real, int32_t* multiplier, int32_t* shift);
// Requires real > 1; shift >= 0.
void QuantizeMultiplierGreaterThanOne(double real, int32_t* multiplier, int32_t* left_shift);
// Requires 0 < real < 1; shift <= 0.
void QuantizeMultiplierSmallerThanOneExp(double real, int32_t* multiplier, int32_t* left_shift);

// TFLite DownScaleInt32ToInt16Multiplier (kernels/internal/common.h): the
// Q0.31 multiplier rounded to Q0.15, (m + 2^15) >> 16, saturating at 32767
// from m >= INT32_MAX - 2^15 on. Requires m >= 0.
int16_t DownScaleInt32ToInt16Multiplier(int32_t multiplier);

// SOFTMAX helpers (TFLite PreprocessSoftmaxScaling / CalculateInputRadius).
void PreprocessSoftmaxScaling(double beta, double input_scale, int input_integer_bits,
                              int32_t* multiplier, int32_t* left_shift);
int32_t CalculateInputRadius(int input_integer_bits, int input_left_shift,
                             int total_signed_bits = 31);

// int8 clamp bounds for a fused activation (TFLite
// CalculateActivationRangeQuantized, computed in float like TFLite).
void CalculateActivationRangeQuantized(ir::Activation act, float scale, int32_t zero_point,
                                       int32_t* act_min, int32_t* act_max);

// CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED (per channel or per tensor):
// effective = double(input_scale) * double(filter_scale[i]) / double(output_scale),
// the product in double as TFLite's GetQuantizedConvolutionMultipler and
// PopulateConvolutionQuantizationParams take it (not float * float).
// A single filter scale yields a single (broadcast) entry.
void ConvPerChannelMultipliers(float input_scale, std::span<const float> filter_scales,
                               float output_scale, std::vector<int32_t>* multipliers,
                               std::vector<int32_t>* shifts);

}  // namespace msf::lower
