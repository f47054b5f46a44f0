// SPDX-License-Identifier: MIT
// End to end on every target: generate the package for a shared model and a
// plan, build it with the target's toolchain, run it (natively or under
// QEMU) and check the printed output bytes against the golden file, byte for
// byte, and the printed RAM against the planned arena.
//
// RAM overhead allowed above the planned arena (ram_total - arena):
//   bare metal: the output tensor + 1.5 KiB (the harness's line buffer and
//               counters, and the stack of startup + main + the patch loop
//               and kernels: about 0.9 KiB measured with the optimised
//               kernels, whose hot loops are functions of their own);
//               2 KiB on xtensa-lx106, whose Call0 ABI has 16 registers and
//               no register windows: the 3x3 depthwise kernel spills its
//               accumulators to an 848-byte frame (gcc -fstack-usage), and
//               the stack peaks at about 1.6 KiB;
//   host:       the input and output tensors (static copies in main.c) + 2 KiB
//               (C library start-up data and the stack below main).
// Tool chains are required: a missing one fails the test (CI installs them
// with tools/install-mcu-deps.sh). Missing shared models skip it.
#include <gtest/gtest.h>

#include <array>
#include <filesystem>
#include <sstream>

#include "codegen/codegen.h"
#include "codegen/codegen_test_util.h"
#include "frontend/model_loader.h"
#include "support/test_support.h"

