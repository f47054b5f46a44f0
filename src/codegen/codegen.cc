// SPDX-License-Identifier: MIT
// Generate: assembles a package from the generated C files (c_files.h), the
// embedded runtime and target harness, and the rendered Makefile (makefile.h).
#include "codegen/codegen.h"

#include <algorithm>

#include "codegen/c_files.h"
#include "codegen/cmake_file.h"
#include "codegen/embedded_files.h"
#include "codegen/makefile.h"
#include "codegen/target_info.h"
#include "base/error.h"
#include "base/text_format.h"
#include "plan/device_plan.h"

namespace msf::codegen {

namespace {

// -DMSF_PLAN_WITHOUT_<KIND> for the newer kernel kinds the plan does not use,
// so a package links only the kernels it runs; -DMSF_PLAN_CELLS_CHECKED.
std::vector<std::string> PlanDefines(const plan::DevicePlan& dp) {
  static const std::pair<uint8_t, const char*> kOptional[] = {
      {MSF_KERNEL_QUANTIZE_F32, "QUANTIZE_F32"}, {MSF_KERNEL_DEQUANTIZE_F32, "DEQUANTIZE_F32"},
      {MSF_KERNEL_RESIZE_NEAREST, "RESIZE_NEAREST"}, {MSF_KERNEL_CONCAT_PART, "CONCAT_PART"},
      {MSF_KERNEL_MUL, "MUL"}, {MSF_KERNEL_MUL_4D, "MUL_4D"}, {MSF_KERNEL_LOGISTIC, "LOGISTIC"},
      {MSF_KERNEL_HARD_SWISH, "HARD_SWISH"}, {MSF_KERNEL_TRANSPOSE, "TRANSPOSE"},
      {MSF_KERNEL_READ_INPUT, "READ_INPUT"}};
  std::vector<std::string> defines;
  for (const auto& [kind, name] : kOptional) {
    bool used = false;
    for (const plan::DeviceKernel& k : dp.kernels()) used = used || k.kernel.kind == kind;
    if (!used) defines.push_back(std::string("-DMSF_PLAN_WITHOUT_") + name);
  }
  // Every convolution call of the schedule is checked here, once, so the
  // device runs them without the per-call view checks.
  if (!msf_plan_cells_ok(&dp.runtime_plan())) {
    throw Error("codegen: internal error: a convolution call of the plan's schedule fails its view check");
  }
  defines.push_back("-DMSF_PLAN_CELLS_CHECKED");
  return defines;
}

}  // namespace

ArenaOwner ParseArenaOwner(std::string_view name) {
  if (name == "static") return ArenaOwner::kStatic;
  if (name == "extern") return ArenaOwner::kExtern;
  throw Error("unknown --arena '" + std::string(name) + "' (expected static or extern)");
}

Package Generate(const ir::Graph& g, const plan::Plan& plan, const Options& options) {
  const plan::DevicePlan dp(g, plan);
  Package pkg;
  pkg.arena_bytes = dp.runtime_plan().arena_bytes;
  // The caller's tensors are byte strings cut at each tensor's offset: a
  // float32 tensor must start 4-aligned in them (its loads and stores).
  const auto total_bytes = [&g, &options](const std::vector<ir::TensorId>& tensors, const char* what) {
    int64_t at = 0;
    for (ir::TensorId t : tensors) {
      const ir::Tensor& x = g.tensor(t);
      if (x.type == ir::DType::kFloat32 && options.target == Target::kXtensaLx106) {
        throw Error(std::string("codegen: xtensa-lx106 cannot convert the float32 model ") + what + " '" + x.name +
                    "': Debian's lx106 libgcc has no soft-float add or multiply (the ESP8266 ROM has them)");
      }
      if (x.type == ir::DType::kFloat32 && at % 4 != 0) {
        throw Error(std::string("codegen: the float32 model ") + what + " '" + x.name + "' would start at byte " +
                    std::to_string(at) + " of the " + what + "s, not a multiple of 4");
      }
      at += x.Bytes();
    }
    return at;
  };
  pkg.input_bytes = total_bytes(g.inputs, "input");
  pkg.output_bytes = total_bytes(g.outputs, "output");
  if (options.input && static_cast<int64_t>(options.input->size()) != pkg.input_bytes) {
    throw Error("the embedded input has " + std::to_string(options.input->size()) + " bytes, the model input " +
                ShapeString(g.tensor(g.input()).shape) + " needs " + std::to_string(pkg.input_bytes));
  }
  if (options.profile_steps && options.target == Target::kHost) {
    throw Error("--profile-steps needs an MCU target: the host harness counts no instructions");
  }
  const CFileContext c{g, dp, options};
  pkg.files.push_back({"model_weights.h", WeightsHeaderFile(c)});
  pkg.files.push_back({"model_weights.c", WeightsSourceFile(c)});
  pkg.files.push_back({"model.h", ModelHeaderFile(c, pkg.input_bytes, pkg.output_bytes)});
  pkg.files.push_back({"model.c", ModelSourceFile(c)});
  pkg.files.push_back({"model_input.c", ModelInputFile(c)});

  const TargetInfo& t = Info(options.target);
  std::vector<std::string> sources = {"main.c", "model.c", "model_input.c", "model_weights.c"};
  std::vector<std::string> headers = {"model.h", "model_weights.h"};
  for (const EmbeddedFile& f : EmbeddedFiles()) {
    const std::string path = f.path;
    if (path.rfind("runtime/", 0) == 0) {
      pkg.files.push_back({path, f.Text()});
      (path.size() > 2 && path.substr(path.size() - 2) == ".c" ? sources : headers).push_back(path);
    }
  }
  pkg.files.push_back({"harness.h", EmbeddedText("targets/common/harness.h")});
  headers.push_back("harness.h");
  if (options.target == Target::kHost) {
    pkg.files.push_back({"main.c", EmbeddedText("targets/host/main.c")});
  } else {
    pkg.files.push_back({"main.c", EmbeddedText("targets/common/main_mcu.c")});
    pkg.files.push_back({"platform.h", EmbeddedText("targets/common/platform.h")});
    pkg.files.push_back({"platform_memory.h", EmbeddedText("targets/common/platform_memory.h")});
    headers.push_back("platform.h");
    headers.push_back("platform_memory.h");
    const std::string dir = std::string("targets/") + t.dir + "/";
    pkg.files.push_back({"platform.c", EmbeddedText(dir + "platform.c")});
    pkg.files.push_back({"link.ld", EmbeddedText(std::string("targets/") + t.link_script)});
    sources.push_back("platform.c");
    if (options.target == Target::kRv32imac || options.target == Target::kXtensaLx106) {
      pkg.files.push_back({"start.S", EmbeddedText(dir + "start.S")});
      sources.push_back("start.S");
    }
  }
  std::vector<std::string> harness_defines;  // the Makefile's build only, not the CMake library
  if (options.profile_steps) {
    pkg.files.push_back({"profile_steps.h", ProfileStepsFile(c, plan)});
    headers.push_back("profile_steps.h");
    harness_defines = {"-DMSF_HARNESS_PROFILE_STEPS", "-DMSF_STEP_DONE=msf_harness_step_done"};
  }
  std::sort(sources.begin(), sources.end());
  std::sort(headers.begin(), headers.end());
  const std::vector<std::string> defines = PlanDefines(dp);
  std::vector<std::string> make_defines = defines;
  make_defines.insert(make_defines.end(), harness_defines.begin(), harness_defines.end());
  pkg.files.push_back({"Makefile", RenderMakefile(options, sources, headers, make_defines)});
  std::vector<std::string> library;  // the model and the runtime, without the harness
  for (const std::string& f : sources) {
    if (f.rfind("model", 0) == 0 || f.rfind("runtime/", 0) == 0) library.push_back(f);
  }
  pkg.files.push_back({"CMakeLists.txt", CMakeListsFile(options, library, defines)});
  std::sort(pkg.files.begin(), pkg.files.end(), [](const File& a, const File& b) { return a.path < b.path; });
  return pkg;
}

}  // namespace msf::codegen
