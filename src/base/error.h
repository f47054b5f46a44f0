// SPDX-License-Identifier: MIT
// One error type for every user-facing failure. The CLI prints what() on one
// line and exits with code 2; nothing else in the host code terminates.
#pragma once
#include <cstdio>
#include <stdexcept>
#include <string>

namespace msf {

// `text` with control characters escaped (\n, \t, \xNN), so that messages
// quoting user input (file names, option values, tensor names read from a
// model file) stay on one line.
inline std::string OneLine(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += ch;
    }
  }
  return out;
}

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(OneLine(message)) {}
};

}  // namespace msf