namespace msf {
namespace {

constexpr int64_t kMcuOverheadBytes = 1536;
constexpr int64_t kXtensaOverheadBytes = 2048;
constexpr int64_t kHostOverheadBytes = 2048;

struct TargetCase {
  codegen::Target target;
  std::string model, input, expected;  // below the models dir
  std::string plan;                    // "min_ram" or "budget_64k"
  codegen::Optimize optimize = codegen::Optimize::kSpeed;
};

void PrintTo(const TargetCase& c, std::ostream* os) {
  *os << codegen::TargetName(c.target) << " " << c.model << " " << c.plan
      << (c.optimize == codegen::Optimize::kSize ? " --opt size" : "");
}

std::vector<TargetCase> Cases() {
  const std::vector<std::array<std::string, 3>> models = {
      {"person_detect/person_detect.tflite", "inputs/person_detect/person_96x96x1_int8.bin",
       "expected/person_detect__person.out.bin"},
      {"mcunet_vww/mcunet-5fps_vww.tflite", "inputs/vww/vww_person_80x80x3_int8.bin",
       "expected/mcunet-5fps_vww__vww_person.out.bin"},
      // float32 in, three float32 outputs (the golden file holds them in order), an FPN
      {"detection/detection.tflite", "inputs/detection/person_det_128x160x3_f32.bin",
       "expected/detection__person_det.out.bin"},
  };
  std::vector<TargetCase> cases;
  // Every model and plan on the host, an ARMv7E-M core with DSP, RISC-V.
  for (codegen::Target t : {codegen::Target::kHost, codegen::Target::kCortexM4, codegen::Target::kCortexM7,
                            codegen::Target::kRv32imac}) {
    for (const auto& m : models) {
      for (const char* plan : {"min_ram", "budget_64k"}) cases.push_back({t, m[0], m[1], m[2], plan});
    }
  }
  // The other cores run the same runtime paths (DSP on M33/M55, portable C on M0+ and the
  // lx106): the two classifiers' min-RAM plans, which also fit the micro:bit's 16 KiB of RAM.
  for (codegen::Target t : {codegen::Target::kCortexM0plus, codegen::Target::kCortexM33, codegen::Target::kCortexM55,
                            codegen::Target::kXtensaLx106}) {
    for (size_t m = 0; m < 2; ++m) cases.push_back({t, models[m][0], models[m][1], models[m][2], "min_ram"});
  }
  // The size-optimised build (-Os) on a DSP core and a portable one.
  for (codegen::Target t : {codegen::Target::kCortexM4, codegen::Target::kRv32imac}) {
    cases.push_back({t, models[0][0], models[0][1], models[0][2], "min_ram", codegen::Optimize::kSize});
  }
  return cases;
}

std::string CaseName(const ::testing::TestParamInfo<TargetCase>& info) {
  std::string model = std::filesystem::path(info.param.model).stem().string();
  std::string name = std::string(codegen::TargetName(info.param.target)) + "_" + model + "_" + info.param.plan +
                     (info.param.optimize == codegen::Optimize::kSize ? "_opt_size" : "");
  for (char& c : name) {
    if (!isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

// Programs the package's Makefile needs for `make run`.
std::vector<std::string> Toolchain(codegen::Target t) {
  switch (t) {
    case codegen::Target::kHost: return {"make", "gcc"};
    case codegen::Target::kCortexM0plus:
    case codegen::Target::kCortexM4:
    case codegen::Target::kCortexM7:
    case codegen::Target::kCortexM33:
    case codegen::Target::kCortexM55: return {"make", "arm-none-eabi-gcc", "arm-none-eabi-size", "qemu-system-arm"};
    case codegen::Target::kRv32imac:
      return {"make", "riscv64-unknown-elf-gcc", "riscv64-unknown-elf-size", "qemu-system-riscv32"};
    case codegen::Target::kXtensaLx106:
      return {"make", "xtensa-lx106-elf-gcc", "xtensa-lx106-elf-size", "qemu-system-xtensa"};
  }
  return {};
}

// .data + .bss of an ELF, from `size -A`.
int64_t DataPlusBss(const std::string& size_tool, const std::string& elf) {
  const test::ShellResult r = test::RunShell(size_tool + " -A " + test::ShellQuote(elf));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  int64_t total = 0;
  std::istringstream in(r.out);
  std::string name;
  int64_t size = 0;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    if (words >> name >> size && (name == ".data" || name == ".bss")) total += size;
  }
  return total;
}

class CodegenTargets : public ::testing::TestWithParam<TargetCase> {};

TEST_P(CodegenTargets, GoldenOutputAndPlannedRamOnTheTarget) {
  MSF_REQUIRE_MODELS();
  const TargetCase& c = GetParam();
  for (const std::string& tool : Toolchain(c.target)) {
    ASSERT_TRUE(test::HaveProgram(tool)) << tool << " is missing: run tools/install-mcu-deps.sh";
  }
  const std::string models = test::ModelsDir() + "/";
  const ir::Graph g = frontend::LoadModel(models + c.model);
  const plan::Plan plan = test::MakeCodegenPlan(g, c.plan);
  const std::vector<uint8_t> raw = test::ReadFile(models + c.input);
  const std::vector<uint8_t> expected = test::ReadFile(models + c.expected);
  ASSERT_FALSE(expected.empty());

  codegen::Options o;
  o.target = c.target;
  o.input = std::vector<int8_t>(raw.begin(), raw.end());
  o.model_label = std::filesystem::path(c.model).filename().string();
  o.plan_label = c.plan;
  o.optimize = c.optimize;
  const codegen::Package p = codegen::Generate(g, plan, o);
  const std::string dir = test::TempPath("codegen_" + CaseName({GetParam(), 0}));
  std::filesystem::remove_all(dir);
  codegen::WritePackage(p, dir);

  const test::ShellResult run = test::BuildAndRunPackage(dir);
  ASSERT_EQ(run.exit_code, 0) << run.out;

  const test::RunLines lines = test::ParseRunLines(run.out);
  ASSERT_EQ(lines.output_lines, 1) << run.out;
  ASSERT_EQ(lines.stats_lines, 1) << run.out;
  EXPECT_EQ(test::HexBytes(lines.output), test::HexBytes(expected)) << "output differs from " << c.expected;

  for (const char* key : {"ram_static", "ram_stack", "ram_total", "instructions"}) {
    ASSERT_EQ(lines.stats.count(key), 1u) << key << " missing in: " << run.out;
  }
  const int64_t ram_static = std::stoll(lines.stats.at("ram_static"));
  const int64_t ram_stack = std::stoll(lines.stats.at("ram_stack"));
  const int64_t ram_total = std::stoll(lines.stats.at("ram_total"));
  EXPECT_GE(ram_static, p.arena_bytes) << "the static RAM must hold the planned arena";
  EXPECT_GT(ram_stack, 0);
  EXPECT_EQ(ram_total, ram_static + ram_stack);
  const bool host = c.target == codegen::Target::kHost;
  const int64_t allowed = host ? p.input_bytes + p.output_bytes + kHostOverheadBytes
                               : p.output_bytes + (c.target == codegen::Target::kXtensaLx106 ? kXtensaOverheadBytes
                                                                                            : kMcuOverheadBytes);
  EXPECT_LE(ram_total - p.arena_bytes, allowed)
      << "ram_total " << ram_total << " vs planned arena " << p.arena_bytes;
  if (host) {
    EXPECT_EQ(lines.stats.at("instructions"), "NA");
  } else {
    EXPECT_GT(std::stoll(lines.stats.at("instructions")), 0);
    const std::string size_tool = c.target == codegen::Target::kRv32imac      ? "riscv64-unknown-elf-size"
                                  : c.target == codegen::Target::kXtensaLx106 ? "xtensa-lx106-elf-size"
                                                                              : "arm-none-eabi-size";
    EXPECT_EQ(DataPlusBss(size_tool, dir + "/build/model.elf"), ram_static) << "ram_static is .data + .bss";
    // Flash next to RAM: code and constant data (weights, tables, the embedded input).
    for (const char* key : {"flash_text", "flash_rodata"}) {
      ASSERT_EQ(lines.stats.count(key), 1u) << key << " missing in: " << run.out;
    }
    EXPECT_GT(std::stoll(lines.stats.at("flash_text")), 1000);
    EXPECT_GT(std::stoll(lines.stats.at("flash_rodata")), p.input_bytes) << "the weights and the embedded input";
    const std::vector<uint8_t> mk = test::ReadFile(dir + "/Makefile");
    const std::string makefile(mk.begin(), mk.end());
    EXPECT_NE(makefile.find(c.optimize == codegen::Optimize::kSize ? "OPT       = -Os" : "OPT       = -O2"),
              std::string::npos);
  }
  if (!HasFailure()) std::filesystem::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(SharedModels, CodegenTargets, ::testing::ValuesIn(Cases()), CaseName);

}  // namespace
}  // namespace msf
