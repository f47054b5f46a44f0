#!/usr/bin/env bash
# Installs the Debian packages that `msf codegen` packages need to build and
# run on the MCU targets (cross compilers, C libraries, QEMU), if any is
# missing. The codegen tests need them; `make test` runs this script.
#   cortex-m4 / cortex-m7: gcc-arm-none-eabi + newlib (memcpy & co.), qemu-system-arm (mps2-an386 / -an500)
#   rv32imac:              gcc-riscv64-unknown-elf + picolibc, qemu-system-misc (qemu-system-riscv32 virt)
set -euo pipefail
packages=(make gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm
          gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf qemu-system-misc)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "msf: installing missing Debian packages for the MCU targets: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "msf: error: need root to run apt-get (or install: ${missing[*]})" >&2
  exit 2
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
