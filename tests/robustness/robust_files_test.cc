// SPDX-License-Identifier: MIT
// Files msf writes and reads (docs/errors.md, guarantees 3-6): one safe
// writing routine for every output (unique exclusive temporary, fsync,
// rename; special files written in place), inputs never overwritten, input
// files stat-ed and size-limited before they are read.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "codegen/codegen_test_util.h"
#include "cost/latency_model.h"
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

// ---------------------------------------------------------------------------
// Writing outputs

// The old routine wrote to the fixed name OUT.msf-tmp: a user's file of that
// name was lost on success, and deleted by a failing run.
TEST(RobustFiles, AUsersFileNamedLikeTheOldTemporarySurvives) {
  const Files f = MakeFiles(FreshDir("files_user_tmp"));
  const std::string out = f.dir + "/out.bin", json = f.dir + "/run.json", plan = f.dir + "/p2.json";
  for (const std::string& p : {out, json, plan}) test::WriteFile(p + ".msf-tmp", {'m', 'i', 'n', 'e'});
  ASSERT_EQ(
      test::RunCli({"run", f.model, "--input", f.input, "--output", out, "--plan", f.plan, "--json", json}).exit_code,
      0);
  ASSERT_EQ(test::RunCli({"plan", f.model, "--min-ram", "--json", plan}).exit_code, 0);
  for (const std::string& p : {out, json, plan}) {
    EXPECT_EQ(Text(p + ".msf-tmp"), "mine") << p << ".msf-tmp was overwritten";
    EXPECT_TRUE(fs::is_regular_file(p));
  }
  // A run that fails to write (the output is a directory) leaves X.msf-tmp too.
  const std::string dir_out = f.dir + "/adir";
  fs::create_directories(dir_out);
  test::WriteFile(dir_out + ".msf-tmp", {'m', 'i', 'n', 'e'});
  ExpectRefused({"run", f.model, "--input", f.input, "--output", dir_out}, "adir: cannot write output file",
                {f.model, f.input, dir_out + ".msf-tmp"}, {});
  EXPECT_EQ(Text(dir_out + ".msf-tmp"), "mine");
}

// A symbolic link planted where the old routine put its temporary file
// redirected the write into any file.
TEST(RobustFiles, APlantedSymlinkAtATemporaryNameIsNotFollowed) {
  const Files f = MakeFiles(FreshDir("files_symlink_tmp"));
  const std::string victim = f.dir + "/victim.txt", out = f.dir + "/out.bin";
  test::WriteFile(victim, {'s', 'a', 'f', 'e'});
  fs::create_symlink(victim, out + ".msf-tmp");
  ASSERT_EQ(test::RunCli({"run", f.model, "--input", f.input, "--output", out}).exit_code, 0);
  EXPECT_EQ(Text(victim), "safe");
  EXPECT_TRUE(IsSymlink(out + ".msf-tmp"));
  EXPECT_FALSE(IsSymlink(out));
  EXPECT_EQ(test::ReadFile(out).size(), 4u);
}

// No temporary file is left beside an output, after success or failure.
TEST(RobustFiles, NoTemporaryIsLeftBehind) {
  const Files f = MakeFiles(FreshDir("files_no_tmp"));
  const std::string out = f.dir + "/out.bin";
  const std::set<std::string> before = Names(f.dir);
  ASSERT_EQ(test::RunCli({"run", f.model, "--input", f.input, "--output", out}).exit_code, 0);
  ASSERT_EQ(test::RunCli({"run", f.model, "--input", f.input, "--output", out}).exit_code, 0);  // over an existing one
  ExpectRefused({"run", f.model, "--input", f.input, "--output", out, "--plan", f.plan, "--ram-limit", "10"},
                "over --ram-limit 10", {f.model, f.input, f.plan, out}, {});
  std::set<std::string> expected = before;
  expected.insert("out.bin");
  EXPECT_EQ(Names(f.dir), expected);
}

