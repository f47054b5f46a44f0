// SPDX-License-Identifier: MIT
// `msf codegen --out` and the names in generated files (docs/errors.md,
// guarantee 7 and "Generated packages"): the package is written as a whole
// directory that never holds an input and replaces only an empty directory or
// an earlier package; file names cannot inject C or make code.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "codegen/c_writer.h"
#include "codegen/codegen.h"
#include "codegen/codegen_test_util.h"
#include "plan/plan_json.h"
#include "frontend/model_loader.h"
#include "robustness/robust_files_support.h"

namespace msf {
namespace {

namespace fs = std::filesystem;
using test::ExpectRefused;
using test::FreshDir;
using test::IsSymlink;
using test::MakeFiles;
using test::Names;
using test::Text;
using Files = test::Files;

// Every file below `dir` with its contents (build/ excluded).
std::map<std::string, std::string> Tree(const std::string& dir) {
  std::map<std::string, std::string> tree;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    const std::string rel = e.path().lexically_relative(dir).string();
    if (rel.rfind("build", 0) == 0 || !e.is_regular_file()) continue;
    tree[rel] = Text(e.path().string());
  }
  return tree;
}

// `msf codegen pkg/model.c ... --out pkg` used to write the package over its
// own model file.
TEST(RobustCodegenFiles, AnOutThatHoldsAnInputIsRefused) {
  const Files f = MakeFiles(FreshDir("codegen_out_input"));
  const std::string pkg = f.dir + "/pkg";
  fs::create_directories(pkg);
  const std::string model = pkg + "/model.c", plan = pkg + "/plan.json", input = pkg + "/in.bin";
  fs::copy_file(f.model, model);
  fs::copy_file(f.plan, plan);
  fs::copy_file(f.input, input);
  const std::vector<std::string> all = {f.model, f.plan, f.input, model, plan, input};
  ExpectRefused({"codegen", model, "--plan", f.plan, "--target", "host", "--out", pkg},
                "pkg: contains the input file " + model, all, {});
  ExpectRefused({"codegen", f.model, "--plan", plan, "--target", "host", "--out", pkg},
                "pkg: contains the input file " + plan, all, {});
  ExpectRefused({"codegen", f.model, "--plan", f.plan, "--target", "host", "--out", pkg, "--embed-input", input},
                "pkg: contains the input file " + input, all, {});
  // The folder of the inputs, through a path with "..", and the input itself.
  ExpectRefused({"codegen", f.model, "--plan", f.plan, "--target", "host", "--out", pkg + "/.."},
                "contains the input file", all, {});
  ExpectRefused({"codegen", f.model, "--plan", f.plan, "--target", "host", "--out", f.model}, "contains the input file",
                all, {});
  EXPECT_EQ(Names(pkg), (std::set<std::string>{"model.c", "plan.json", "in.bin"}));

  // An earlier package holding a hard link of the model.
  const std::string pkg2 = f.dir + "/pkg2";
  ASSERT_EQ(test::RunCli({"codegen", f.model, "--plan", f.plan, "--target", "host", "--out", pkg2}).exit_code, 0);
  fs::create_directories(pkg2 + "/build");
  fs::create_hard_link(f.model, pkg2 + "/build/kept.tflite");
  ExpectRefused({"codegen", f.model, "--plan", f.plan, "--target", "host", "--out", pkg2},
                "pkg2: contains the input file " + f.model + " (as build/kept.tflite)", all, {});
  EXPECT_TRUE(fs::exists(pkg2 + "/build/kept.tflite"));
}

// An existing --out is replaced only when it is empty or an msf package; the
// new package replaces it as a whole (no stale files of the old one).
TEST(RobustCodegenFiles, AnExistingOutIsReplacedOnlyIfItIsAnEmptyDirOrAPackage) {
  const Files f = MakeFiles(FreshDir("codegen_out_existing"));
  const std::vector<std::string> inputs = {f.model, f.plan, f.input};
  const std::string pkg = f.dir + "/pkg";
  fs::create_directories(pkg);
  ASSERT_EQ(test::RunCli({"codegen", f.model, "--plan", f.plan, "--target", "cortex-m4", "--out", pkg}).exit_code, 0);
  EXPECT_TRUE(fs::exists(pkg + "/link.ld"));
  fs::create_directories(pkg + "/build/runtime");
  test::WriteFile(pkg + "/build/model.o", {1});
  ASSERT_EQ(test::RunCli({"codegen", f.model, "--plan", f.plan, "--target", "host", "--out", pkg}).exit_code, 0);
  EXPECT_FALSE(fs::exists(pkg + "/link.ld")) << "a stale file of the old package";
  EXPECT_FALSE(fs::exists(pkg + "/build"));
  EXPECT_NE(Text(pkg + "/Makefile").find("target: host"), std::string::npos);

  // A folder with other files, a folder with a foreign Makefile, a file: refused and untouched.
  const std::string mine = f.dir + "/mine";
  fs::create_directories(mine);
  test::WriteFile(mine + "/notes.txt", {'n'});
  ExpectRefused({"codegen", f.model, "--plan", f.plan, "--target", "host", "--out", mine},
                "mine: is not an msf package (it holds notes.txt, which msf codegen does not write)",
                {f.model, f.plan, mine + "/notes.txt"}, {});
  fs::remove(mine + "/notes.txt");
  test::WriteFile(mine + "/Makefile", {'a', 'l', 'l', ':', '\n'});
  ExpectRefused({"codegen", f.model, "--plan", f.plan, "--target", "host", "--out", mine},
                "mine: is not an msf package (no Makefile generated by msf codegen)",
                {f.model, f.plan, mine + "/Makefile"}, {});
  const std::string file = f.dir + "/afile";
  test::WriteFile(file, {'x'});
  ExpectRefused({"codegen", f.model, "--plan", f.plan, "--target", "host", "--out", file},
                "afile: exists and is not a directory", {f.model, f.plan, file}, {});

  // A symbolic link to a package: the package is replaced, the link stays.
  const std::string link = f.dir + "/link";
  fs::create_directory_symlink("pkg", link);
  ASSERT_EQ(test::RunCli({"codegen", f.model, "--plan", f.plan, "--target", "rv32imac", "--out", link}).exit_code, 0);
  EXPECT_TRUE(IsSymlink(link));
  EXPECT_TRUE(fs::exists(pkg + "/start.S"));
  // Nothing is left beside the packages.
  EXPECT_EQ(Names(f.dir),
            (std::set<std::string>{"model.tflite", "in.bin", "plan.json", "pkg", "mine", "afile", "link"}));
}

// Concurrent codegens of one --out all succeed; the result is one whole package.
TEST(RobustCodegenFiles, ConcurrentCodegensLeaveOneWholePackage) {
  const Files f = MakeFiles(FreshDir("codegen_concurrent"));
  const std::string pkg = f.dir + "/pkg", single = f.dir + "/single", log = f.dir + "/failures.log";
  const std::string msf = test::ShellQuote(MSF_CLI_PATH);
  const std::string cmd = msf + " codegen " + test::ShellQuote(f.model) + " --plan " + test::ShellQuote(f.plan) +
                          " --target host --out " + test::ShellQuote(pkg) + " >/dev/null 2>>" + test::ShellQuote(log) +
                          " || echo failed >>" + test::ShellQuote(log);
  std::string all;
  for (int p = 0; p < 4; ++p) all += "(for i in 1 2 3 4 5; do " + cmd + "; done) & ";
  ASSERT_EQ(test::RunShell(all + "wait").exit_code, 0);
  EXPECT_EQ(Text(log), "");
  ASSERT_EQ(test::RunCli({"codegen", f.model, "--plan", f.plan, "--target", "host", "--out", single}).exit_code, 0);
  EXPECT_TRUE(Tree(pkg) == Tree(single)) << "the package differs from a single codegen's";
  EXPECT_EQ(Names(f.dir),
            (std::set<std::string>{"model.tflite", "in.bin", "plan.json", "pkg", "single", "failures.log"}));
}

// ---------------------------------------------------------------------------
// Names in generated files

// Builds and runs the host package in `pkg` (make's working directory is its
// parent) and returns the output bytes; expects a warning-free build.
std::vector<uint8_t> BuildAndRun(const std::string& pkg) {
  const fs::path p(pkg);
  const std::string make = "cd " + test::ShellQuote(p.parent_path().string()) + " && make -s --no-print-directory -C " +
                           test::ShellQuote(p.filename().string());
  const test::ShellResult build = test::RunShell(make);
  EXPECT_EQ(build.exit_code, 0) << build.out;
  EXPECT_EQ(build.out, "") << "warnings or make output";
  const test::ShellResult run = test::RunShell(make + " run");
  EXPECT_EQ(run.exit_code, 0) << run.out;
  return test::ParseRunLines(run.out).output;
}

void ExpectNoPwned(const std::string& dir) {
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    EXPECT_NE(e.path().filename().string(), "PWNED") << e.path();
  }
  EXPECT_FALSE(fs::exists("PWNED"));
}

