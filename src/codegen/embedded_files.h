// SPDX-License-Identifier: MIT
// Files compiled into msf so that a generated package is self-contained and
// always matches this build: the device runtime ("runtime/include/msf_rt/*.h",
// "runtime/src/*"), the target harnesses ("targets/<name>/*") and the templates
// of generated non-C files ("templates/*"). Generated at build time by
// cmake/embed_files.cmake.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace msf::codegen {

struct EmbeddedFile {
  const char* path;
  const unsigned char* data;
  size_t size;
  std::string Text() const { return std::string(reinterpret_cast<const char*>(data), size); }
};

// Sorted by path.
const std::vector<EmbeddedFile>& EmbeddedFiles();

// The text of the embedded file at `path`; throws msf::Error if there is none.
inline std::string EmbeddedText(std::string_view path) {
  for (const EmbeddedFile& f : EmbeddedFiles()) {
    if (path == f.path) return f.Text();
  }
  throw Error("internal: " + std::string(path) + " is not embedded in this msf build");
}

}  // namespace msf::codegen
