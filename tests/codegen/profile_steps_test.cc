// SPDX-License-Identifier: MIT
// msf codegen --profile-steps: `make run` prints one line per plan step, the
// instructions counted around it beside the latency model's prediction, and
// the profile changes nothing else (the same output bytes; without it the
// runtime has no hook and the package no profile header).
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "codegen/codegen.h"
#include "codegen/codegen_test_util.h"
#include "cost/latency_model.h"
#include "exec/fused_executor.h"
#include "frontend/model_input.h"
#include "frontend/model_loader.h"
#include "plan/planner.h"
#include "support/test_support.h"

namespace msf {
namespace {

constexpr const char* kModel = "zoo:mcunet-vww-5fps-r80";

struct StepLine {
  int64_t step = 0, instructions = 0, predicted = 0;
  std::string error, label;
};

std::vector<StepLine> StepLines(const std::string& out) {
  static const std::regex line(R"(^step (\d+): (\d+) instructions, predicted (\d+) \(([+-]\d+\.\d\d)%\), (.+)$)");
  std::vector<StepLine> steps;
  std::istringstream in(out);
  std::string text;
  std::smatch m;
  while (std::getline(in, text)) {
    if (!std::regex_match(text, m, line)) continue;
    steps.push_back({std::stoll(m[1]), std::stoll(m[2]), std::stoll(m[3]), m[4], m[5]});
  }
  return steps;
}

// The harness's error: hundredths of a percent, truncated toward zero.
std::string ErrorText(int64_t predicted, int64_t measured) {
  const int64_t e = (predicted - measured) * 10000 / measured, a = e < 0 ? -e : e;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%c%lld.%02lld", e < 0 ? '-' : '+', static_cast<long long>(a / 100),
                static_cast<long long>(a % 100));
  return buf;
}

TEST(CodegenPackage, ProfileStepsCountsEveryStepBesideItsPrediction) {
  for (const char* tool : {"make", "arm-none-eabi-gcc", "qemu-system-arm"}) {
    ASSERT_TRUE(test::HaveProgram(tool)) << tool << " is missing: run tools/install-mcu-deps.sh";
  }
  const ir::Graph g = frontend::LoadModel(kModel);
  const plan::Plan plan = test::MakeCodegenPlan(g, "min_ram");
  codegen::Options o;
  o.target = codegen::Target::kCortexM4;
  o.input = frontend::PatternInput(g);
  const std::vector<int8_t> expected = exec::RunPlan(g, plan, *o.input).output;

  std::vector<test::RunLines> runs;
  std::vector<std::string> outs;
  for (bool profile : {false, true}) {
    o.profile_steps = profile;
    const codegen::Package package = codegen::Generate(g, plan, o);
    const codegen::File* header = test::FindPackageFile(package, "profile_steps.h");
    const codegen::File* makefile = test::FindPackageFile(package, "Makefile");
    const codegen::File* cmake = test::FindPackageFile(package, "CMakeLists.txt");
    ASSERT_TRUE(makefile != nullptr && cmake != nullptr);
    EXPECT_EQ(header != nullptr, profile);
    EXPECT_EQ(makefile->text.find("MSF_STEP_DONE") != std::string::npos, profile);
    EXPECT_EQ(cmake->text.find("MSF_STEP_DONE"), std::string::npos) << "a firmware's library has no hook";
    const std::string dir = test::TempPath(profile ? "cg_profile_on" : "cg_profile_off");
    std::filesystem::remove_all(dir);
    codegen::WritePackage(package, dir);
    const test::ShellResult run = test::BuildAndRunPackage(dir);
    ASSERT_EQ(run.exit_code, 0) << run.out;
    runs.push_back(test::ParseRunLines(run.out));
    outs.push_back(run.out);
    EXPECT_EQ(test::HexBytes(runs.back().output), test::HexBytes(std::vector<uint8_t>(expected.begin(), expected.end())));
    if (!HasFailure()) std::filesystem::remove_all(dir);
  }
  EXPECT_TRUE(StepLines(outs[0]).empty()) << outs[0];

  const std::vector<StepLine> steps = StepLines(outs[1]);
  ASSERT_EQ(steps.size(), plan.steps.size()) << outs[1];
  plan::Plan predicted = plan;
  plan::PredictPlan(&predicted, plan::PlanStepWork(g, plan), cost::BuiltinLatencyModel("cortex-m4"));
  int64_t sum = 0, sum_predicted = 0;
  for (size_t i = 0; i < steps.size(); ++i) {
    const plan::PlanStep& s = plan.steps[i];
    EXPECT_EQ(steps[i].step, static_cast<int64_t>(i));
    EXPECT_GT(steps[i].instructions, 0);
    EXPECT_EQ(steps[i].predicted, predicted.steps[i].predicted_instructions) << i;
    EXPECT_EQ(steps[i].error, ErrorText(steps[i].predicted, steps[i].instructions)) << i;
    const std::string first = (s.kind == step::StepKind::kLayer ? "op " : "ops ") + std::to_string(s.from);
    EXPECT_EQ(steps[i].label.rfind(first, 0), 0u) << steps[i].label;
    EXPECT_EQ(steps[i].label.find("fused") != std::string::npos, s.kind == step::StepKind::kFused) << steps[i].label;
    sum += steps[i].instructions, sum_predicted += steps[i].predicted;
  }
  // The steps add up to the run: its total adds the invocation's entry and
  // exit only. The hook costs a few dozen instructions a step.
  const int64_t total = std::stoll(runs[1].stats.at("instructions"));
  const int64_t unprofiled = std::stoll(runs[0].stats.at("instructions"));
  EXPECT_LE(sum, total);
  EXPECT_LT(total - sum, 2000);
  EXPECT_GT(total, unprofiled);
  EXPECT_LT(total - unprofiled, 100 * static_cast<int64_t>(steps.size()));
  EXPECT_NEAR(static_cast<double>(sum_predicted) / static_cast<double>(sum), 1.0, 0.1);
}

TEST(CodegenPackage, ProfileStepsNeedsAnMcuTarget) {
  const ir::Graph g = frontend::LoadModel(kModel);
  const plan::Plan plan = test::MakeCodegenPlan(g, "layer");
  codegen::Options o;
  o.profile_steps = true;
  try {
    codegen::Generate(g, plan, o);
    ADD_FAILURE() << "the host target took --profile-steps";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("--profile-steps needs an MCU target"), std::string::npos) << e.what();
  }
  const std::string plan_path = test::TempPath("codegen_profile_plan.json");
  plan::WritePlanFile(plan_path, plan);
  const std::string dir = test::TempPath("codegen_profile_host");
  std::filesystem::remove_all(dir);
  const test::CliResult r =
      test::RunCli({"codegen", kModel, "--plan", plan_path, "--target", "host", "--out", dir, "--profile-steps"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(r.err.rfind("msf: error: --profile-steps needs an MCU target", 0), 0u) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir));
}

}  // namespace
}  // namespace msf
