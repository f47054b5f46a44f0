// SPDX-License-Identifier: MIT
// `msf codegen`: a plan as a self-contained C99 package for a target.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>

#include "cli/commands.h"
#include "cli/format.h"
#include "codegen/codegen.h"
#include "base/error.h"
#include "base/read_file.h"
#include "plan/plan_json.h"
#include "frontend/model_input.h"
#include "frontend/model_loader.h"

namespace msf::cli {
namespace {

struct CodegenArgs {
  std::string model, plan, out;
  codegen::Options options;
  std::optional<std::string> embed_input;
};

int RunCodegen(CodegenArgs a) {
  const std::string& model = a.model;
  const std::string& plan_path = a.plan;
  const std::string& dir = a.out;
  codegen::Options& options = a.options;
  std::vector<std::string> inputs = {model, plan_path};
  if (a.embed_input) inputs.push_back(*a.embed_input);
  // File names go into the package's comments and Makefile: codegen escapes
  // them there (codegen::CText, codegen::MakeText).
  options.model_label = std::filesystem::path(model).filename().string();
  options.plan_label = std::filesystem::path(plan_path).filename().string();

  const plan::Plan plan = plan::ReadPlanFile(plan_path);
  const ir::Graph g = frontend::LoadModel(model, plan.input_mode);  // the graph the plan was made for
  if (const auto& input = a.embed_input) options.input = frontend::ReadModelInput(g, *input);
  const codegen::Package package = codegen::Generate(g, plan, options);
  codegen::WritePackage(package, dir, inputs);
  std::printf("wrote %zu files to %s: target %s, arena %lld bytes, input %lld bytes%s, output %lld bytes\n",
              package.files.size(), dir.c_str(), codegen::TargetName(options.target),
              static_cast<long long>(package.arena_bytes), static_cast<long long>(package.input_bytes),
              options.input ? " (embedded)" : "", static_cast<long long>(package.output_bytes));
  std::printf("build: make -C %s    run: make -C %s run\n", dir.c_str(), dir.c_str());
  return 0;
}

}  // namespace

void AddCodegen(CLI::App& parent, std::vector<Command>* commands) {
  auto a = std::make_shared<CodegenArgs>();
  CLI::App* app = parent.add_subcommand(
      "codegen", "the plan as a C99 package: tables, one static arena, the runtime, a Makefile (QEMU)");
  AddModel(app, &a->model);
  AddValue(app, "--plan", "PLAN.json", "the plan (from msf plan --json)", [a](const std::string& v) { a->plan = v; })
      ->required();
  AddValue(app, "--target", "host|cortex-m0plus|cortex-m4|cortex-m7|cortex-m33|cortex-m55|rv32imac|xtensa-lx106", "the package's target",
           [a](const std::string& v) { a->options.target = codegen::ParseTarget(v); })
      ->required();
  AddValue(app, "--out", "DIR", "the package directory (replaced as a whole)", [a](const std::string& v) { a->out = v; })
      ->required();
  AddText(app, "--embed-input", "IN.bin", "compile this raw int8 input into the package", &a->embed_input);
  AddValue(app, "--opt", "speed|size", "the package's compiler optimisation (default speed)",
           [a](const std::string& v) { a->options.optimize = codegen::ParseOptimize(v); });
  AddValue(app, "--arena", "static|extern",
           "who owns the arena: a static array (default), or the caller, passed to msf_model_invoke",
           [a](const std::string& v) { a->options.arena = codegen::ParseArenaOwner(v); });
  AddFlag(app, "--profile-steps",
          "make run also prints each step's instructions beside the latency model's prediction (MCU targets)",
          &a->options.profile_steps);
  commands->push_back({app, [a] { return RunCodegen(*a); }});
}

}  // namespace msf::cli
