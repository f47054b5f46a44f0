#!/usr/bin/env bash
# Installs the Debian packages that `msf codegen` packages need to build and
# run on the MCU targets (cross compilers, C libraries, QEMU), if any is
# missing. The codegen tests need them; `make test` runs this script.
#   cortex-m0plus / -m4 / -m7 / -m33 / -m55: gcc-arm-none-eabi + newlib (memcpy & co.),
#                          qemu-system-arm (microbit / mps2-an386 / -an500 / -an505 / mps3-an547)
#   rv32imac:              gcc-riscv64-unknown-elf + picolibc, qemu-system-misc (qemu-system-riscv32 virt)
#   xtensa-lx106:          gcc-xtensa-lx106 + picolibc, qemu-system-misc (qemu-system-xtensa sim)
set -euo pipefail
packages=(make gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm
          gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf qemu-system-misc
          gcc-xtensa-lx106 picolibc-xtensa-lx106-elf)
bash "$(dirname "$0")/apt-ensure.sh" "the MCU targets" "${packages[@]}"
