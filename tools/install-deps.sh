#!/usr/bin/env bash
# Installs the Debian packages msf needs to build and test, if any is missing.
set -euo pipefail
packages=(g++ cmake ninja-build ccache libflatbuffers-dev flatbuffers-compiler nlohmann-json3-dev libcli11-dev
          libgtest-dev libbenchmark-dev)
bash "$(dirname "$0")/apt-ensure.sh" "" "${packages[@]}"
