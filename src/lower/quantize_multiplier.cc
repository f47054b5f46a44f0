// SPDX-License-Identifier: MIT
#include "lower/quantize_multiplier.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

#include "base/error.h"

namespace msf::lower {

void QuantizeMultiplier(double real, int32_t* multiplier, int32_t* shift) {
  if (real == 0.0) {
    *multiplier = 0;
    *shift = 0;
    return;
  }
  if (!std::isfinite(real)) throw Error("QuantizeMultiplier: non-finite multiplier");
  int exp = 0;
  const double q = std::frexp(real, &exp);
  auto q_fixed = static_cast<int64_t>(std::round(q * static_cast<double>(1LL << 31)));
  if (q_fixed > (1LL << 31)) throw Error("QuantizeMultiplier: internal rounding error");
  if (q_fixed == (1LL << 31)) {
    q_fixed /= 2;
    ++exp;
  }
  // From 2^31 on, the left shift (exp > 31) is outside what the kernels (and
  // TFLite's MultiplyByQuantizedMultiplier) can apply to an int32.
  if (exp > 31) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.6g", real);
    throw Error(std::string("rescaling factor ") + buf + " is too large (the int8 kernels need less than 2^31)");
  }
  // Below 2^-31 every result would be shifted out: flush to zero (TFLite).
  if (exp < -31) {
    exp = 0;
    q_fixed = 0;
  }
#ifdef MSF_SINGLE_ROUNDING
  // Single-rounding MultiplyByQuantizedMultiplier supports shift <= 30.
  if (exp > 30) {
    exp = 30;
    q_fixed = (1LL << 31) - 1;
  }
#endif
  *multiplier = static_cast<int32_t>(q_fixed);
  *shift = exp;
}

void QuantizeMultiplierGreaterThanOne(double real, int32_t* multiplier, int32_t* left_shift) {
  if (!(real > 1.0))
    throw Error("QuantizeMultiplierGreaterThanOne: multiplier " + std::to_string(real) +
                " is not > 1");
  QuantizeMultiplier(real, multiplier, left_shift);
  if (*left_shift < 0) throw Error("QuantizeMultiplierGreaterThanOne: negative shift");
}

void QuantizeMultiplierSmallerThanOneExp(double real, int32_t* multiplier, int32_t* left_shift) {
  if (!(real < 1.0) || !(real > 0.0))
    throw Error("QuantizeMultiplierSmallerThanOneExp: multiplier " + std::to_string(real) +
                " is not in (0, 1)");
  QuantizeMultiplier(real, multiplier, left_shift);
  if (*left_shift > 0) throw Error("QuantizeMultiplierSmallerThanOneExp: positive shift");
}

int16_t DownScaleInt32ToInt16Multiplier(int32_t multiplier) {
  if (multiplier < 0) throw Error("DownScaleInt32ToInt16Multiplier: negative multiplier");
  constexpr int32_t kRoundingOffset = 1 << 15;
  if (multiplier >= std::numeric_limits<int32_t>::max() - kRoundingOffset)
    return std::numeric_limits<int16_t>::max();
  return static_cast<int16_t>((multiplier + kRoundingOffset) >> 16);
}

void PreprocessSoftmaxScaling(double beta, double input_scale, int input_integer_bits,
                              int32_t* multiplier, int32_t* left_shift) {
#ifdef MSF_SINGLE_ROUNDING
  const double max_real_multiplier = (1LL << 30) - 1.0;
#else
  const double max_real_multiplier = (1LL << 31) - 1.0;
#endif
  const double real = std::min<double>(
      beta * input_scale * static_cast<double>(1 << (31 - input_integer_bits)),
      max_real_multiplier);
  QuantizeMultiplierGreaterThanOne(real, multiplier, left_shift);
}

int32_t CalculateInputRadius(int input_integer_bits, int input_left_shift,
                             int total_signed_bits) {
  const double max_input_rescaled = 1.0 * ((1 << input_integer_bits) - 1) *
                                    static_cast<double>(1LL << (total_signed_bits - input_integer_bits)) /
                                    static_cast<double>(1LL << input_left_shift);
  // floor: the rescaled difference must stay strictly inside the range.
  return static_cast<int32_t>(std::floor(max_input_rescaled));
}

void CalculateActivationRangeQuantized(ir::Activation act, float scale, int32_t zero_point,
                                       int32_t* act_min, int32_t* act_max) {
  constexpr int32_t qmin = std::numeric_limits<int8_t>::min();
  constexpr int32_t qmax = std::numeric_limits<int8_t>::max();
  // TFLite's Quantize(): zero_point + int32(TfLiteRound(f / scale)), in float.
  auto quantize = [&](float f) -> int32_t {
    const float tmp = std::round(f / scale);
    // float(INT32_MAX) is 2^31: the bound itself does not convert.
    const int64_t q = tmp >= -2147483648.0f && tmp < 2147483648.0f ? int64_t{zero_point} + static_cast<int64_t>(tmp)
                                                                     : std::numeric_limits<int64_t>::max();
    if (q < std::numeric_limits<int32_t>::min() || q > std::numeric_limits<int32_t>::max()) {
      char buf[96];
      std::snprintf(buf, sizeof buf, "%g / output scale %g", static_cast<double>(f), static_cast<double>(scale));
      throw Error(std::string("fused activation bound ") + buf + " does not fit int32");
    }
    return static_cast<int32_t>(q);
  };
  switch (act) {
    case ir::Activation::kRelu:
      *act_min = std::max(qmin, quantize(0.0f));
      *act_max = qmax;
      break;
    case ir::Activation::kRelu6:
      *act_min = std::max(qmin, quantize(0.0f));
      *act_max = std::min(qmax, quantize(6.0f));
      break;
    case ir::Activation::kNone:
    default:
      *act_min = qmin;
      *act_max = qmax;
      break;
  }
}

void ConvPerChannelMultipliers(float input_scale, std::span<const float> filter_scales,
                               float output_scale, std::vector<int32_t>* multipliers,
                               std::vector<int32_t>* shifts) {
  if (filter_scales.empty()) throw Error("ConvPerChannelMultipliers: no filter scales");
  multipliers->resize(filter_scales.size());
  shifts->resize(filter_scales.size());
  for (size_t i = 0; i < filter_scales.size(); ++i) {
    const double effective = static_cast<double>(input_scale) *
                             static_cast<double>(filter_scales[i]) /
                             static_cast<double>(output_scale);
    QuantizeMultiplier(effective, &(*multipliers)[i], &(*shifts)[i]);
  }
}

}  // namespace msf::lower
