// SPDX-License-Identifier: MIT
// A package as firmware uses it: its CMakeLists.txt builds the model and
// the runtime as the library msf_model for a firmware's own CMake project
// (add_subdirectory), and with --arena extern the firmware owns the arena.
// Both give the fused executor's output bytes.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "codegen/codegen.h"
#include "codegen/codegen_test_util.h"
#include "exec/fused_executor.h"
#include "frontend/model_input.h"
#include "frontend/model_loader.h"
#include "support/test_support.h"

namespace msf {
namespace {

struct Built {
  codegen::Package package;
  std::string dir;
  std::vector<int8_t> expected;
};

Built Generate(codegen::Target target, codegen::ArenaOwner arena, const std::string& name) {
  const ir::Graph g = frontend::LoadModel("zoo:mcunet-vww-5fps-r80");
  const plan::Plan plan = test::MakeCodegenPlan(g, "min_ram");
  Built b;
  codegen::Options o;
  o.target = target;
  o.arena = arena;
  o.input = frontend::PatternInput(g);
  o.model_label = "zoo";
  o.plan_label = "min_ram";
  b.package = codegen::Generate(g, plan, o);
  b.expected = exec::RunPlan(g, plan, *o.input).output;
  b.dir = test::TempPath(name);
  std::filesystem::remove_all(b.dir);
  return b;
}

std::string FileText(const codegen::Package& p, const std::string& path) {
  const codegen::File* f = test::FindPackageFile(p, path);
  return f != nullptr ? f->text : "";
}

TEST(CodegenPackage, ExternArenaIsTheCallersAndDeclaredInTheHeader) {
  const Built s = Generate(codegen::Target::kHost, codegen::ArenaOwner::kStatic, "cg_static");
  const Built e = Generate(codegen::Target::kHost, codegen::ArenaOwner::kExtern, "cg_extern");
  EXPECT_NE(FileText(s.package, "model.c").find("static uint8_t arena["), std::string::npos);
  EXPECT_EQ(FileText(e.package, "model.c").find("static uint8_t arena["), std::string::npos);
  const std::string header = FileText(e.package, "model.h");
  EXPECT_NE(header.find("int msf_model_invoke(const int8_t *in, int8_t *out, uint8_t *arena);"), std::string::npos);
  EXPECT_NE(header.find("#define MSF_MODEL_ARENA_EXTERN 1"), std::string::npos);
  EXPECT_NE(header.find("#define MSF_MODEL_ARENA_ALIGN 4u"), std::string::npos);
  EXPECT_NE(header.find("#define MSF_MODEL_ARENA_BYTES " + std::to_string(e.package.arena_bytes)), std::string::npos);
  EXPECT_THROW(codegen::ParseArenaOwner("heap"), Error);
}

// The library through add_subdirectory, linked with the host harness as the
// firmware's own executable, which owns the arena (--arena extern; the
// static arena's package is what every Makefile test builds).
TEST(CodegenPackage, CMakeLibraryBuildsIntoAFirmwareProject) {
  if (!test::HaveProgram("cmake") || !test::HaveProgram("gcc")) GTEST_SKIP() << "cmake or gcc missing";
  for (const codegen::ArenaOwner arena : {codegen::ArenaOwner::kExtern}) {
    const bool ext = arena == codegen::ArenaOwner::kExtern;
    Built b = Generate(codegen::Target::kHost, arena, ext ? "cg_cmake_extern" : "cg_cmake_static");
    const std::string pkg = b.dir + "/pkg";
    std::filesystem::create_directories(b.dir);
    codegen::WritePackage(b.package, pkg);
    std::ofstream(b.dir + "/CMakeLists.txt") << "cmake_minimum_required(VERSION 3.13)\n"
                                                "project(firmware C)\n"
                                                "add_subdirectory(pkg)\n"
                                                "add_executable(firmware pkg/main.c)\n"
                                                "target_link_libraries(firmware PRIVATE msf_model)\n";
    const std::string build = test::ShellQuote(b.dir + "/build");
    const test::ShellResult configure =
        test::RunShell("cmake -S " + test::ShellQuote(b.dir) + " -B " + build + " -DCMAKE_BUILD_TYPE=Release" +
                       (test::HaveProgram("ninja") ? " -G Ninja" : ""));
    ASSERT_EQ(configure.exit_code, 0) << configure.out;
    // CMake passes absolute paths: relative to this folder, the tests' compiler
    // cache (support/test_support.cc) hits across runs.
    const test::ShellResult make =
        test::RunShell("CCACHE_BASEDIR=" + test::ShellQuote(b.dir) + " cmake --build " + build + " -j 2");
    ASSERT_EQ(make.exit_code, 0) << make.out;
    const test::ShellResult run = test::RunShell(build + "/firmware");
    ASSERT_EQ(run.exit_code, 0) << run.out;
    const test::RunLines lines = test::ParseRunLines(run.out);
    ASSERT_EQ(lines.output_lines, 1) << run.out;
    EXPECT_EQ(test::HexBytes(lines.output), test::HexBytes(std::vector<uint8_t>(b.expected.begin(), b.expected.end())))
        << (ext ? "extern arena" : "static arena");
    if (!HasFailure()) std::filesystem::remove_all(b.dir);
  }
}

// On a bare-metal target the harness passes its own arena: same bytes in QEMU.
TEST(CodegenPackage, ExternArenaRunsOnCortexM4) {
  for (const char* tool : {"make", "arm-none-eabi-gcc", "qemu-system-arm"}) {
    ASSERT_TRUE(test::HaveProgram(tool)) << tool << " is missing: run tools/install-mcu-deps.sh";
  }
  Built b = Generate(codegen::Target::kCortexM4, codegen::ArenaOwner::kExtern, "cg_extern_m4");
  codegen::WritePackage(b.package, b.dir);
  const std::string make = "make -s --no-print-directory -C " + test::ShellQuote(b.dir);
  const test::ShellResult build = test::RunShell(make + " -j2");
  ASSERT_EQ(build.exit_code, 0) << build.out;
  const test::ShellResult run = test::RunShell(make + " run");
  ASSERT_EQ(run.exit_code, 0) << run.out;
  const test::RunLines lines = test::ParseRunLines(run.out);
  ASSERT_EQ(lines.output_lines, 1) << run.out;
  EXPECT_EQ(test::HexBytes(lines.output), test::HexBytes(std::vector<uint8_t>(b.expected.begin(), b.expected.end())));
  EXPECT_GE(std::stoll(lines.stats.at("ram_static")), b.package.arena_bytes);
  if (!HasFailure()) std::filesystem::remove_all(b.dir);
}

// The generated Makefile rebuilds its objects when the flags change:
// `make run INPUT_IN_RAM=1` after `make` counts the input in static RAM,
// and a plain `make run` afterwards gives the first figures back.
TEST(CodegenPackage, MakeFlagsChangeRebuildsTheObjects) {
  for (const char* tool : {"make", "cmp", "arm-none-eabi-gcc", "qemu-system-arm"}) {
    ASSERT_TRUE(test::HaveProgram(tool)) << tool << " is missing: run tools/install-mcu-deps.sh";
  }
  Built b = Generate(codegen::Target::kCortexM4, codegen::ArenaOwner::kStatic, "cg_flags_m4");
  codegen::WritePackage(b.package, b.dir);
  const std::string make = "make -s --no-print-directory -C " + test::ShellQuote(b.dir);
  ASSERT_EQ(test::RunShell(make + " -j2").exit_code, 0);
  auto static_ram = [&](const std::string& args) {
    const test::ShellResult run = test::RunShell(make + " run" + args);
    EXPECT_EQ(run.exit_code, 0) << run.out;
    const test::RunLines lines = test::ParseRunLines(run.out);
    EXPECT_EQ(test::HexBytes(lines.output), test::HexBytes(std::vector<uint8_t>(b.expected.begin(), b.expected.end())));
    return lines.stats.count("ram_static") ? std::stoll(lines.stats.at("ram_static")) : -1;
  };
  const long long resident_in_flash = static_ram("");
  const long long input_in_ram = static_ram(" INPUT_IN_RAM=1");
  EXPECT_GE(input_in_ram - resident_in_flash, 80 * 80 * 3) << "the 80x80x3 input buffer is not in static RAM";
  EXPECT_EQ(static_ram(""), resident_in_flash);
  if (!HasFailure()) std::filesystem::remove_all(b.dir);
}

}  // namespace
}  // namespace msf