// A replaced output keeps its permissions; a symbolic link to an output stays
// a link and the file it points to gets the new contents.
TEST(RobustFiles, ReplacedOutputsKeepTheirModeAndLinks) {
  const Files f = MakeFiles(FreshDir("files_mode_link"));
  const std::string out = f.dir + "/out.bin", real = f.dir + "/real.bin", link = f.dir + "/link.bin";
  test::WriteFile(out, {'o', 'l', 'd'});
  ASSERT_EQ(chmod(out.c_str(), 0640), 0);
  ASSERT_EQ(test::RunCli({"run", f.model, "--input", f.input, "--output", out}).exit_code, 0);
  struct stat st {};
  ASSERT_EQ(stat(out.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0640u);
  test::WriteFile(real, {'o', 'l', 'd'});
  fs::create_symlink("real.bin", link);
  ASSERT_EQ(test::RunCli({"run", f.model, "--input", f.input, "--output", link}).exit_code, 0);
  EXPECT_TRUE(IsSymlink(link));
  EXPECT_EQ(test::ReadFile(real), test::ReadFile(out));
}

// Outputs that are not regular files are written in place, never replaced:
// a FIFO, a link to /dev/null, a link to our own stdout (what /dev/stdout is).
TEST(RobustFiles, SpecialFilesAreWrittenInPlaceNeverReplaced) {
  const Files f = MakeFiles(FreshDir("files_special"));
  const std::string fifo = f.dir + "/fifo", captured = f.dir + "/captured.json";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  const std::string msf = test::ShellQuote(MSF_CLI_PATH);
  // (timeout: should msf not open the FIFO, its reader would wait forever)
  const test::ShellResult r = test::RunShell(
      "timeout 20 cat " + test::ShellQuote(fifo) + " > " + test::ShellQuote(captured) + " & " + msf + " plan " +
      test::ShellQuote(f.model) + " --min-ram --json " + test::ShellQuote(fifo) + " >/dev/null; s=$?; wait; exit $s");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  struct stat st {};
  ASSERT_EQ(lstat(fifo.c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode)) << "the FIFO was replaced";
  EXPECT_EQ(Text(captured), Text(f.plan)) << "the plan did not go through the FIFO";

  const std::string null_link = f.dir + "/null";
  fs::create_symlink("/dev/null", null_link);
  EXPECT_EQ(test::RunCli({"plan", f.model, "--min-ram", "--json", null_link}).exit_code, 0);
  EXPECT_TRUE(IsSymlink(null_link)) << "the link to /dev/null was replaced";

  // Like /dev/stdout (-> /proc/self/fd/1) while stdout goes to a file.
  const std::string stdout_link = f.dir + "/stdout";
  fs::create_symlink("/proc/self/fd/1", stdout_link);
  const test::CliResult out = test::RunCli({"plan", f.model, "--min-ram", "--json", stdout_link});
  EXPECT_EQ(out.exit_code, 0) << out.err;
  EXPECT_TRUE(IsSymlink(stdout_link)) << "the link to stdout was replaced";
  EXPECT_NE(out.out.find(Text(f.plan)), std::string::npos) << "the plan is not on stdout:\n" << out.out;
  EXPECT_EQ(out.out.find(Text(f.plan)) + Text(f.plan).size(), out.out.size()) << "printed text after the JSON";
  if (HasFailure()) return;  // the real device paths only once the links are known to be safe

  for (const char* device : {"/dev/null", "/dev/stdout", "/dev/stderr"}) {
    const test::CliResult d = test::RunCli({"plan", f.model, "--min-ram", "--json", device});
    EXPECT_EQ(d.exit_code, 0) << device << ": " << d.err;
    ASSERT_EQ(lstat(device, &st), 0);
    EXPECT_FALSE(S_ISREG(st.st_mode)) << device << " was replaced by a regular file";
  }
  const test::CliResult d = test::RunCli({"plan", f.model, "--min-ram", "--json", "/dev/stdout"});
  EXPECT_NE(d.out.find(Text(f.plan)), std::string::npos) << d.out;
  // Reading stdin and writing stdout is not "an output that is an input".
  const test::ShellResult pipe =
      test::RunShell(msf + " run " + test::ShellQuote(f.model) + " --input /dev/stdin --output /dev/stdout < " +
                     test::ShellQuote(f.input) + " | head -c 4 | wc -c");
  EXPECT_EQ(pipe.exit_code, 0) << pipe.out;
  EXPECT_EQ(pipe.out, "4\n");
}

// Six processes write one output 30 times each: all succeed, the result is
// one complete write, nothing is left beside it. (The fixed temporary name
// made 10 of 180 writers fail with "cannot write file".)
TEST(RobustFiles, ConcurrentWritersAllSucceedWithOneCompleteFile) {
  const Files f = MakeFiles(FreshDir("files_concurrent"));
  const std::string msf = test::ShellQuote(MSF_CLI_PATH);
  const std::string json = f.dir + "/same.json", bin = f.dir + "/same.bin", log = f.dir + "/failures.log";
  const std::string plan_cmd =
      msf + " plan " + test::ShellQuote(f.model) + " --min-ram --json " + test::ShellQuote(json);
  const std::string run_cmd = msf + " run " + test::ShellQuote(f.model) + " --input " + test::ShellQuote(f.input) +
                              " --output " + test::ShellQuote(bin);
  const std::string one_writer = "for i in $(seq 30); do " + plan_cmd + " >/dev/null 2>>" + test::ShellQuote(log) +
                                 " || echo plan-failed >>" + test::ShellQuote(log) + "; " + run_cmd +
                                 " >/dev/null 2>>" + test::ShellQuote(log) + " || echo run-failed >>" +
                                 test::ShellQuote(log) + "; done";
  std::string all;
  for (int p = 0; p < 6; ++p) all += "(" + one_writer + ") & ";
  const test::ShellResult r = test::RunShell(all + "wait");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(Text(log), "") << "some writers failed";
  EXPECT_EQ(Text(json), Text(f.plan));
  const std::string single = f.dir + "/single.bin";
  ASSERT_EQ(test::RunCli({"run", f.model, "--input", f.input, "--output", single}).exit_code, 0);
  EXPECT_EQ(test::ReadFile(bin), test::ReadFile(single));
  EXPECT_EQ(Names(f.dir), (std::set<std::string>{"model.tflite", "in.bin", "plan.json", "same.json", "same.bin",
                                                 "failures.log", "single.bin"}));
}

// An output that is an input under another name: a symbolic link, a path
// with "..", a hard link; and outputs named twice.
TEST(RobustFiles, OutputsThatAreInputsUnderOtherNamesAreRefused) {
  const Files f = MakeFiles(FreshDir("files_same"));
  const std::vector<std::string> inputs = {f.model, f.input, f.plan};
  const std::string sym = f.dir + "/sym.bin";
  fs::create_symlink("in.bin", sym);
  ExpectRefused({"run", f.model, "--input", f.input, "--output", sym}, "is also an input file", inputs, {});
  ExpectRefused({"run", f.model, "--input", f.input, "--output",
                 f.dir + "/../" + fs::path(f.dir).filename().string() + "/./in.bin"},
                "is also an input file", inputs, {});
  ExpectRefused({"run", f.model, "--input", sym, "--output", f.input}, "is also an input file", inputs, {});
  const std::string samples = f.dir + "/samples.csv";
  test::WriteFile(samples, {'b', '\n'});
  ExpectRefused({"calibrate", "--target", "rv32imac", "--reuse", samples, "--out", samples}, "is also an input file",
                {samples}, {});
  ExpectRefused({"calibrate", "--target", "rv32imac", "--measure-missing"}, "--measure-missing needs --reuse", {}, {});
  ExpectRefused({"report", "paper", "--out", f.dir + "/report", "--reuse", samples, "--samples", samples},
                "is also an input file", {samples}, {});
  const std::string m4 = f.dir + "/m4.json";
  const std::string m4_json = cost::LatencyModelToJson(cost::BuiltinLatencyModel("cortex-m4"));
  test::WriteFile(m4, std::vector<uint8_t>(m4_json.begin(), m4_json.end()));
  ExpectRefused({"report", "paper", "--out", f.dir + "/report", "--calibration", m4, "--samples", m4},
                "is also an input file", {m4}, {});
  ExpectRefused({"report", "paper", "--out", f.dir + "/report", "--calibration", m4 + "," + m4},
                "--calibration: two models of cortex-m4", {m4}, {});
  ExpectRefused({"plan", f.model, "--min-ram", "--calibration", f.plan, "--json", f.plan}, "is also an input file",
                inputs, {});
  // One file for two outputs.
  const std::string both = f.dir + "/both.out";
  ExpectRefused({"run", f.model, "--input", f.input, "--output", both, "--plan", f.plan, "--json", both},
                "named by two output options", inputs, {both});
  ExpectRefused({"pareto", f.model, "--json", both, "--svg", f.dir + "/./both.out"}, "named by two output options",
                inputs, {both});
}

// ---------------------------------------------------------------------------
// Reading inputs

// Inputs are checked before they are read: a directory, a socket, an endless
// stream or a file larger than what it feeds is one error line, exit code 2.
TEST(RobustFiles, InputsAreCheckedBeforeTheyAreRead) {
  const Files f = MakeFiles(FreshDir("files_inputs"));
  const std::string out = f.dir + "/out.bin", pkg = f.dir + "/pkg";
  const std::vector<std::string> inputs = {f.model, f.input, f.plan};
  for (const std::string& dir : {f.dir, std::string("/")}) {
    ExpectRefused({"run", f.model, "--input", dir, "--output", out},
                  dir + ": cannot open input file (it is a directory)", inputs, {out});
    ExpectRefused({"run", f.model, "--input", f.input, "--output", out, "--plan", dir},
                  dir + ": cannot open plan file (it is a directory)", inputs, {out});
    ExpectRefused({"codegen", f.model, "--plan", f.plan, "--target", "host", "--out", pkg, "--embed-input", dir},
                  dir + ": cannot open input file (it is a directory)", inputs, {pkg});
    ExpectRefused({"plan", f.model, "--min-ram", "--calibration", dir},
                  "cannot open latency model file (it is a directory)", inputs, {});
  }
  // A socket is not a file.
  const std::string sock = f.dir + "/sock";
  const int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  ASSERT_LT(sock.size(), sizeof addr.sun_path);
  std::copy(sock.begin(), sock.end(), addr.sun_path);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ExpectRefused({"run", f.model, "--input", sock, "--output", out}, "sock: cannot open input file (it is a socket",
                inputs, {out});
  close(fd);

  // Larger than the tensor: refused by its size, or after size + 1 bytes of an
  // endless stream (which used to be read until memory ran out).
  const std::string big = f.dir + "/big.bin";
  test::WriteFile(big, std::vector<uint8_t>(1000, 1));
  ExpectRefused({"run", f.model, "--input", big, "--output", out},
                "big.bin: has 1000 bytes, the model input 1x8x8x3 needs 192", inputs, {out});
  ExpectRefused({"codegen", f.model, "--plan", f.plan, "--target", "host", "--out", pkg, "--embed-input", big},
                "big.bin: has 1000 bytes, the model input 1x8x8x3 needs 192", inputs, {pkg});
#if !defined(__SANITIZE_ADDRESS__)
  // Bound the address space, so that a regression fails instead of eating the machine's memory.
  const std::string limit = "ulimit -v 4000000; ";
#else
  const std::string limit;
#endif
  const std::string msf = test::ShellQuote(MSF_CLI_PATH);
  const std::vector<std::pair<std::string, std::string>> endless = {
      {"run " + test::ShellQuote(f.model) + " --input /dev/zero --output " + test::ShellQuote(out),
       "msf: error: /dev/zero: has more than 192 bytes, the model input 1x8x8x3 needs 192\n"},
      {"codegen " + test::ShellQuote(f.model) + " --plan " + test::ShellQuote(f.plan) + " --target host --out " +
           test::ShellQuote(pkg) + " --embed-input /dev/zero",
       "msf: error: /dev/zero: has more than 192 bytes, the model input 1x8x8x3 needs 192\n"},
      {"run " + test::ShellQuote(f.model) + " --input " + test::ShellQuote(f.input) + " --output " +
           test::ShellQuote(out) + " --plan /dev/zero",
       "msf: error: /dev/zero: has more than 67108864 bytes, more than a plan file may have (67108864)\n"},
  };
  for (const auto& [args, message] : endless) {
    const test::ShellResult r = test::RunShell(limit + msf + " " + args);
    EXPECT_EQ(r.exit_code, 2) << args;
    EXPECT_EQ(r.out, message) << args;
  }
  EXPECT_FALSE(fs::exists(out));
  EXPECT_FALSE(fs::exists(pkg));

  // Streams of the right size are fine: a FIFO as --input.
  const std::string fifo = f.dir + "/in.fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  const test::ShellResult ok =
      test::RunShell("timeout 20 sh -c 'cat \"$0\" > \"$1\"' " + test::ShellQuote(f.input) + " " +
                     test::ShellQuote(fifo) + " & " + msf + " run " + test::ShellQuote(f.model) + " --input " +
                     test::ShellQuote(fifo) + " --output " + test::ShellQuote(out) + "; s=$?; wait; exit $s");
  EXPECT_EQ(ok.exit_code, 0) << ok.out;
  EXPECT_EQ(test::ReadFile(out).size(), 4u);
}

}  // namespace
}  // namespace msf
