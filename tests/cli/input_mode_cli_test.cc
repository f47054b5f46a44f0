// SPDX-License-Identifier: MIT
// The streamed input from the command line: msf plan --input-mode and
// --count-io, msf run feeding a plan from a simulated sensor, and the
// one-line refusals (exit 2).
#include <gtest/gtest.h>

#include <filesystem>

#include "support/test_support.h"

namespace msf {
namespace {

std::string PersonDetect() { return test::ModelsDir() + "/person_detect/person_detect.tflite"; }
std::string PersonInput() { return test::ModelsDir() + "/inputs/person_detect/person_96x96x1_int8.bin"; }

TEST(InputModeCli, StreamPlanRunsFromTheSensorAndGivesTheGolden) {
  MSF_REQUIRE_MODELS();
  const std::string plan = test::TempPath("cli_stream_plan.json"), out = test::TempPath("cli_stream.out.bin");
  const test::CliResult p = test::RunCli({"plan", PersonDetect(), "--min-ram", "--input-mode", "stream", "--json", plan});
  ASSERT_EQ(p.exit_code, 0) << p.err;
  EXPECT_NE(p.out.find("input: stream, 9,216 pixels read for 9,216 (0 re-read, each row once, in order)"), std::string::npos)
      << p.out;
  EXPECT_NE(p.out.find("device RAM: "), std::string::npos);
  const test::CliResult r = test::RunCli({"run", PersonDetect(), "--input", PersonInput(), "--plan", plan, "--output", out, "--check"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("bit-exact: yes"), std::string::npos);
  EXPECT_NE(r.out.find("input: stream from a simulated sensor: 9216 pixels read for 9216 (0 re-read), each row once, in order"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(test::ReadFile(out), test::ReadFile(test::ModelsDir() + "/expected/person_detect__person.out.bin"));
  // The same plan fed its whole input tensor.
  const test::CliResult whole = test::RunCli(
      {"run", PersonDetect(), "--input", PersonInput(), "--plan", plan, "--output", out, "--check", "--input-mode", "resident"});
  ASSERT_EQ(whole.exit_code, 0) << whole.err;
  EXPECT_EQ(whole.out.find("simulated sensor"), std::string::npos);
}

TEST(InputModeCli, RefusalsAreOneLine) {
  MSF_REQUIRE_MODELS();
  const std::string reread = test::TempPath("cli_reread_plan.json"), resident = test::TempPath("cli_resident_plan.json");
  const std::string out = test::TempPath("cli_refused.out.bin");
  ASSERT_EQ(test::RunCli({"plan", PersonDetect(), "--min-ram", "--input-mode", "reread", "--json", reread}).exit_code, 0);
  ASSERT_EQ(test::RunCli({"plan", PersonDetect(), "--min-ram", "--json", resident}).exit_code, 0);
  const auto refused = [&](const std::vector<std::string>& args, const std::string& needle) {
    const test::CliResult r = test::RunCli(args);
    EXPECT_EQ(r.exit_code, 2) << r.out;
    EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "one line: " << r.err;
  };
  refused({"run", PersonDetect(), "--input", PersonInput(), "--plan", reread, "--output", out, "--input-mode", "stream"},
          "asked the sensor for an input row again or out of order");
  refused({"run", PersonDetect(), "--input", PersonInput(), "--plan", resident, "--output", out, "--input-mode", "stream"},
          "the plan reads a resident input");
  refused({"plan", PersonDetect(), "--min-ram", "--input-mode", "dma"}, "unknown input mode 'dma'");
  refused({"plan", PersonDetect(), "--min-ram", "--input-mode", "stream", "--cost-model", "paper"},
          "needs the exact cost model");
  refused({"plan", PersonDetect(), "--ram-budget", "9000", "--count-io"}, "does not hold the 9218 bytes of input and output");
  refused({"plan", PersonDetect(), "--ram-budget", "10000", "--count-io"}, "the smallest feasible device RAM is 18434 bytes");
  EXPECT_FALSE(std::filesystem::exists(out)) << "no output written by a refused run";
}

TEST(InputModeCli, CountIoBudgetsTheDevice) {
  MSF_REQUIRE_MODELS();
  const test::CliResult r =
      test::RunCli({"plan", PersonDetect(), "--ram-budget", "12000", "--count-io", "--input-mode", "stream"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const size_t at = r.out.find("device RAM: ");
  ASSERT_NE(at, std::string::npos);
  std::string digits;
  for (size_t i = at + 12; i < r.out.size() && (isdigit(static_cast<unsigned char>(r.out[i])) || r.out[i] == ','); ++i) {
    if (r.out[i] != ',') digits += r.out[i];
  }
  EXPECT_LE(std::stoll(digits), 12000) << r.out;
}

}  // namespace
}  // namespace msf
