#!/usr/bin/env bash
# Installs the Debian packages `make fuzz` / `make fuzz-ci` need (clang with
# libFuzzer and the sanitizer runtimes, llvm-symbolizer for stack traces), if
# any is missing. The normal build needs only tools/install-deps.sh.
set -euo pipefail
packages=(clang libclang-rt-14-dev llvm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "msf: installing missing Debian packages: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "msf: error: need root to run apt-get (or install: ${missing[*]})" >&2
  exit 2
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
