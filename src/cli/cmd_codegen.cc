// SPDX-License-Identifier: MIT
// `msf codegen`: a plan as a self-contained C99 package for a target.
#include <cstdio>
#include <filesystem>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/format.h"
#include "codegen/codegen.h"
#include "base/error.h"
#include "base/read_file.h"
#include "plan/plan_json.h"
#include "frontend/model_loader.h"

namespace msf::cli {
namespace {

constexpr const char* kCodegenUsage =
    "usage: msf codegen MODEL --plan PLAN.json --target host|cortex-m4|cortex-m7|rv32imac --out DIR "
    "[--embed-input IN.bin] [--opt speed|size]";

}  // namespace

int RunCodegen(const std::vector<std::string>& argv) {
  Args args(argv, {"plan", "target", "out", "embed-input", "opt"}, {});
  if (args.positional().size() != 1 || !args.Get("plan") || !args.Get("target") || !args.Get("out")) {
    throw Error(kCodegenUsage);
  }
  const std::string& model = args.positional()[0];
  const std::string plan_path = *args.Get("plan");
  const std::string dir = *args.Get("out");
  std::vector<std::string> inputs = {model, plan_path};
  if (auto input = args.Get("embed-input")) inputs.push_back(*input);
  codegen::Options options;
  options.target = codegen::ParseTarget(*args.Get("target"));
  // File names go into the package's comments and Makefile: codegen escapes
  // them there (codegen::CText, codegen::MakeText).
  options.model_label = std::filesystem::path(model).filename().string();
  options.plan_label = std::filesystem::path(plan_path).filename().string();
  if (auto opt = args.Get("opt")) options.optimize = codegen::ParseOptimize(*opt);

  const ir::Graph g = frontend::LoadModel(model);
  if (auto input = args.Get("embed-input")) {
    const int64_t n = g.tensor(g.input()).NumElements();
    const std::string needs = ", the model input " + ShapeString(g.tensor(g.input()).shape) + " needs " +
                              std::to_string(n);
    options.input = ReadWholeFile<int8_t>(*input, "input file", n, needs);
    if (static_cast<int64_t>(options.input->size()) != n) {
      throw Error(*input + ": has " + std::to_string(options.input->size()) + " bytes" + needs);
    }
  }
  const plan::Plan plan = plan::ReadPlanFile(plan_path);
  const codegen::Package package = codegen::Generate(g, plan, options);
  codegen::WritePackage(package, dir, inputs);
  std::printf("wrote %zu files to %s: target %s, arena %lld bytes, input %lld bytes%s, output %lld bytes\n",
              package.files.size(), dir.c_str(), codegen::TargetName(options.target),
              static_cast<long long>(package.arena_bytes), static_cast<long long>(package.input_bytes),
              options.input ? " (embedded)" : "", static_cast<long long>(package.output_bytes));
  std::printf("build: make -C %s    run: make -C %s run\n", dir.c_str(), dir.c_str());
  return 0;
}

}  // namespace msf::cli
