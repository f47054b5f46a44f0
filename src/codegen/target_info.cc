// SPDX-License-Identifier: MIT
#include "codegen/target_info.h"

#include <string>

#include "base/error.h"

namespace msf::codegen {
namespace {

const TargetInfo kTargets[] = {
    {Target::kHost, "host", "host", "the build machine (gcc, runs natively)", "", "", "", ""},
    {Target::kCortexM4, "cortex-m4", "cortex-m", "Arm Cortex-M4 (QEMU mps2-an386)", "arm-none-eabi-",
     "-mcpu=cortex-m4 -mthumb -mfloat-abi=soft", "qemu-system-arm -M mps2-an386", ""},
    {Target::kCortexM7, "cortex-m7", "cortex-m", "Arm Cortex-M7 (QEMU mps2-an500)", "arm-none-eabi-",
     "-mcpu=cortex-m7 -mthumb -mfloat-abi=soft", "qemu-system-arm -M mps2-an500", ""},
    // Debian has no newlib for riscv64-unknown-elf: the RISC-V build links picolibc (tools/install-mcu-deps.sh).
    {Target::kRv32imac, "rv32imac", "rv32", "RISC-V RV32IMAC (QEMU virt)", "riscv64-unknown-elf-",
     "-march=rv32imac -mabi=ilp32 -misa-spec=2.2 -mcmodel=medany", "qemu-system-riscv32 -M virt -bios none",
     "--specs=picolibc.specs"},
};

}  // namespace

const TargetInfo& Info(Target target) {
  for (const TargetInfo& info : kTargets) {
    if (info.target == target) return info;
  }
  throw Error("internal: unknown codegen target");
}

Target ParseTarget(std::string_view name) {
  for (const TargetInfo& info : kTargets) {
    if (name == info.name) return info.target;
  }
  throw Error("unknown target '" + std::string(name) + "' (expected host, cortex-m4, cortex-m7 or rv32imac)");
}

const char* TargetName(Target target) { return Info(target).name; }

const std::vector<Target>& AllTargets() {
  static const std::vector<Target> all = {Target::kHost, Target::kCortexM4, Target::kCortexM7, Target::kRv32imac};
  return all;
}

Optimize ParseOptimize(std::string_view name) {
  if (name == "speed") return Optimize::kSpeed;
  if (name == "size") return Optimize::kSize;
  throw Error("unknown --opt '" + std::string(name) + "' (expected speed or size)");
}

}  // namespace msf::codegen
