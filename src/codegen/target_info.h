// SPDX-License-Identifier: MIT
// What codegen knows about each target: its harness directory below
// targets/, its toolchain and core flags, and how `make run` runs it.
#pragma once
#include "codegen/codegen.h"

namespace msf::codegen {

struct TargetInfo {
  Target target;
  const char* name;
  const char* dir;  // harness files below targets/ (platform.c, link.ld, ...)
  const char* description;
  const char* tool_prefix;  // of gcc, nm and size ("" on the host)
  const char* arch;         // compiler flags selecting the core
  const char* qemu;         // empty: runs natively
  const char* libc_specs;   // gcc --specs selecting the C library; empty: the toolchain's default
};

const TargetInfo& Info(Target target);

}  // namespace msf::codegen
