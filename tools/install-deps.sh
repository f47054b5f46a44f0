#!/usr/bin/env bash
# Installs the Debian packages msf needs to build and test, if any is missing.
set -euo pipefail
packages=(g++ cmake ninja-build libflatbuffers-dev flatbuffers-compiler nlohmann-json3-dev
          libgtest-dev libbenchmark-dev)
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
