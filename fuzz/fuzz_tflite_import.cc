// SPDX-License-Identifier: MIT
// libFuzzer entry point of the tflite_import target (the body is in harness.cc).
#include "fuzz/harness.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  msf::fuzz::TfliteOne(data, size);
  return 0;
}
