// SPDX-License-Identifier: MIT
// The package's CMakeLists.txt: the model and the runtime as a static
// library (`msf_model`) for a firmware's own CMake build, beside the
// Makefile that builds and runs the harness.
#pragma once
#include <string>
#include <vector>

#include "codegen/codegen.h"

namespace msf::codegen {

// `sources`: the library's C files (package paths, no harness files).
// `defines`: the runtime's -D flags (as in the Makefile).
std::string CMakeListsFile(const Options& options, const std::vector<std::string>& sources,
                           const std::vector<std::string>& defines);

}  // namespace msf::codegen
