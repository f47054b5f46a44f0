// SPDX-License-Identifier: MIT
// Shared helpers for tests: where the shared models are, file I/O, and
// running the msf CLI as a subprocess.
#pragma once
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace msf::test {

// ../shared/models (or $MSF_MODELS_DIR); empty when absent.
std::string ModelsDir();
std::vector<uint8_t> ReadFile(const std::string& path);
void WriteFile(const std::string& path, const std::vector<uint8_t>& bytes);
std::string TempPath(const std::string& name);  // unique per process

struct CliResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};
// Runs the msf binary with `args` (each shell-quoted).
CliResult RunCli(const std::vector<std::string>& args);

struct GoldenCase {
  std::string model;     // path below the models dir
  std::string input;     // path below the models dir
  std::string expected;  // path below the models dir
};
inline void PrintTo(const GoldenCase& c, std::ostream* os) { *os << c.expected; }
// Every model/input pair with a golden output in ../shared/models/expected.
std::vector<GoldenCase> GoldenCases();

}  // namespace msf::test

#define MSF_REQUIRE_MODELS()                                                          \
  do {                                                                                \
    if (msf::test::ModelsDir().empty())                                               \
      GTEST_SKIP() << "shared models not found (../shared/models or $MSF_MODELS_DIR)"; \
  } while (0)
