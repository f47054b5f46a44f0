// SPDX-License-Identifier: MIT
// The plans msf makes for the shared models do not change by accident: the
// plan JSON of every model at min RAM, F <= 1.3 and a 64 kB budget equals the
// one stored in tests/data/plans/ byte for byte. Refactorings of the host
// pipeline must keep them; a change that improves plans regenerates them on
// purpose (the loop at the end of this comment, run from ../shared/models):
//   for m in */*.tflite; do n=$(basename $m .tflite)
//     msf plan $m --min-ram --json DATA/${n}__min_ram.json
//     msf plan $m --max-overhead 1.3 --json DATA/${n}__f1_3.json
//     msf plan $m --ram-budget 64k --json DATA/${n}__64k.json; done
// (the detection model is refused today and has no stored plan).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "codegen/codegen_test_util.h"
#include "support/test_support.h"

namespace msf {
namespace {

struct StoredPlan {
  std::string file;  // tests/data/plans/<model>__<objective>.json
};
void PrintTo(const StoredPlan& p, std::ostream* os) { *os << p.file; }

std::vector<StoredPlan> AllStoredPlans() {
  std::vector<StoredPlan> plans;
  const std::filesystem::path dir = std::filesystem::path(MSF_SOURCE_DIR) / "tests/data/plans";
  for (const auto& e : std::filesystem::directory_iterator(dir)) plans.push_back({e.path().filename().string()});
  std::sort(plans.begin(), plans.end(), [](const StoredPlan& a, const StoredPlan& b) { return a.file < b.file; });
  return plans;
}

std::string Name(const ::testing::TestParamInfo<StoredPlan>& info) {
  std::string n = info.param.file.substr(0, info.param.file.size() - 5);
  for (char& c : n) {
    if (!isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return n;
}

class StoredPlans : public ::testing::TestWithParam<StoredPlan> {};

TEST_P(StoredPlans, PlanJsonIsByteIdentical) {
  MSF_REQUIRE_MODELS();
  const std::string& file = GetParam().file;
  const size_t sep = file.rfind("__");
  const std::string model = file.substr(0, sep), objective = file.substr(sep + 2, file.size() - sep - 7);
  std::string model_path;
  for (const auto& e : std::filesystem::recursive_directory_iterator(test::ModelsDir())) {
    if (e.path().filename() == model + ".tflite") {
      model_path = std::filesystem::relative(e.path(), test::ModelsDir()).string();
    }
  }
  ASSERT_FALSE(model_path.empty()) << model << ".tflite not found in the models dir";
  const std::string args = objective == "min_ram" ? "--min-ram"
                           : objective == "f1_3" ? "--max-overhead 1.3"
                                                 : "--ram-budget 64k";
  const std::string out = test::TempPath("stored_plan_" + model + "_" + objective + ".json");
  const test::ShellResult r = test::RunShell("cd " + test::ShellQuote(test::ModelsDir()) + " && " +
                                             test::ShellQuote(MSF_CLI_PATH) + " plan " +
                                             test::ShellQuote(model_path) + " " + args + " --json " +
                                             test::ShellQuote(out));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const std::vector<uint8_t> stored =
      test::ReadFile(std::string(MSF_SOURCE_DIR) + "/tests/data/plans/" + file);
  ASSERT_FALSE(stored.empty());
  EXPECT_TRUE(test::ReadFile(out) == stored) << "msf plan " << model_path << " " << args
                                              << " differs from tests/data/plans/" << file;
  std::filesystem::remove(out);
}

INSTANTIATE_TEST_SUITE_P(SharedModels, StoredPlans, ::testing::ValuesIn(AllStoredPlans()), Name);

}  // namespace
}  // namespace msf
