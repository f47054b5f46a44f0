// SPDX-License-Identifier: MIT
#include "cli/format.h"

#include <filesystem>
#include <system_error>

#include "core/atomic_write.h"
#include "core/error.h"

namespace msf::cli {

std::string ShapeString(const std::vector<int32_t>& shape) {
  std::string s;
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? "x" : "") + std::to_string(shape[i]);
  return s.empty() ? "scalar" : s;
}

std::string Thousands(int64_t v) {
  std::string digits = std::to_string(v < 0 ? -v : v);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (v < 0 ? "-" : "") + out;
}

void WriteTextFile(const std::string& path, const std::string& text) { WriteFileAtomically(path, text); }

void CheckNotAnInput(const std::string& output, const std::vector<std::string>& inputs) {
  for (const std::string& in : inputs) {
    std::error_code ec;
    if (std::filesystem::equivalent(output, in, ec)) {
      throw Error(output + ": is also an input file (" + in + "); refusing to overwrite it");
    }
  }
}

}  // namespace msf::cli