// A model and plan whose file names carry newlines, make function calls,
// quotes, backslashes, a trigraph and a comment start (file names cannot hold
// "/"; labels given to the library can, below): the package builds
// warning-free, runs to the right output, and nothing of the names is
// executed (make used to run the $(shell ...) of a name after a newline).
TEST(RobustCodegenFiles, HostileFileNamesCannotInjectCode) {
  for (const char* tool : {"gcc", "make"}) ASSERT_TRUE(test::HaveProgram(tool)) << tool << " not found";
  const Files f = MakeFiles(FreshDir("codegen_names"));
  const std::string model_name = "m\n$(shell touch PWNED)\n*\\ int pwned; \"q\" 'a' \\ ?\?= #x`touch PWNED`.tflite";
  const std::string plan_name = "p\n$(shell touch PWNED)\\";
  const std::string model = f.dir + "/" + model_name, plan = f.dir + "/" + plan_name, pkg = f.dir + "/pkg";
  fs::copy_file(f.model, model);
  ASSERT_EQ(test::RunCli({"plan", model, "--min-ram", "--json", plan}).exit_code, 0);
  const test::CliResult gen =
      test::RunCli({"codegen", model, "--plan", plan, "--target", "host", "--out", pkg, "--embed-input", f.input});
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  // The expected output: the same plan run by msf on the host (bit-exact with the reference).
  const std::string expected = f.dir + "/expected.bin";
  const test::CliResult host =
      test::RunCli({"run", model, "--input", f.input, "--output", expected, "--plan", plan, "--check"});
  ASSERT_EQ(host.exit_code, 0) << host.err;
  EXPECT_EQ(test::HexBytes(BuildAndRun(pkg)), test::HexBytes(test::ReadFile(expected)));
  ExpectNoPwned(f.dir);
  // The names are there, escaped.
  EXPECT_NE(Text(pkg + "/model.c")
                .find("/* model: m\\n$(shell touch PWNED)\\n*\\\\ int pwned; \\\"q\\\" 'a' \\\\ "
                      "?\\?= #x`touch PWNED`.tflite, plan: p\\n$(shell touch PWNED)\\\\, target: "
                      "host */"),
            std::string::npos)
      << Text(pkg + "/model.c").substr(0, 400);
  EXPECT_NE(Text(pkg + "/Makefile")
                .find("# model: m?$$(shell touch PWNED)?*? int pwned; \"q\" 'a' ? ?\?= ?x`touch "
                      "PWNED`.tflite, plan: p?$$(shell touch PWNED)?\n"),
            std::string::npos)
      << Text(pkg + "/Makefile").substr(0, 400);

  // Labels given to the library may hold anything, "*/" included.
  const ir::Graph g = frontend::LoadModel(f.model);
  codegen::Options o;
  o.model_label = "*/ int pwned = 1; /*\n$(shell touch PWNED)\n\t?\?/\\";
  o.plan_label = "\"; /* */ \\\n#";
  const std::vector<uint8_t> in = test::ReadFile(f.input);
  o.input = std::vector<int8_t>(in.begin(), in.end());
  const std::string pkg2 = f.dir + "/pkg2";
  codegen::WritePackage(codegen::Generate(g, plan::ReadPlanFile(f.plan), o), pkg2);
  EXPECT_EQ(test::HexBytes(BuildAndRun(pkg2)), test::HexBytes(test::ReadFile(expected)));
  EXPECT_EQ(Text(pkg2 + "/model.c").find("int pwned"), Text(pkg2 + "/model.c").find("*\\057 int pwned") + 6);
  ExpectNoPwned(f.dir);
}

