// SPDX-License-Identifier: MIT
// The optimised runtime kernels equal their *_ref byte for byte on the MCU
// targets, under QEMU. The host suite (tests/runtime/fast_kernels_test.cc)
// never compiles the Arm DSP paths (__ARM_FEATURE_DSP: SMLAD, SXTB16,
// SXTAB16, SMLABB, SSAT); this builds tests/mcu_kernels/mcu_kernels.c with
// runtime/src/*.c at -O2 for cortex-m4, cortex-m7 (DSP) and rv32imac
// (portable C, 32-bit bare metal) through tests/mcu_kernels/Makefile, in a
// fresh temp directory, runs it and requires exit status 0 and the expected
// number of checked cases. On failure the build directory is kept and its
// path printed; the harness prints each failing case's parameters.
//
// A missing cross compiler or QEMU skips the test (`make test` installs
// them with tools/install-mcu-deps.sh). MSF_MCU_KERNELS_RUNTIME=<dir> tests
// another runtime tree instead of this checkout's runtime/ (used to check
// that a planted bug in a copy is caught).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "codegen/codegen_test_util.h"

namespace msf {
namespace {

// At least this many cases per kernel family (mcu_kernels.c runs more: the
// N_* defaults plus the directed conv / depthwise shapes); a harness that
// silently stops early fails.
const std::map<std::string, int64_t> kMinCases = {
    {"conv", 600},    {"depthwise", 600}, {"fc", 400},      {"avgpool", 250},
    {"maxpool", 250}, {"add", 250},       {"softmax", 200},
};
constexpr int64_t kMinCalls = 10000;  // kernel pairs (ref + optimised) compared

struct McuTarget {
  const char* name;  // TARGET of the Makefile
  const char* cc;
  const char* qemu;
  int dsp;  // expected __ARM_FEATURE_DSP of the build
};

// key=value pairs of the harness's "mcu_kernels:" summary lines.
std::map<std::string, int64_t> Summary(const std::string& out) {
  std::map<std::string, int64_t> kv;
  std::istringstream lines(out);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("mcu_kernels:", 0) != 0) continue;
    std::istringstream words(line.substr(12));
    std::string w;
    while (words >> w) {
      const size_t eq = w.find('=');
      if (eq != std::string::npos) kv[w.substr(0, eq)] = std::stoll(w.substr(eq + 1));
    }
  }
  return kv;
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

void RunOnTarget(const McuTarget& t) {
  for (const char* tool : {"make", "timeout", t.cc, t.qemu}) {
    if (!test::HaveProgram(tool))
      GTEST_SKIP() << tool << " not found: the " << t.name
                   << " kernel check needs it (tools/install-mcu-deps.sh installs it)";
  }
  const std::string src = MSF_SOURCE_DIR;
  const char* env_rt = std::getenv("MSF_MCU_KERNELS_RUNTIME");
  const std::string runtime = env_rt && *env_rt ? env_rt : src + "/runtime";
  ASSERT_TRUE(std::filesystem::is_directory(runtime + "/src")) << runtime;

  std::string tmpl = (std::filesystem::temp_directory_path() /
                      ("msf_mcu_kernels_" + std::string(t.name) + "_XXXXXX"))
                         .string();
  ASSERT_NE(mkdtemp(tmpl.data()), nullptr) << "mkdtemp " << tmpl;
  const std::string build = tmpl;
  struct KeepOnFailure {  // removes the build directory unless the test failed
    std::string dir;
    ~KeepOnFailure() {
      if (::testing::Test::HasFailure())
        std::cout << "build kept in " << dir << "\n";
      else
        std::filesystem::remove_all(dir);
    }
  } keep{build};

  const std::string make = "make -s --no-print-directory -f " +
                           test::ShellQuote(src + "/tests/mcu_kernels/Makefile") +
                           " TARGET=" + t.name + " BUILD=" + test::ShellQuote(build) +
                           " RUNTIME=" + test::ShellQuote(runtime);
  const auto t0 = std::chrono::steady_clock::now();
  const test::ShellResult b = test::RunShell(make + " -j2");
  const double build_s = Seconds(t0);
  ASSERT_EQ(b.exit_code, 0) << "build failed:\n" << b.out;
  const auto t1 = std::chrono::steady_clock::now();
  const test::ShellResult r = test::RunShell(make + " QEMU_TIMEOUT=60 run");
  const double run_s = Seconds(t1);

  EXPECT_EQ(r.exit_code, 0) << "optimised != reference on " << t.name
                            << " (exit 1: mismatch, 99: processor fault, 124: timeout):\n"
                            << r.out;
  const std::map<std::string, int64_t> s = Summary(r.out);
  ASSERT_EQ(s.count("failures"), 1u) << "no summary line:\n" << r.out;
  EXPECT_EQ(s.at("failures"), 0);
  EXPECT_EQ(s.at("dsp"), t.dsp) << "__ARM_FEATURE_DSP of the " << t.name << " build";
  EXPECT_GE(s.at("calls"), kMinCalls);
  // The narrow requantisation (SMMULR on the DSP cores) must be exercised.
  ASSERT_EQ(s.count("narrow"), 1u) << "no narrow count in:\n" << r.out;
  EXPECT_GE(s.at("narrow"), 100) << "conv / depthwise cases with MSF_REQUANT_NARROW";
  // So must the host-widened weights of the stem and 1x1 over K = 8, 16 (and their absence).
  ASSERT_EQ(s.count("wide"), 1u) << "no wide count in:\n" << r.out;
  EXPECT_GE(s.at("wide"), 30) << "conv cases with msf_conv_params.wide_weights";
  for (const auto& [kind, min] : kMinCases) {
    ASSERT_EQ(s.count(kind), 1u) << kind << " missing in:\n" << r.out;
    EXPECT_GE(s.at(kind), min) << kind << " cases";
  }
  std::cout << "[ " << t.name << " ] " << s.at("cases") << " cases (" << s.at("narrow") << " narrow), " << s.at("calls")
            << " kernel pairs; build " << build_s << " s, QEMU " << run_s << " s\n";
  if (::testing::Test::HasFailure()) std::cout << "re-run: " << make << " run\n";
}

TEST(McuKernels, CortexM4) {
  RunOnTarget({"cortex-m4", "arm-none-eabi-gcc", "qemu-system-arm", 1});
}
TEST(McuKernels, CortexM7) {
  RunOnTarget({"cortex-m7", "arm-none-eabi-gcc", "qemu-system-arm", 1});
}
TEST(McuKernels, Rv32imac) {
  RunOnTarget({"rv32imac", "riscv64-unknown-elf-gcc", "qemu-system-riscv32", 0});
}

}  // namespace
}  // namespace msf
