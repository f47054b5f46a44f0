// SPDX-License-Identifier: MIT
// The generated package: complete and deterministic for every target; on the
// host it builds warning-free (-Wall -Wextra -Wpedantic -Werror) and computes
// exactly what the fused executor computes from the same plan; bad input is
// one error line.
#include "codegen/codegen.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "codegen/codegen_test_util.h"
#include "codegen/target_info.h"
#include "base/error.h"
#include "exec/fused_executor.h"
#include "frontend/model_loader.h"
#include "ir/graph_builder.h"
#include "support/test_support.h"

namespace msf {
namespace {

constexpr const char* kZooModel = "zoo:mcunet-vww-5fps-r80";

std::set<std::string> Paths(const codegen::Package& p) {
  std::set<std::string> paths;
  for (const codegen::File& f : p.files) paths.insert(f.path);
  return paths;
}

const std::string& Text(const codegen::Package& p, const std::string& path) {
  const codegen::File* f = test::FindPackageFile(p, path);
  if (f == nullptr) throw Error("no file " + path);
  return f->text;
}

std::vector<int8_t> PatternInput(int64_t n, int seed) {
  std::vector<int8_t> v(static_cast<size_t>(n));
  uint32_t x = 0x9E3779B9u * static_cast<uint32_t>(seed + 1);
  for (int8_t& b : v) {
    x = x * 1664525u + 1013904223u;
    b = static_cast<int8_t>(x >> 24);
  }
  return v;
}

void RequireHostTools() {
  for (const char* tool : {"gcc", "make"}) {
    if (!test::HaveProgram(tool)) FAIL() << tool << " not found: run tools/install-deps.sh";
  }
}

TEST(CodegenPackage, EveryTargetGetsACompleteDeterministicPackage) {
  const ir::Graph g = frontend::LoadModel(kZooModel);
  const plan::Plan plan = test::MakeCodegenPlan(g, "min_ram");
  for (codegen::Target target : codegen::AllTargets()) {
    SCOPED_TRACE(codegen::TargetName(target));
    codegen::Options o;
    o.target = target;
    o.model_label = "m";
    o.plan_label = "p";
    const codegen::Package a = codegen::Generate(g, plan, o);
    const codegen::Package b = codegen::Generate(g, plan, o);
    ASSERT_EQ(a.files.size(), b.files.size());
    for (size_t i = 0; i < a.files.size(); ++i) {
      EXPECT_EQ(a.files[i].path, b.files[i].path);
      EXPECT_TRUE(a.files[i].text == b.files[i].text) << a.files[i].path << " differs between two runs";
    }
    EXPECT_TRUE(std::is_sorted(a.files.begin(), a.files.end(),
                               [](const codegen::File& x, const codegen::File& y) { return x.path < y.path; }));
    const std::set<std::string> paths = Paths(a);
    for (const char* p : {"Makefile", "main.c", "model.c", "model.h", "model_input.c", "model_weights.c",
                          "model_weights.h", "runtime/include/msf_rt/msf_plan.h", "runtime/include/msf_rt/msf_types.h",
                          "runtime/include/msf_rt/msf_kernels.h", "runtime/src/msf_plan_exec.c",
                          "runtime/src/msf_conv_s8.c", "runtime/src/msf_view_internal.h"}) {
      EXPECT_EQ(paths.count(p), 1u) << p;
    }
    const bool mcu = target != codegen::Target::kHost;
    EXPECT_EQ(paths.count("link.ld"), mcu ? 1u : 0u);
    EXPECT_EQ(paths.count("platform.c"), mcu ? 1u : 0u);
    EXPECT_EQ(paths.count("start.S"),
              target == codegen::Target::kRv32imac || target == codegen::Target::kXtensaLx106 ? 1u : 0u);

    const std::string& model_c = Text(a, "model.c");
    EXPECT_NE(model_c.find("static uint8_t arena[" + std::to_string(a.arena_bytes) + "] __attribute__((aligned(4)));"),
              std::string::npos);
    EXPECT_NE(model_c.find("return (int)msf_run_plan(&plan, in, out, arena);"), std::string::npos);
    EXPECT_NE(model_c.find("static const msf_step steps[" + std::to_string(plan.steps.size()) + "]"),
              std::string::npos);
    // Data plus calls: no loops in the generated model.
    EXPECT_EQ(model_c.find("for ("), std::string::npos);
    EXPECT_EQ(model_c.find("while"), std::string::npos);
    EXPECT_EQ(Text(a, "model_weights.c").find("float"), std::string::npos);
    // The DSP targets get the host-widened weights of the convolutions whose kernels read
    // them (the stem, 1x1 over K = 8 and 16: this model has both), the others none.
    const bool dsp = codegen::HasDspKernels(target);
    EXPECT_EQ(Text(a, "model_weights.c").find("_wide[") != std::string::npos, dsp);
    EXPECT_EQ(model_c.find(".wide_weights = msf_k") != std::string::npos, dsp);

    const std::string& makefile = Text(a, "Makefile");
    const std::map<codegen::Target, std::string> tool = {
        {codegen::Target::kHost, "CC        = gcc"},
        {codegen::Target::kCortexM4, "qemu-system-arm -M mps2-an386"},
        {codegen::Target::kCortexM7, "qemu-system-arm -M mps2-an500"},
        {codegen::Target::kRv32imac, "qemu-system-riscv32 -M virt"},
        {codegen::Target::kCortexM0plus, "qemu-system-arm -M microbit"},
        {codegen::Target::kCortexM33, "qemu-system-arm -M mps2-an505"},
        {codegen::Target::kCortexM55, "qemu-system-arm -M mps3-an547"},
        {codegen::Target::kXtensaLx106, "qemu-system-xtensa -M sim -cpu lx106"}};
    EXPECT_NE(makefile.find(tool.at(target)), std::string::npos);
    EXPECT_NE(makefile.find("-Wall -Wextra -Wpedantic -Werror"), std::string::npos);
    // Every convolution call was checked here, so the device skips the per-call checks.
    EXPECT_NE(makefile.find("-DMSF_PLAN_CELLS_CHECKED"), std::string::npos);
  }
}

TEST(CodegenPackage, ArenaIsThePlannedArena) {
  const ir::Graph g = frontend::LoadModel(kZooModel);
  for (const char* kind : {"min_ram", "budget_64k", "layer"}) {
    const plan::Plan plan = test::MakeCodegenPlan(g, kind);
    const std::vector<int8_t> input = PatternInput(g.tensor(g.input()).NumElements(), 0);
    const exec::PlanRun run = exec::RunPlan(g, plan, input);
    const codegen::Package p = codegen::Generate(g, plan, {});
    EXPECT_EQ(p.arena_bytes, run.planned_arena_bytes) << kind;
    EXPECT_NE(Text(p, "model.h").find("#define MSF_MODEL_ARENA_BYTES " + std::to_string(run.planned_arena_bytes)),
              std::string::npos);
  }
}

// The host package runs the same tables through the same runtime as the fused
// executor, so its output must be identical, for the embedded input and for
// an input file.
TEST(CodegenPackage, HostBuildIsWarningFreeAndMatchesTheFusedExecutor) {
  RequireHostTools();
  const ir::Graph g = frontend::LoadModel(kZooModel);
  const plan::Plan plan = test::MakeCodegenPlan(g, "min_ram");
  const int64_t n = g.tensor(g.input()).NumElements();
  codegen::Options o;
  o.input = PatternInput(n, 1);
  const codegen::Package p = codegen::Generate(g, plan, o);
  const std::string dir = test::TempPath("codegen_zoo_host");
  std::filesystem::remove_all(dir);
  codegen::WritePackage(p, dir);

  const test::ShellResult build = test::RunShell("make -s --no-print-directory -j2 -C " + test::ShellQuote(dir));
  ASSERT_EQ(build.exit_code, 0) << build.out;
  EXPECT_EQ(build.out.find("warning"), std::string::npos) << build.out;

  const exec::PlanRun expected = exec::RunPlan(g, plan, *o.input);
  const test::ShellResult run = test::RunShell("make -s --no-print-directory -C " + test::ShellQuote(dir) + " run");
  ASSERT_EQ(run.exit_code, 0) << run.out;
  const test::RunLines lines = test::ParseRunLines(run.out);
  EXPECT_EQ(lines.output_lines, 1);
  EXPECT_EQ(lines.stats_lines, 1);
  EXPECT_EQ(test::HexBytes(lines.output),
            test::HexBytes(std::vector<uint8_t>(expected.output.begin(), expected.output.end())));
  EXPECT_GE(std::stoll(lines.stats.at("ram_static")), p.arena_bytes);
  EXPECT_EQ(lines.stats.at("instructions"), "NA");

  const std::vector<int8_t> other = PatternInput(n, 2);
  const std::string in_path = dir + "/other_input.bin";
  test::WriteFile(in_path, std::vector<uint8_t>(other.begin(), other.end()));
  const exec::PlanRun expected_other = exec::RunPlan(g, plan, other);
  const test::ShellResult run2 = test::RunShell("make -s --no-print-directory -C " + test::ShellQuote(dir) +
                                                " run INPUT=" + test::ShellQuote(in_path));
  ASSERT_EQ(run2.exit_code, 0) << run2.out;
  EXPECT_EQ(test::HexBytes(test::ParseRunLines(run2.out).output),
            test::HexBytes(std::vector<uint8_t>(expected_other.output.begin(), expected_other.output.end())));

  // A truncated input file is one error line and exit code 2.
  test::WriteFile(in_path, std::vector<uint8_t>(10, 0));
  const test::ShellResult bad = test::RunShell(test::ShellQuote(dir + "/build/model") + " " + test::ShellQuote(in_path));
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.out.find("msf: error:"), std::string::npos) << bad.out;
  std::filesystem::remove_all(dir);
}

// A bare-metal image cannot link soft-float or heap functions: the Makefile
// checks the ELF's symbols (and newlib has no _sbrk here, so malloc cannot link).
TEST(CodegenPackage, FloatOrHeapOnTheDevicePathFailsTheBuild) {
  for (const char* tool : {"make", "arm-none-eabi-gcc", "arm-none-eabi-nm"}) {
    ASSERT_TRUE(test::HaveProgram(tool)) << tool << " is missing: run tools/install-mcu-deps.sh";
  }
  const ir::Graph g = frontend::LoadModel(kZooModel);
  codegen::Options o;
  o.target = codegen::Target::kCortexM4;
  const codegen::Package clean = codegen::Generate(g, test::MakeCodegenPlan(g, "min_ram"), o);
  const std::string call = "return (int)msf_run_plan(&plan, in, out, arena);";
  const std::vector<std::pair<std::string, std::string>> probes = {
      {"float", "volatile float scale = 1.5f;\n  return (int)msf_run_plan(&plan, in, out, arena) + (int)(scale * in[0]);"},
      {"heap", "void *p = malloc(4); free(p);\n  return (int)msf_run_plan(&plan, in, out, arena) + (p != 0);"},
  };
  for (const auto& [what, body] : probes) {
    SCOPED_TRACE(what);
    codegen::Package p = clean;
    for (codegen::File& f : p.files) {
      if (f.path != "model.c") continue;
      const size_t at = f.text.find(call);
      ASSERT_NE(at, std::string::npos);
      f.text.replace(at, call.size(), body);
      f.text = "#include <stdlib.h>\n" + f.text;
    }
    const std::string dir = test::TempPath("codegen_probe_" + what);
    std::filesystem::remove_all(dir);
    codegen::WritePackage(p, dir);
    const test::ShellResult build = test::RunShell("make -s --no-print-directory -j2 -C " + test::ShellQuote(dir));
    EXPECT_NE(build.exit_code, 0) << build.out;
    EXPECT_FALSE(std::filesystem::exists(dir + "/build/model.elf"));
    if (what == "float") {
      EXPECT_NE(build.out.find("links floating-point or heap functions"), std::string::npos) << build.out;
      EXPECT_NE(build.out.find("__aeabi_f"), std::string::npos) << build.out;
    }
    std::filesystem::remove_all(dir);
  }
}

// QUANTIZE float32 -> int8 -> DEQUANTIZE: a float32 input and output, no weights.
class NoWeights : public ir::WeightPolicy {
 public:
  ir::ConstantData Filter(const ir::Graph&, const ir::Op&, const std::vector<int32_t>&) override {
    throw Error("internal: no filters here");
  }
  ir::ConstantData Bias(const ir::Graph&, const ir::Op&, int32_t) override { throw Error("internal: no biases here"); }
  ir::Quant Output(const ir::Graph&, const ir::Op&, const std::vector<int32_t>&) override {
    return ir::PerTensor(0.05f, 3);
  }
};

// The lx106's libgcc has no soft-float add or multiply, which a float32 model
// input or output needs: codegen refuses it in one line rather than leave a
// package that fails to link; the other targets take it.
TEST(CodegenPackage, XtensaRefusesFloatModelIo) {
  ir::GraphBuilder b("float_io", std::make_unique<NoWeights>());
  b.FloatInput({1, 4, 4, 2}, "image").Quantize(ir::PerTensor(0.02f, -3)).Dequantize();
  const ir::Graph g = b.Take();
  const plan::Plan plan = test::MakeCodegenPlan(g, "min_ram");
  codegen::Options o;
  o.target = codegen::Target::kCortexM0plus;
  EXPECT_NO_THROW(codegen::Generate(g, plan, o));
  o.target = codegen::Target::kXtensaLx106;
  try {
    codegen::Generate(g, plan, o);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("codegen: xtensa-lx106 cannot convert the float32 model input 'image': ", 0),
              0u)
        << e.what();
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
  }
}

