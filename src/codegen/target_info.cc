// SPDX-License-Identifier: MIT
#include "codegen/target_info.h"

#include <iterator>
#include <string>

#include "base/error.h"

namespace msf::codegen {
namespace {

// In the order of AllTargets() (and of --help): host, then by core.
const TargetInfo kTargets[] = {
    {Target::kHost, "host", "host", "", "the build machine (gcc, runs natively)", "", "", "", "", "", 0},
    // ARMv6-M: no DSP, no unaligned access, no divide instruction; the runtime's portable C.
    // QEMU's only ARMv6-M board is the micro:bit (nRF51, Cortex-M0, 16 KiB RAM); its 256 KiB of
    // flash is enlarged to 1 MiB for the shared models' weights (the RAM is the real 16 KiB).
    {Target::kCortexM0plus, "cortex-m0plus", "cortex-m", "cortex-m/link_microbit.ld",
     "Arm Cortex-M0+ (QEMU microbit, a Cortex-M0 with 16 KiB RAM)", "arm-none-eabi-",
     "-mcpu=cortex-m0plus -mthumb -mfloat-abi=soft", "qemu-system-arm -M microbit -global nrf51-soc.flash-size=1048576", "",
     "-DPLAT_SYSTICK_MHZ=16", 4096},
    {Target::kCortexM4, "cortex-m4", "cortex-m", "cortex-m/link.ld", "Arm Cortex-M4 (QEMU mps2-an386)", "arm-none-eabi-",
     "-mcpu=cortex-m4 -mthumb -mfloat-abi=soft", "qemu-system-arm -M mps2-an386", "", "-DPLAT_SYSTICK_MHZ=25", 8192},
    {Target::kCortexM7, "cortex-m7", "cortex-m", "cortex-m/link.ld", "Arm Cortex-M7 (QEMU mps2-an500)", "arm-none-eabi-",
     "-mcpu=cortex-m7 -mthumb -mfloat-abi=soft", "qemu-system-arm -M mps2-an500", "", "-DPLAT_SYSTICK_MHZ=25", 8192},
    // ARMv8-M Mainline with the DSP extension (gcc's cortex-m33 has it): the DSP kernels.
    {Target::kCortexM33, "cortex-m33", "cortex-m", "cortex-m/link_an505.ld", "Arm Cortex-M33 (QEMU mps2-an505)",
     "arm-none-eabi-", "-mcpu=cortex-m33 -mthumb -mfloat-abi=soft", "qemu-system-arm -M mps2-an505", "",
     "-DPLAT_SYSTICK_MHZ=20", 8192},
    // ARMv8.1-M with DSP; soft float, so no MVE (Helium): the DSP kernels.
    {Target::kCortexM55, "cortex-m55", "cortex-m", "cortex-m/link_an547.ld", "Arm Cortex-M55 (QEMU mps3-an547)",
     "arm-none-eabi-", "-mcpu=cortex-m55 -mthumb -mfloat-abi=soft", "qemu-system-arm -M mps3-an547", "",
     "-DPLAT_SYSTICK_MHZ=32", 8192},
    // Debian has no newlib for riscv64-unknown-elf: the RISC-V build links picolibc (tools/install-mcu-deps.sh).
    {Target::kRv32imac, "rv32imac", "rv32", "rv32/link.ld", "RISC-V RV32IMAC (QEMU virt)", "riscv64-unknown-elf-",
     "-march=rv32imac -mabi=ilp32 -misa-spec=2.2 -mcmodel=medany", "qemu-system-riscv32 -M virt -bios none",
     "--specs=picolibc.specs", "", 8192},
    // The ESP8266's core (Call0 ABI, 32-bit multiplier without a divider, no FPU) on QEMU's
    // Xtensa simulator machine; picolibc (memcpy & co.) as for RISC-V, by its full path: Debian's
    // picolibc-xtensa-lx106-elf installs its specs outside gcc-xtensa-lx106's search path.
    {Target::kXtensaLx106, "xtensa-lx106", "xtensa", "xtensa/link.ld", "Xtensa lx106, the ESP8266 core (QEMU sim)",
     "xtensa-lx106-elf-", "-mabi=call0", "qemu-system-xtensa -M sim -cpu lx106",
     "--specs=/usr/lib/xtensa-lx106-elf/picolibc.specs", "-DPLAT_CCOUNT_MHZ=40", 8192},
};

}  // namespace

const TargetInfo& Info(Target target) {
  for (const TargetInfo& info : kTargets) {
    if (info.target == target) return info;
  }
  throw Error("internal: unknown codegen target");
}

bool HasDspKernels(Target target) {
  return target == Target::kCortexM4 || target == Target::kCortexM7 || target == Target::kCortexM33 ||
         target == Target::kCortexM55;
}

std::string TargetNames() {
  std::string names;
  const size_t n = std::size(kTargets);
  for (size_t i = 0; i < n; ++i) {
    if (i) names += i + 1 == n ? " or " : ", ";
    names += kTargets[i].name;
  }
  return names;
}

Target ParseTarget(std::string_view name) {
  for (const TargetInfo& info : kTargets) {
    if (name == info.name) return info.target;
  }
  throw Error("unknown target '" + std::string(name) + "' (expected " + TargetNames() + ")");
}

const char* TargetName(Target target) { return Info(target).name; }

const std::vector<Target>& AllTargets() {
  static const std::vector<Target> all = [] {
    std::vector<Target> targets;
    for (const TargetInfo& info : kTargets) targets.push_back(info.target);
    return targets;
  }();
  return all;
}

Optimize ParseOptimize(std::string_view name) {
  if (name == "speed") return Optimize::kSpeed;
  if (name == "size") return Optimize::kSize;
  throw Error("unknown --opt '" + std::string(name) + "' (expected speed or size)");
}

}  // namespace msf::codegen
