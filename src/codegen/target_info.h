// SPDX-License-Identifier: MIT
// What codegen knows about each target: its harness directory below
// targets/, its toolchain and core flags, and how `make run` runs it.
#pragma once
#include <string>

#include "codegen/codegen.h"

namespace msf::codegen {

struct TargetInfo {
  Target target;
  const char* name;
  const char* dir;  // harness files below targets/ (platform.c, start.S, ...)
  const char* link_script;  // below targets/, the package's link.ld; empty on the host
  const char* description;
  const char* tool_prefix;  // of gcc, nm and size ("" on the host)
  const char* arch;         // compiler flags selecting the core
  const char* qemu;         // empty: runs natively
  const char* libc_specs;   // gcc --specs selecting the C library; empty: the toolchain's default
  const char* board;        // C flags for platform.c describing the QEMU board (its SysTick clock)
  int stack_bytes;          // the stack reserved in RAM (its high-water mark is what ram_stack reports)
};

const TargetInfo& Info(Target target);

// Whether the target's core has the DSP extension (__ARM_FEATURE_DSP): the runtime's
// DSP kernels, which read the host-widened weights (msf_conv_params.wide_weights).
bool HasDspKernels(Target target);

// The names of all targets, "host, cortex-m0plus, ... or rv32imac", for messages.
std::string TargetNames();

}  // namespace msf::codegen