TEST(CodegenPackage, BadArgumentsAreErrors) {
  EXPECT_THROW(codegen::ParseTarget("esp32"), Error);
  EXPECT_EQ(codegen::ParseTarget("rv32imac"), codegen::Target::kRv32imac);
  for (codegen::Target t : codegen::AllTargets()) EXPECT_EQ(codegen::ParseTarget(codegen::TargetName(t)), t);

  const ir::Graph g = frontend::LoadModel(kZooModel);
  const plan::Plan plan = test::MakeCodegenPlan(g, "min_ram");
  codegen::Options o;
  o.input = std::vector<int8_t>(3, 0);
  EXPECT_THROW(codegen::Generate(g, plan, o), Error);
  // A plan made for another model does not fit this graph.
  const ir::Graph other = frontend::LoadModel("zoo:mbv2-w0.35-r144");
  EXPECT_THROW(codegen::Generate(other, plan, {}), Error);
}

TEST(CodegenPackage, CliWritesThePackageAndRejectsBadInput) {
  const ir::Graph g = frontend::LoadModel(kZooModel);
  const std::string plan_path = test::TempPath("codegen_cli_plan.json");
  plan::WritePlanFile(plan_path, test::MakeCodegenPlan(g, "budget_64k"));
  const std::string dir = test::TempPath("codegen_cli_pkg");
  std::filesystem::remove_all(dir);
  const test::CliResult ok = test::RunCli({"codegen", kZooModel, "--plan", plan_path, "--target", "cortex-m4", "--out", dir});
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_TRUE(std::filesystem::exists(dir + "/model.c"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/link.ld"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/runtime/src/msf_plan_exec.c"));
  std::filesystem::remove_all(dir);

  const std::string small = test::TempPath("codegen_cli_small.bin");
  test::WriteFile(small, std::vector<uint8_t>(5, 0));
  const std::vector<std::vector<std::string>> bad = {
      {"codegen", kZooModel, "--target", "host", "--out", dir},                                   // no --plan
      {"codegen", kZooModel, "--plan", plan_path, "--target", "esp32", "--out", dir},             // bad target
      {"codegen", kZooModel, "--plan", plan_path, "--target", "host"},                            // no --out
      {"codegen", kZooModel, "--plan", plan_path, "--target", "host", "--out", dir, "--embed-input", small},
      {"codegen", kZooModel, "--plan", plan_path + ".missing", "--target", "host", "--out", dir},
      {"codegen", "zoo:mbv2-w0.35-r144", "--plan", plan_path, "--target", "host", "--out", dir},  // wrong model
  };
  for (const auto& args : bad) {
    const test::CliResult r = test::RunCli(args);
    EXPECT_EQ(r.exit_code, 2) << args[3] << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_EQ(r.err.rfind("msf: error: ", 0), 0u) << r.err;
  }
  EXPECT_FALSE(std::filesystem::exists(dir));
}

}  // namespace
}  // namespace msf
