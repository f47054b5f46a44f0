// SPDX-License-Identifier: MIT
// calibration/<target>.json compiled into msf (cmake/embed_files.cmake), so
// a build always carries the latency models it was built with.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace msf::cost::calibration_files {

struct EmbeddedFile {
  const char* path;  // "cortex-m4.json", ...
  const unsigned char* data;
  size_t size;
  std::string Text() const { return std::string(reinterpret_cast<const char*>(data), size); }
};

// Sorted by path.
const std::vector<EmbeddedFile>& EmbeddedFiles();

}  // namespace msf::cost::calibration_files