// CText and MakeText hold for every byte: gcc (C99, trigraphs on, -Werror)
// sees the text in a comment and as a string equal to the original, and make
// sees it in a comment and as a variable without running anything.
TEST(RobustCodegenFiles, EscapedTextRoundTripsThroughGccAndMake) {
  for (const char* tool : {"gcc", "make"}) ASSERT_TRUE(test::HaveProgram(tool)) << tool << " not found";
  const std::string dir = FreshDir("codegen_escape");
  std::string every;
  for (int c = 1; c < 256; ++c) every += static_cast<char>(c);
  const std::vector<std::string> texts = {every,
                                          "*/",
                                          "/*",
                                          "a*/b/*c",
                                          "?\?/",
                                          "??\?=",
                                          "x\\",
                                          "\\",
                                          "\"",
                                          "//x",
                                          "$(shell touch PWNED)",
                                          "a\n$(shell touch PWNED)\n",
                                          "#",
                                          "\\\n"};
  std::string c = "#include <stdio.h>\n";
  std::string mk;
  for (size_t i = 0; i < texts.size(); ++i) {
    c += "/* " + codegen::CText(texts[i]) + " */\n";
    c += "static const char t" + std::to_string(i) + "[] = \"" + codegen::CText(texts[i]) + "\";\n";
    mk += "# " + codegen::MakeText(texts[i]) + "\n";
    mk += "T" + std::to_string(i) + " = " + codegen::MakeText(texts[i]) + "\n";
  }
  c += "int main(void) {\n";
  for (size_t i = 0; i < texts.size(); ++i)
    c += "  fwrite(t" + std::to_string(i) + ", 1, sizeof t" + std::to_string(i) + " - 1, stdout); putchar(0);\n";
  c += "  return 0;\n}\n";
  for (size_t i = 0; i < texts.size(); ++i) mk += "$(info $(T" + std::to_string(i) + "))\n";
  mk += "all: ;@:\n";
  test::WriteFile(dir + "/t.c", std::vector<uint8_t>(c.begin(), c.end()));
  test::WriteFile(dir + "/Makefile", std::vector<uint8_t>(mk.begin(), mk.end()));

  const std::string q = test::ShellQuote(dir);
  const test::ShellResult cc =
      test::RunShell("gcc -std=c99 -trigraphs -Wall -Wextra -Wpedantic -Werror -o " + q + "/t " + q + "/t.c");
  ASSERT_EQ(cc.exit_code, 0) << cc.out;
  const test::ShellResult run = test::RunShell(q + "/t > " + q + "/t.out");
  ASSERT_EQ(run.exit_code, 0);
  std::string expected;
  for (const std::string& t : texts) expected += t + std::string(1, '\0');
  EXPECT_TRUE(Text(dir + "/t.out") == expected) << "a string literal differs from its text";

  const test::ShellResult m = test::RunShell("cd " + q + " && make -s");
  EXPECT_EQ(m.exit_code, 0) << m.out;
  std::string expected_make;  // what MakeText keeps, "$" once $$ is expanded
  for (const std::string& t : texts) {
    for (const char ch : t) {
      const auto u = static_cast<unsigned char>(ch);
      expected_make += (u < 0x20 || u >= 0x7f || ch == '#' || ch == '\\') ? '?' : ch;
    }
    expected_make += '\n';
  }
  EXPECT_TRUE(m.out == expected_make) << m.out << "\nexpected:\n" << expected_make;
  ExpectNoPwned(dir);
}

}  // namespace
}  // namespace msf
