// SPDX-License-Identifier: MIT
#pragma once
#include <cstdint>
#include <string>

namespace msf::frontend {

enum BuiltinCode : int32_t {
  kAdd = 0,
  kAveragePool2D = 1,
  kConcatenation = 2,
  kConv2D = 3,
  kDepthwiseConv2D = 4,
  kDequantize = 6,
  kFullyConnected = 9,
  kLogistic = 14,
  kMaxPool2D = 17,
  kMul = 18,
  kReshape = 22,
  kSoftmax = 25,
  kCustom = 32,
  kPad = 34,
  kTranspose = 39,
  kMean = 40,
  kResizeNearestNeighbor = 97,
  kQuantize = 114,
  kHardSwish = 117,
  kPlaceholderForGreaterOpCodes = 127,
};

// "CONV_2D" for 3, ...; "BUILTIN_<n>" for codes without a known name.
std::string BuiltinOpName(int32_t code);

}  // namespace msf::frontend
