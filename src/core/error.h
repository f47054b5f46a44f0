// SPDX-License-Identifier: MIT
// One error type for every user-facing failure. The CLI prints what() on one
// line and exits with code 2; nothing else in the host code terminates.
#pragma once
#include <stdexcept>
#include <string>

namespace msf {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace msf
