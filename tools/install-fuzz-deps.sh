#!/usr/bin/env bash
# Installs the Debian packages `make fuzz` / `make fuzz-ci` need (clang with
# libFuzzer and the sanitizer runtimes, llvm-symbolizer for stack traces), if
# any is missing. The normal build needs only tools/install-deps.sh.
set -euo pipefail
packages=(clang libclang-rt-14-dev llvm)
bash "$(dirname "$0")/apt-ensure.sh" "" "${packages[@]}"
