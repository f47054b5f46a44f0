// SPDX-License-Identifier: MIT
// Replays the fuzz inputs through the same harness the libFuzzer targets run
// (fuzz/harness.cc): tests/corpus/<target>/ holds the crashers found so far
// (one file per fixed bug), fuzz/seeds/<target>/ the minimised seeds. Every
// file must be accepted or refused with one clean msf::Error; under
// `make test-sanitize` also without a sanitizer report.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <map>
#include <string>

#include "fuzz/harness.h"
#include "support/test_support.h"

namespace msf {
namespace {

namespace fs = std::filesystem;

using Body = std::function<void(const uint8_t*, size_t)>;

const std::map<std::string, Body>& Targets() {
  static const std::map<std::string, Body> targets = {
      {"tflite_import", fuzz::TfliteOne},
      {"plan_json", fuzz::PlanOne},
      {"budget_parse", fuzz::BudgetOne},
      {"calibration_json", fuzz::CalibrationOne},
  };
  return targets;
}

// Runs every file below `root`/<target>/; returns how many ran.
int Replay(const fs::path& root) {
  int files = 0;
  for (const fs::directory_entry& dir : fs::directory_iterator(root)) {
    if (!dir.is_directory()) continue;
    const std::string target = dir.path().filename().string();
    auto it = Targets().find(target);
    if (it == Targets().end()) {
      ADD_FAILURE() << dir.path() << ": not a fuzz target (expected tflite_import, plan_json, budget_parse or calibration_json)";
      continue;
    }
    for (const fs::directory_entry& f : fs::recursive_directory_iterator(dir.path())) {
      if (!f.is_regular_file()) continue;
      const std::vector<uint8_t> bytes = test::ReadFile(f.path().string());
      EXPECT_NO_THROW(it->second(bytes.data(), bytes.size())) << f.path();
      ++files;
    }
  }
  return files;
}

TEST(RobustCorpus, RegressionInputsAreHandledCleanly) {
  const fs::path root = fs::path(MSF_SOURCE_DIR) / "tests" / "corpus";
  ASSERT_TRUE(fs::is_directory(root)) << root;
  EXPECT_GT(Replay(root), 0);
}

TEST(RobustCorpus, FuzzSeedsAreHandledCleanly) {
  const fs::path root = fs::path(MSF_SOURCE_DIR) / "fuzz" / "seeds";
  ASSERT_TRUE(fs::is_directory(root)) << root;
  EXPECT_GT(Replay(root), 0);
}

TEST(RobustCorpus, HarnessRunsTheSharedModels) {
  MSF_REQUIRE_MODELS();
  for (const fs::directory_entry& f : fs::recursive_directory_iterator(test::ModelsDir())) {
    if (f.path().extension() != ".tflite") continue;
    const std::vector<uint8_t> bytes = test::ReadFile(f.path().string());
    EXPECT_NO_THROW(fuzz::TfliteOne(bytes.data(), bytes.size())) << f.path();
  }
}

TEST(RobustCorpus, PlanModelsHaveDistinctOpCounts) {
  const std::vector<ir::Graph>& models = fuzz::PlanModels();
  ASSERT_GE(models.size(), 3u);
  for (size_t i = 1; i < models.size(); ++i) EXPECT_NE(models[i].ops.size(), models[i - 1].ops.size());
}

}  // namespace
}  // namespace msf
