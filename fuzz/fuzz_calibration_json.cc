// SPDX-License-Identifier: MIT
// libFuzzer entry point of the calibration_json target (the body is in harness.cc).
#include "fuzz/harness.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  msf::fuzz::CalibrationOne(data, size);
  return 0;
}

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)msf::fuzz::PlanModels();  // built once, before the timed runs
  return 0;
}
