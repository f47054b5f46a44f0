// SPDX-License-Identifier: MIT
// `msf run`: raw input file in, raw output file out: the model's input and
// output tensors concatenated in graph order (int8, or float32 little-endian
// at a float boundary), the shared models' golden-file layout.
#include <algorithm>
#include <cstring>
#include <cstdio>
#include <memory>
#include <optional>
#include <string_view>

#include "cli/commands.h"
#include "cli/format.h"
#include "frontend/model_input.h"
#include "frontend/model_loader.h"
#include "base/atomic_write.h"
#include "base/error.h"
#include "base/read_file.h"
#include "exec/fused_executor.h"
#include "exec/reference_executor.h"
#include "cli/budget_parse.h"
#include "plan/plan_json.h"
#include "ir/input_readers.h"
#include <nlohmann/json.hpp>

namespace msf::cli {
namespace {

void WriteRaw(const std::string& path, const std::vector<int8_t>& data) {
  WriteFileAtomically(path, std::string_view(reinterpret_cast<const char*>(data.data()), data.size()));
}

// Each output's first values; the top-1 class of a single int8 output.
void PrintOutput(const ir::Graph& g, const std::vector<int8_t>& output) {
  size_t at = 0;
  for (ir::TensorId id : g.outputs) {
    const ir::Tensor& t = g.tensor(id);
    const size_t n = static_cast<size_t>(t.NumElements());
    const size_t shown = std::min<size_t>(n, 10);
    std::printf("output %s %s:", ShapeString(t.shape).c_str(), ir::DTypeName(t.type));
    for (size_t i = 0; i < shown; ++i) {
      if (t.type == ir::DType::kFloat32) {
        float v;
        std::memcpy(&v, output.data() + at + 4 * i, 4);
        std::printf(" %g", static_cast<double>(v));
      } else {
        std::printf(" %d", output[at + i]);
      }
    }
    std::printf("%s\n", n > shown ? " ..." : "");
    at += static_cast<size_t>(t.Bytes());
  }
  if (g.outputs.size() == 1 && g.tensor(g.output()).type == ir::DType::kInt8) {
    const auto top = std::max_element(output.begin(), output.end());
    std::printf("top-1: index %td (value %d)\n", top - output.begin(), *top);
  }
}

struct RunArgs {
  std::string model, input, output;
  std::optional<std::string> plan, json;
  std::optional<int64_t> ram_limit;
  std::optional<ir::InputMode> input_mode;
  bool check = false;
};

int RunRun(const RunArgs& a) {
  {
    std::vector<std::string> inputs = {a.model, a.input};
    if (a.plan) inputs.push_back(*a.plan);
    std::vector<std::string> outputs = {a.output};
    if (a.json) outputs.push_back(*a.json);
    CheckOutputs(outputs, inputs);
  }
  if (!a.plan && (a.check || a.json || a.ram_limit || a.input_mode)) {
    throw Error("--check, --json and --ram-limit need --plan, as does --input-mode");
  }
  // A plan runs on the graph it was made for (its input readers included).
  const std::optional<plan::Plan> plan_file = a.plan ? std::optional(plan::ReadPlanFile(*a.plan)) : std::nullopt;
  const ir::Graph g = frontend::LoadModel(a.model, plan_file ? plan_file->input_mode : ir::InputMode::kResident);
  const std::string& out_path = a.output;
  const std::vector<int8_t> input = frontend::ReadModelInput(g, a.input);
  if (!a.plan) {
    const std::vector<int8_t> output = exec::RunReference(g, input);
    WriteRaw(out_path, output);
    PrintOutput(g, output);
    return 0;
  }
  const plan::Plan& plan = *plan_file;
  exec::RunOptions options;
  if (a.ram_limit) options.ram_limit = *a.ram_limit;
  options.feed = a.input_mode.value_or(plan.input_mode);
  const exec::PlanRun run = exec::RunPlan(g, plan, input, options);
  const bool ram_ok = run.measured_peak_bytes == run.planned_arena_bytes && run.guards_intact;
  bool exact = true;
  if (a.check) exact = exec::RunReference(g, input) == run.output;

  std::printf("plan: %zu steps, %s cost model, plan peak %s bytes\n", plan.steps.size(), plan.cost_model.c_str(),
              Thousands(plan.peak_ram_bytes).c_str());
  if (a.check) std::printf("bit-exact: %s\n", exact ? "yes" : "no");
  std::printf("planned_peak_ram_bytes: %lld\n", static_cast<long long>(run.planned_arena_bytes));
  std::printf("measured_peak_ram_bytes: %lld\n", static_cast<long long>(run.measured_peak_bytes));
  if (options.feed != ir::InputMode::kResident) {
    std::printf("input: %s from a simulated sensor: %lld pixels read for %lld (%lld re-read)%s\n",
                ir::InputModeName(options.feed), static_cast<long long>(run.reads.pixels),
                static_cast<long long>(run.reads.distinct), static_cast<long long>(run.reads.Rereads()),
                run.reads.in_order_once ? ", each row once, in order" : "");
  }
  if (const auto& path = a.json) {
    nlohmann::ordered_json j = {{"model", g.name},
                                {"plan", *a.plan},
                                {"bit_exact", a.check ? nlohmann::ordered_json(exact) : nlohmann::ordered_json()},
                                {"plan_peak_ram_bytes", plan.peak_ram_bytes},
                                {"planned_peak_ram_bytes", run.planned_arena_bytes},
                                {"measured_peak_ram_bytes", run.measured_peak_bytes},
                                {"guards_intact", run.guards_intact},
                                {"input_mode", ir::InputModeName(options.feed)},
                                {"input_pixels_read", run.reads.pixels},
                                {"input_pixels_reread", run.reads.Rereads()},
                                {"output", std::vector<int>(run.output.begin(), run.output.end())}};
    WriteTextFile(*path, j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
  }
  if (!exact || !ram_ok) {
    std::fprintf(stderr, "msf: check failed:%s%s\n", exact ? "" : " output differs from the reference executor",
                 ram_ok ? "" : " measured RAM differs from the planned arena");
    return 1;
  }
  WriteRaw(out_path, run.output);
  PrintOutput(g, run.output);
  return 0;
}

}  // namespace

void AddRun(CLI::App& parent, std::vector<Command>* commands) {
  auto a = std::make_shared<RunArgs>();
  CLI::App* app = parent.add_subcommand(
      "run", "run the int8 model: layer by layer (the reference), or a plan in one static arena");
  AddModel(app, &a->model);
  AddValue(app, "--input", "IN.bin", "the raw int8 input tensor", [a](const std::string& v) { a->input = v; })
      ->required();
  AddValue(app, "--output", "OUT.bin", "write the raw int8 output tensor", [a](const std::string& v) { a->output = v; })
      ->required();
  AddText(app, "--plan", "PLAN.json", "run this plan (from msf plan --json) instead of layer by layer", &a->plan);
  AddFlag(app, "--check", "with --plan: compare the output with the reference and the measured RAM with the planned arena",
          &a->check);
  AddText(app, "--json", "FILE", "with --plan: write the run's RAM and output as JSON", &a->json);
  AddValue(app, "--input-mode", "resident|stream|reread",
           "with --plan: feed the input whole (resident), or from a simulated sensor row by row; stream checks "
           "that each row is asked for once, in order (default: the plan's mode)",
           [a](const std::string& v) { a->input_mode = ir::ParseInputMode(v); });
  AddValue(app, "--ram-limit", "B", "with --plan: refuse a plan whose arena is over B bytes (64000, 64k, 64KiB)",
           [a](const std::string& v) { a->ram_limit = ParseRamBudget(v); });
  commands->push_back({app, [a] { return RunRun(*a); }});
}

}  // namespace msf::cli
