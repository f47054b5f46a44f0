// SPDX-License-Identifier: MIT
// Helpers of the file tests (robust_files_test.cc, robust_codegen_files_test.cc):
// a fresh directory per test with the small model, an input and its plan.
#pragma once
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "robustness/robust_support.h"

namespace msf::test {

inline std::string Text(const std::string& path) {
  const std::vector<uint8_t> b = ReadFile(path);
  return std::string(b.begin(), b.end());
}

inline bool IsSymlink(const std::string& path) {
  struct stat st {};
  return lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode);
}

// The names in `dir` (not recursive).
inline std::set<std::string> Names(const std::string& dir) {
  std::set<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) names.insert(e.path().filename().string());
  return names;
}

// A fresh directory of its own for each test.
inline std::string FreshDir(const std::string& name) {
  const std::string dir = TempPath(name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

struct Files {
  std::string dir, model, input, plan;
};

// The small residual model, an input and its min-RAM plan in `dir`.
inline Files MakeFiles(const std::string& dir) {
  Files f;
  f.dir = dir;
  f.model = dir + "/model.tflite";
  WriteFile(f.model, SmallInt8Model());
  f.input = dir + "/in.bin";
  WriteFile(f.input, std::vector<uint8_t>(kSmallModelInputBytes, 7));
  f.plan = dir + "/plan.json";
  const CliResult r = RunCli({"plan", f.model, "--min-ram", "--json", f.plan});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return f;
}

}  // namespace msf::test
