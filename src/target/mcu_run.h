// SPDX-License-Identifier: MIT
// Runs a plan on a target for real: `msf codegen` package written to a
// directory, built with the target's toolchain and run (natively or under
// QEMU), and its two result lines parsed. Used by `msf calibrate` (latency
// model fitting) and `msf report paper` (measured RAM and instructions).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "base/error.h"
#include "codegen/codegen.h"
#include "plan/plan_json.h"
#include "ir/graph.h"

namespace msf::target {

struct TargetRun {
  std::vector<int8_t> output;   // the output tensor the program printed
  int64_t ram_static = 0;       // .data + .bss
  int64_t ram_stack = 0;        // painted-stack high-water mark
  int64_t ram_total = 0;
  int64_t instructions = -1;    // -1 when the target cannot count them (host)
  int64_t arena_bytes = 0;      // the planned arena of the package
  int64_t flash_text = -1;      // code bytes (-1 on the host)
  int64_t flash_rodata = -1;    // constant data: weights, tables, embedded input
};

// The package does not link because the plan's static RAM and stack exceed
// the board's RAM (the micro:bit's 16 KiB for cortex-m0plus): not a fault of
// the plan or the tool chain, so callers may skip the run.
class DoesNotFitRam : public Error {
 public:
  using Error::Error;
};

// Generates the package for `plan` below `dir` (replacing what is there),
// builds it and runs it once on `input`. Throws msf::Error naming the step
// that failed (build, run, or unparsable output); DoesNotFitRam when the
// linker finds the board's RAM too small.
TargetRun RunOnTarget(const ir::Graph& g, const plan::Plan& plan, codegen::Target target,
                      const std::vector<int8_t>& input, const std::string& dir);

// A fresh, empty directory under the system temp dir; removed by the caller.
std::string MakeTempDir(const std::string& prefix);

}  // namespace msf::target
