// SPDX-License-Identifier: MIT
// Files compiled into msf so that a generated package is self-contained and
// always matches this build: the device runtime ("runtime/include/msf_rt/*.h",
// "runtime/src/*") and the target harnesses ("targets/<name>/*"). Generated at
// build time by cmake/embed_files.cmake.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace msf::codegen {

struct EmbeddedFile {
  const char* path;
  const unsigned char* data;
  size_t size;
  std::string Text() const { return std::string(reinterpret_cast<const char*>(data), size); }
};

// Sorted by path.
const std::vector<EmbeddedFile>& EmbeddedFiles();

}  // namespace msf::codegen
