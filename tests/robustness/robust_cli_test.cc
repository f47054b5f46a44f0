// SPDX-License-Identifier: MIT
// The CLI's guarantees (docs/errors.md): bad input is exit code 2 and one
// "msf: error:" line; an output path is written whole or not at all; a file
// the user gave as input is never modified.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>

#include "robustness/robust_support.h"

namespace msf {
namespace {

using test::ExpectRefused;

struct Files {
  std::string model, input, output, plan;
};

const Files& SharedFiles() {
  static const Files files = [] {
    Files f;
    f.model = test::TempPath("robust_cli_model.tflite");
    test::WriteFile(f.model, test::SmallInt8Model());
    f.input = test::TempPath("robust_cli_in.bin");
    test::WriteFile(f.input, std::vector<uint8_t>(test::kSmallModelInputBytes, 7));
    f.output = test::TempPath("robust_cli_out.bin");
    f.plan = test::TempPath("robust_cli_plan.json");
    EXPECT_EQ(test::RunCli({"plan", f.model, "--min-ram", "--json", f.plan}).exit_code, 0);
    return f;
  }();
  return files;
}

TEST(RobustCli, UsageErrors) {
  const Files& f = SharedFiles();
  const test::CliResult none = test::RunCli({});
  EXPECT_EQ(none.exit_code, 2);  // the usage text, on stderr
  EXPECT_EQ(none.err.rfind("usage: msf <command>", 0), 0u) << none.err;
  ExpectRefused({"frobnicate"}, "unknown command 'frobnicate' (try msf --help)", {}, {});
  ExpectRefused({"info"}, "usage: msf info MODEL", {}, {});
  ExpectRefused({"info", f.model, f.model}, "usage: msf info MODEL", {f.model}, {});
  ExpectRefused({"info", f.model, "--jsn", "x"}, "unknown option --jsn", {f.model}, {});
  ExpectRefused({"info", f.model, "--json"}, "option --json needs a value", {f.model}, {});
  ExpectRefused({"run", f.model, "--input", f.input}, "missing required option --output", {f.model, f.input}, {});
  ExpectRefused({"plan", f.model}, "choose exactly one objective", {f.model}, {});
  ExpectRefused({"plan", f.model, "--min-ram", "--strategy", "best"}, "unknown strategy 'best'", {f.model}, {});
  ExpectRefused({"plan", f.model, "--min-ram", "--cost-model", "guess"}, "unknown cost model 'guess'", {f.model}, {});
  ExpectRefused({"report", "nothing"}, "usage: msf report ram-table", {}, {});
}

// Every command answers --help and -h with its own usage on stdout, exit 0.
TEST(RobustCli, EveryCommandHasHelp) {
  const std::vector<std::vector<std::string>> commands = {{"info"}, {"run"}, {"plan"}, {"pareto"}, {"report"},
                                                          {"report", "ram-table"}, {"report", "paper"},
                                                          {"codegen"}, {"calibrate"}};
  for (const std::vector<std::string>& command : commands) {
    std::string name = "msf";
    for (const std::string& c : command) name += " " + c;
    for (const char* flag : {"--help", "-h"}) {
      std::vector<std::string> args = command;
      args.push_back(flag);
      const test::CliResult r = test::RunCli(args);
      EXPECT_EQ(r.exit_code, 0) << name << " " << flag << "\nstderr: " << r.err;
      EXPECT_EQ(r.out.rfind("usage: " + name + " ", 0), 0u) << name << " " << flag << "\nstdout: " << r.out;
      EXPECT_TRUE(r.err.empty()) << name << " " << flag << "\nstderr: " << r.err;
    }
  }
  // --help wins over missing required options and is not an unknown option.
  const test::CliResult run = test::RunCli({"run", "--help"});
  EXPECT_NE(run.out.find("--input IN.bin"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("--ram-limit B"), std::string::npos) << run.out;
  // `msf --help` lists every command.
  for (const char* flag : {"--help", "-h", "help"}) {
    const test::CliResult top = test::RunCli({flag});
    EXPECT_EQ(top.exit_code, 0) << flag;
    EXPECT_EQ(top.out.rfind("usage: msf <command>", 0), 0u) << top.out;
    for (const char* command : {"info", "run", "plan", "pareto", "report", "codegen", "calibrate"}) {
      EXPECT_NE(top.out.find(std::string("\n  ") + command + " "), std::string::npos) << command << "\n" << top.out;
    }
  }
}

// Unknown options, missing values and extra arguments: one line, exit 2, for
// every command.
TEST(RobustCli, EveryCommandRefusesBadOptions) {
  const Files& f = SharedFiles();
  const std::vector<std::vector<std::string>> commands = {
      {"info", f.model},
      {"run", f.model, "--input", f.input, "--output", f.output},
      {"plan", f.model, "--min-ram"},
      {"pareto", f.model},
      {"report", "ram-table"},
      {"report", "paper", "--out", test::TempPath("robust_cli_report")},
      {"codegen", f.model, "--plan", f.plan, "--target", "host", "--out", test::TempPath("robust_cli_pkg")},
      {"calibrate", "--target", "rv32imac"}};
  for (const std::vector<std::string>& command : commands) {
    std::vector<std::string> unknown = command;
    unknown.insert(unknown.end(), {"--bogus", "1"});
    ExpectRefused(unknown, "unknown option --bogus", {f.model, f.input, f.plan}, {f.output});
    std::vector<std::string> short_unknown = command;
    short_unknown.push_back("-q");
    ExpectRefused(short_unknown, "unknown option -q", {f.model, f.input, f.plan}, {f.output});
    std::vector<std::string> extra = command;
    extra.push_back("stray");
    ExpectRefused(extra, "unexpected argument 'stray' (usage: msf " + command[0], {f.model, f.input, f.plan},
                  {f.output});
  }
  ExpectRefused({"run", f.model, "--input", f.input, "--output"}, "option --output needs a value", {f.model, f.input},
                {});
  ExpectRefused({"plan", f.model, "--ram-budget"}, "option --ram-budget needs a value", {f.model}, {});
  ExpectRefused({"codegen", f.model, "--plan", f.plan, "--target"}, "option --target needs a value", {f.model}, {});
  ExpectRefused({"calibrate", "--target"}, "option --target needs a value", {}, {});
  ExpectRefused({"report", "paper", "--out"}, "option --out needs a value", {}, {});
  ExpectRefused({"plan", f.model, "--min-ram=yes"}, "option --min-ram takes no value", {f.model}, {});
  ExpectRefused({"codegen", f.model, "--plan", f.plan, "--out", "x"}, "missing required option --target", {f.model},
                {});
  ExpectRefused({"calibrate"}, "missing required option --target", {}, {});
  ExpectRefused({"report", "paper"}, "missing required option --out", {}, {});
  ExpectRefused({"report"}, "usage: msf report ram-table", {}, {});
  ExpectRefused({"--bogus"}, "unknown option --bogus", {}, {});
  // Values that look like options are still values, as before CLI11.
  ExpectRefused({"plan", f.model, "--max-overhead", "--1"}, "invalid MAC overhead '--1'", {f.model}, {});
  // The last of a repeated option wins.
  EXPECT_EQ(test::RunCli({"plan", f.model, "--ram-budget", "1", "--ram-budget", "64k"}).exit_code, 0);
}

TEST(RobustCli, NumberParsersRefuseCleanly) {
  const Files& f = SharedFiles();
  for (const char* budget : {"", "abc", "-1", "0", "1.5k", "64 k", "64kb", "0x10", "9223372036854775808",
                             "9223372036854775807KiB", "12\t"}) {
    ExpectRefused({"plan", f.model, "--ram-budget", budget}, "invalid RAM budget", {f.model}, {});
  }
  for (const char* overhead : {"", "abc", "-1", "0", "nan", "1e999", "1.3x", "--1"}) {
    ExpectRefused({"plan", f.model, "--max-overhead", overhead}, "invalid MAC overhead", {f.model}, {});
  }
}

TEST(RobustCli, BadInputFiles) {
  const Files& f = SharedFiles();
  const std::string short_input = test::TempPath("robust_cli_short.bin");
  test::WriteFile(short_input, std::vector<uint8_t>(10, 1));
  ExpectRefused({"run", f.model, "--input", short_input, "--output", f.output},
                short_input + ": has 10 bytes, the model input 1x8x8x3 needs 192", {f.model, short_input}, {f.output});
  ExpectRefused({"run", f.model, "--input", "/nonexistent/in.bin", "--output", f.output},
                "/nonexistent/in.bin: cannot open input file", {f.model}, {f.output});
  ExpectRefused({"run", f.model, "--input", f.input, "--output", f.output, "--plan", "/nonexistent/p.json"},
                "/nonexistent/p.json: cannot open plan file", {f.model, f.input}, {f.output});
}

TEST(RobustCli, OutputsThatAreInputsAreRefused) {
  const Files& f = SharedFiles();
  const std::vector<std::string> inputs = {f.model, f.input, f.plan};
  ExpectRefused({"run", f.model, "--input", f.input, "--output", f.input}, "is also an input file", inputs, {});
  ExpectRefused({"run", f.model, "--input", f.input, "--output", f.model}, "is also an input file", inputs, {});
  ExpectRefused({"run", f.model, "--input", f.input, "--output", f.output, "--plan", f.plan, "--json", f.plan},
                "is also an input file", inputs, {f.output});
  ExpectRefused({"info", f.model, "--json", f.model}, "is also an input file", inputs, {});
  ExpectRefused({"plan", f.model, "--min-ram", "--json", f.model}, "is also an input file", inputs, {});
  ExpectRefused({"pareto", f.model, "--svg", f.model}, "is also an input file", inputs, {});
  // The same file under another name (a hard link) is caught too.
  const std::string link = test::TempPath("robust_cli_in_link.bin");
  std::filesystem::remove(link);
  std::filesystem::create_hard_link(f.input, link);
  ExpectRefused({"run", f.model, "--input", f.input, "--output", link}, "is also an input file", inputs, {link});
}

TEST(RobustCli, NothingIsWrittenOnFailure) {
  const Files& f = SharedFiles();
  // An existing output keeps its old contents when the command fails.
  const std::string out = test::TempPath("robust_cli_existing.bin");
  test::WriteFile(out, {'o', 'l', 'd'});
  const std::string json = test::TempPath("robust_cli_existing.json");
  test::WriteFile(json, {'{', '}'});
  const std::string bad_plan = test::TempPath("robust_cli_bad_plan.json");
  test::WriteFile(bad_plan, {'{'});
  ExpectRefused({"run", f.model, "--input", f.input, "--output", out, "--plan", bad_plan, "--json", json},
                "not JSON", {f.model, f.input, bad_plan}, {out, json});
  ExpectRefused({"run", f.model, "--input", f.input, "--output", out, "--plan", f.plan, "--ram-limit", "100"},
                "over --ram-limit 100", {f.model, f.input, f.plan}, {out});
  ExpectRefused({"plan", f.model, "--ram-budget", "10", "--json", json}, "no fusion setting fits", {f.model}, {json});
  // An output in a directory that does not exist: refused, nothing created.
  ExpectRefused({"run", f.model, "--input", f.input, "--output", "/nonexistent/dir/out.bin"},
                "/nonexistent/dir/out.bin: cannot write", {f.model, f.input}, {});
  ExpectRefused({"info", f.model, "--json", "/nonexistent/dir/info.json"}, "/nonexistent/dir/info.json: cannot write",
                {f.model}, {});
}

TEST(RobustCli, OutputsAreWrittenWhole) {
  const Files& f = SharedFiles();
  const std::string out = test::TempPath("robust_cli_whole.bin");
  const test::CliResult r = test::RunCli({"run", f.model, "--input", f.input, "--output", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(test::ReadFile(out).size(), 4u);
  EXPECT_FALSE(test::StateOf(out + ".msf-tmp").exists);
  // Read-only input files are only read.
  ASSERT_EQ(chmod(f.input.c_str(), 0444), 0);
  const test::FileState before = test::StateOf(f.input);
  EXPECT_EQ(test::RunCli({"run", f.model, "--input", f.input, "--output", out}).exit_code, 0);
  EXPECT_TRUE(test::StateOf(f.input) == before);
  ASSERT_EQ(chmod(f.input.c_str(), 0644), 0);
}

}  // namespace
}  // namespace msf
