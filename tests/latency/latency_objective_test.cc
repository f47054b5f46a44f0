// SPDX-License-Identifier: MIT
// `--objective instructions --target T` for `msf plan` and `msf pareto`,
// through the binary: what the plan JSON records, that the solver minimises
// predicted instructions (and F bounds them), and one-line user errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>

#include "cost/latency_model.h"
#include "plan/plan_json.h"
#include "support/test_support.h"

namespace msf {
namespace {

using nlohmann::json;
using test::RunCli;

constexpr const char* kModel = "zoo:mcunet-vww-5fps-r80";

json ReadJson(const std::string& path) {
  std::ifstream f(path);
  return json::parse(std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>()));
}

json Plan(const std::vector<std::string>& extra) {
  static int n = 0;
  const std::string path = test::TempPath("latency_plan_" + std::to_string(n++) + ".json");
  std::vector<std::string> args = {"plan", kModel, "--json", path};
  args.insert(args.end(), extra.begin(), extra.end());
  const test::CliResult r = RunCli(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.exit_code == 0 ? ReadJson(path) : json();
}

int64_t StepSum(const json& plan) {
  int64_t sum = 0;
  for (const json& s : plan["steps"]) sum += s["predicted_instructions"].get<int64_t>();
  return sum;
}

TEST(LatencyObjective, PlanRecordsObjectiveAndPrediction) {
  const json p = Plan({"--ram-budget", "32k", "--objective", "instructions", "--target", "rv32imac"});
  ASSERT_TRUE(p.is_object());
  EXPECT_EQ(p["objective"], (json{{"kind", "ram_budget"}, {"value", 32000}, {"minimise", "instructions"},
                                  {"target", "rv32imac"}}));
  EXPECT_EQ(p["predicted_instructions"]["target"], "rv32imac");
  const int64_t total = p["predicted_instructions"]["total"];
  // The total is the steps plus the model's per-invocation constant, each rounded.
  const double per_invoke = cost::BuiltinLatencyModel("rv32imac").per_invoke;
  EXPECT_NEAR(static_cast<double>(total), static_cast<double>(StepSum(p)) + per_invoke,
              static_cast<double>(p["steps"].size()) + 1.0);
  EXPECT_LE(p["arena_bytes"].get<int64_t>(), 32000);
  // Real MACs are reported, not instructions.
  int64_t macs = 0;
  for (const json& s : p["steps"]) macs += s["macs"].get<int64_t>();
  EXPECT_EQ(p["macs"], macs);
  EXPECT_LT(p["macs"].get<int64_t>(), total);
  // The file loads back.
  std::ofstream(test::TempPath("reload.json")) << p.dump(2);
  const plan::Plan back = plan::ReadPlanFile(test::TempPath("reload.json"));
  EXPECT_EQ(back.metric, search::Metric::kInstructions);
  EXPECT_EQ(back.metric_target, "rv32imac");
  EXPECT_EQ(back.predicted_instructions, total);
}

TEST(LatencyObjective, MinimisesPredictedInstructions) {
  for (const char* budget : {"16k", "32k", "64k"}) {
    const json by_macs = Plan({"--ram-budget", budget, "--target", "cortex-m4"});
    const json by_instr = Plan({"--ram-budget", budget, "--objective", "instructions", "--target", "cortex-m4"});
    ASSERT_TRUE(by_macs.is_object() && by_instr.is_object());
    EXPECT_FALSE(by_macs["objective"].contains("minimise"));
    // Each is optimal for its own metric (rounding: at most 1 per step).
    EXPECT_LE(by_instr["predicted_instructions"]["total"].get<int64_t>(),
              by_macs["predicted_instructions"]["total"].get<int64_t>() + 64) << budget;
    EXPECT_LE(by_macs["macs"].get<int64_t>(), by_instr["macs"].get<int64_t>()) << budget;
  }
}

TEST(LatencyObjective, OverheadBoundsPredictedInstructions) {
  const json p = Plan({"--max-overhead", "1.1", "--objective", "instructions", "--target", "rv32imac"});
  ASSERT_TRUE(p.is_object());
  const test::CliResult vanilla = RunCli({"plan", kModel, "--strategy", "layer", "--min-ram", "--target", "rv32imac",
                                          "--json", test::TempPath("vanilla.json")});
  ASSERT_EQ(vanilla.exit_code, 0) << vanilla.err;
  const json v = ReadJson(test::TempPath("vanilla.json"));
  const double ratio = static_cast<double>(p["predicted_instructions"]["total"].get<int64_t>()) /
                       static_cast<double>(v["predicted_instructions"]["total"].get<int64_t>());
  EXPECT_LE(ratio, 1.1 + 1e-6);
  EXPECT_NE(p["objective"]["value"], json()) << p["objective"];
}

TEST(LatencyObjective, ParetoFrontInInstructions) {
  const std::string out = test::TempPath("latency_pareto.json");
  const std::string svg = test::TempPath("latency_pareto.svg");
  const test::CliResult r =
      RunCli({"pareto", kModel, "--objective", "instructions", "--target", "rv32imac", "--json", out, "--svg", svg});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("instructions"), std::string::npos);
  const json j = ReadJson(out);
  EXPECT_EQ(j["minimise"], "instructions");
  EXPECT_EQ(j["target"], "rv32imac");
  ASSERT_GE(j["front"].size(), 2u);
  for (size_t i = 1; i < j["front"].size(); ++i) {
    EXPECT_LT(j["front"][i]["peak_ram_bytes"], j["front"][i - 1]["peak_ram_bytes"]);
    EXPECT_GT(j["front"][i]["predicted_instructions"], j["front"][i - 1]["predicted_instructions"]);
  }
  std::ifstream f(svg);
  const std::string s((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  EXPECT_NE(s.find("instruction overhead"), std::string::npos);
}

TEST(LatencyObjective, UserErrorsAreOneLineWithExitCode2) {
  const std::vector<std::vector<std::string>> bad = {
      {"plan", kModel, "--min-ram", "--objective", "instructions"},
      {"plan", kModel, "--min-ram", "--objective", "cycles", "--target", "rv32imac"},
      {"plan", kModel, "--min-ram", "--target", "host"},
      {"plan", kModel, "--min-ram", "--objective", "instructions", "--target", "rv32imac", "--cost-model", "paper"},
      {"plan", kModel, "--min-ram", "--calibration", "/nonexistent.json"},
      {"pareto", kModel, "--objective", "instructions"},
      {"calibrate", "--target", "host"},
      {"calibrate", "--target", "rv32imac", "--jobs", "0"},
      {"calibrate"},
  };
  for (const std::vector<std::string>& args : bad) {
    const test::CliResult r = RunCli(args);
    EXPECT_EQ(r.exit_code, 2) << args[args.size() - 1] << ": " << r.err;
    EXPECT_EQ(r.err.rfind("msf: error: ", 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
}

}  // namespace
}  // namespace msf
