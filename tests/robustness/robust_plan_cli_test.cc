// SPDX-License-Identifier: MIT
// `msf run --plan` with plans that do not fit the model or are not plans at
// all: every one is exit code 2 with a one-line reason, writes no output and
// leaves the model, input and plan files untouched. (The executor-level
// refusals are in tests/exec/fused_errors_test.cc.)
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>

#include "robustness/robust_support.h"

namespace msf {
namespace {

using nlohmann::json;
using test::ExpectRefused;

struct Files {
  std::string model, input, output, json_out, plan;
  json plan_json;
};

// The small residual model, an input, and its min-RAM plan from `msf plan`.
const Files& SharedFiles() {
  static const Files files = [] {
    Files f;
    f.model = test::TempPath("robust_plan_model.tflite");
    test::WriteFile(f.model, test::SmallInt8Model());
    f.input = test::TempPath("robust_plan_in.bin");
    test::WriteFile(f.input, std::vector<uint8_t>(test::kSmallModelInputBytes, 3));
    f.output = test::TempPath("robust_plan_out.bin");
    f.json_out = test::TempPath("robust_plan_run.json");
    f.plan = test::TempPath("robust_plan_good.json");
    const test::CliResult r = test::RunCli({"plan", f.model, "--min-ram", "--json", f.plan});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const std::vector<uint8_t> text = test::ReadFile(f.plan);
    f.plan_json = json::parse(std::string(text.begin(), text.end()));
    return f;
  }();
  return files;
}

// Writes `text` as a plan file and expects `msf run --plan` to refuse it.
void ExpectPlanRefused(const std::string& name, const std::string& text, const std::string& needle) {
  const Files& f = SharedFiles();
  const std::string plan = test::TempPath("robust_plan_" + name + ".json");
  test::WriteFile(plan, std::vector<uint8_t>(text.begin(), text.end()));
  SCOPED_TRACE(name);
  ExpectRefused({"run", f.model, "--input", f.input, "--output", f.output, "--plan", plan, "--check", "--json",
                 f.json_out},
                needle, {f.model, f.input, plan}, {f.output, f.json_out});
}

void ExpectPlanRefused(const std::string& name, const std::function<void(json&)>& edit, const std::string& needle) {
  json j = SharedFiles().plan_json;
  edit(j);
  ExpectPlanRefused(name, j.dump(2), needle);
}

// A fused step over ops [first, last] replacing the steps that covered them.
json Fused(int first, int last, const json& variant, const json& ph, const json& pw) {
  return {{"ops", {first, last}}, {"kind", "fused"}, {"variant", variant}, {"patch", {ph, pw}},
          {"ram_bytes", 0}, {"ram_bytes_with_io", 0}, {"macs", 0}};
}
json Layer(int op) {
  return {{"ops", {op, op}}, {"kind", "layer"}, {"variant", nullptr}, {"patch", nullptr},
          {"ram_bytes", 0}, {"ram_bytes_with_io", 0}, {"macs", 0}};
}
// A plan of `steps` with consistent totals (all numbers 0).
// (A vector, not a json: a one-element braced json list would be an object.)
json PlanOf(const std::vector<json>& steps, int num_ops = test::kSmallModelOps) {
  json j = SharedFiles().plan_json;
  j["steps"] = json(steps);
  j["num_ops"] = num_ops;
  j["peak_ram_bytes"] = j["peak_ram_bytes_with_io"] = j["macs"] = 0;
  return j;
}

TEST(RobustPlanCli, TheGoodPlanRuns) {
  const Files& f = SharedFiles();
  const test::CliResult r = test::RunCli({"run", f.model, "--input", f.input, "--output", f.output, "--plan", f.plan, "--check"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("bit-exact: yes"), std::string::npos) << r.out;
  std::remove(f.output.c_str());
}

TEST(RobustPlanCli, GarbageAndMissingFields) {
  ExpectPlanRefused("empty", "", "invalid plan: not JSON");
  ExpectPlanRefused("garbage", "\x01\x02{{{ not json", "invalid plan: not JSON");
  ExpectPlanRefused("truncated", SharedFiles().plan_json.dump(2).substr(0, 200), "invalid plan: not JSON");
  ExpectPlanRefused("array", "[1, 2, 3]", "invalid plan: top level must be an object");
  ExpectPlanRefused("binary", std::string("\xff\xfe\x00\x01", 4), "invalid plan: not JSON");
  for (const char* field : {"model", "strategy", "cost_model", "objective", "peak_ram_bytes", "num_ops", "steps"}) {
    ExpectPlanRefused(std::string("missing_") + field, [&](json& j) { j.erase(field); },
                      std::string("invalid plan: plan has no \"") + field + "\"");
  }
  ExpectPlanRefused("missing_step_kind", [](json& j) { j["steps"][0].erase("kind"); }, "steps[0] has no \"kind\"");
  ExpectPlanRefused("missing_step_patch", [](json& j) { j["steps"][0].erase("patch"); }, "steps[0] has no \"patch\"");
  ExpectPlanRefused("steps_not_array", [](json& j) { j["steps"] = "all"; }, "plan.steps must be a non-empty array");
  ExpectPlanRefused("string_number", [](json& j) { j["num_ops"] = "7"; }, "plan.num_ops must be an integer");
  ExpectPlanRefused("huge_number", [](json& j) { j["macs"] = 18446744073709551615ull; }, "plan.macs is too large");
  ExpectPlanRefused("unknown_strategy", [](json& j) { j["strategy"] = "greedy"; }, "unknown strategy 'greedy'");
}

TEST(RobustPlanCli, PlanForAnotherModel) {
  // The right shape for a 53-op model (mbv2), not for this one.
  std::vector<json> steps;
  for (int i = 0; i < 53; ++i) steps.push_back(Layer(i));
  ExpectPlanRefused("other_model", PlanOf(steps, 53).dump(), "plan is for 53 ops but the model has 7");
  ExpectPlanRefused("fewer_ops", PlanOf({Layer(0), Layer(1)}, 2).dump(), "plan is for 2 ops but the model has 7");
}

TEST(RobustPlanCli, StepsThatDoNotCoverTheOps) {
  ExpectPlanRefused("overlap", PlanOf({Layer(0), Fused(0, 3, "hcache", 1, 1), Layer(4), Layer(5), Layer(6)}).dump(),
                    "steps[1].ops must start at op 1");
  ExpectPlanRefused("gap", PlanOf({Layer(0), Layer(2), Layer(3), Layer(4), Layer(5), Layer(6)}).dump(),
                    "steps[1].ops must start at op 1");
  ExpectPlanRefused("short", PlanOf({Layer(0), Layer(1), Layer(2)}).dump(), "plan.steps end at op 2 but the model has 7 ops");
  ExpectPlanRefused("past_end", PlanOf({Layer(0), Fused(1, 9, "hcache", 1, 1)}).dump(), "end at op 9 but the model has 7 ops");
  ExpectPlanRefused("backwards", PlanOf({Fused(3, 0, "hcache", 1, 1)}).dump(), "steps[0].ops must start at op 0");
  ExpectPlanRefused("wide_layer", PlanOf({Layer(0), {{"ops", {1, 2}}, {"kind", "layer"}, {"variant", nullptr},
                                                     {"patch", nullptr}, {"ram_bytes", 0}, {"macs", 0}}})
                                      .dump(),
                    "is a layer step over more than one op");
}

TEST(RobustPlanCli, VariantsAndPatches) {
  const auto with_block = [&](const json& block) { return PlanOf({block, Layer(4), Layer(5), Layer(6)}).dump(); };
  ExpectPlanRefused("unknown_variant", with_block(Fused(0, 3, "tiled", 2, 2)),
                    "steps[0].variant must be \"recompute\", \"hcache\" or \"linebuf\"");
  ExpectPlanRefused("variant_none", with_block(Fused(0, 3, "none", 2, 2)), "steps[0].variant must be");
  ExpectPlanRefused("variant_null", with_block(Fused(0, 3, json(nullptr), 2, 2)), "steps[0].variant must be");
  ExpectPlanRefused("negative_patch", with_block(Fused(0, 3, "hcache", -1, 2)), "steps[0].patch[0] must not be negative");
  ExpectPlanRefused("zero_patch", with_block(Fused(0, 3, "recompute", 0, 2)), "steps[0].patch must be positive");
  ExpectPlanRefused("float_patch", with_block(Fused(0, 3, "hcache", 1.5, 2)), "steps[0].patch[0] must be an integer");
  ExpectPlanRefused("huge_patch", with_block(Fused(0, 3, "hcache", 2147483647, int64_t{4294967296})),
                    "steps[0].patch[1] is too large");
  ExpectPlanRefused("layer_with_variant", [](json& j) {
    j = PlanOf({Layer(0), Layer(1), Layer(2), Layer(3), Layer(4), Layer(5), Layer(6)});
    j["steps"][2]["variant"] = "hcache";
  }, "steps[2] is a layer step, so variant and patch must be null");
  // A fused block the variant cannot run: the dense layer has no window.
  ExpectPlanRefused("not_fusable",
                    PlanOf({Layer(0), Layer(1), Layer(2), Layer(3), Layer(4), Fused(5, 6, "linebuf", 1, 1)}).dump(),
                    "plan step 5 (ops 5..6) cannot be fused: FULLY_CONNECTED cannot run patch by patch");
  // A fused step over a single op.
  ExpectPlanRefused("single_op_block",
                    PlanOf({Fused(0, 0, "hcache", 1, 1), Layer(1), Layer(2), Layer(3), Layer(4), Layer(5), Layer(6)}).dump(),
                    "cannot be fused: a fused block needs at least two ops");
}

TEST(RobustPlanCli, OddButValidPlansRunBitExact) {
  // Patches larger than the map, 1-wide strips, every variant, the whole
  // network in one block with its head: all must match the reference.
  const Files& f = SharedFiles();
  int k = 0;
  for (const json& plan :
       {PlanOf({Fused(0, 3, "recompute", 1000, 1000), Layer(4), Layer(5), Layer(6)}),
        PlanOf({Fused(0, 3, "hcache", 3, 7), Layer(4), Layer(5), Layer(6)}),
        PlanOf({Fused(0, 6, "linebuf", 1, 1)}), PlanOf({Fused(0, 6, "hcache", 5, 1)}),
        PlanOf({Layer(0), Fused(1, 4, "recompute", 1, 8), Layer(5), Layer(6)})}) {
    const std::string path = test::TempPath("robust_plan_odd_" + std::to_string(k++) + ".json");
    const std::string text = plan.dump();
    test::WriteFile(path, std::vector<uint8_t>(text.begin(), text.end()));
    const test::CliResult r = test::RunCli({"run", f.model, "--input", f.input, "--output", f.output, "--plan", path, "--check"});
    EXPECT_EQ(r.exit_code, 0) << text << "\n" << r.err;
    EXPECT_NE(r.out.find("bit-exact: yes"), std::string::npos) << r.out;
  }
  std::remove(f.output.c_str());
}

TEST(RobustPlanCli, RamLimitRefusals) {
  const Files& f = SharedFiles();
  const std::vector<std::string> inputs = {f.model, f.input, f.plan};
  const auto run = [&](const std::string& limit) {
    return std::vector<std::string>{"run", f.model, "--input", f.input, "--output", f.output, "--plan", f.plan,
                                    "--ram-limit", limit};
  };
  ExpectRefused(run("1"), "over --ram-limit 1", inputs, {f.output});
  ExpectRefused(run("0"), "invalid RAM budget '0': must be positive", inputs, {f.output});
  ExpectRefused(run("-5"), "invalid RAM budget '-5': must be positive", inputs, {f.output});
  ExpectRefused(run("12 kB"), "invalid RAM budget '12 kB': unknown unit", inputs, {f.output});
  ExpectRefused(run("99999999999999999999"), "too large", inputs, {f.output});
  ExpectRefused(run("1\n2"), "invalid RAM budget '1\\n2'", inputs, {f.output});
  ExpectRefused({"run", f.model, "--input", f.input, "--output", f.output, "--ram-limit", "10k"},
                "--check, --json and --ram-limit need --plan", inputs, {f.output});
  const test::CliResult ok = test::RunCli(run("1MiB"));
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  std::remove(f.output.c_str());
}

}  // namespace
}  // namespace msf
