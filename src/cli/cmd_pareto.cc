// SPDX-License-Identifier: MIT
// `msf pareto`: the whole RAM/MAC trade-off of msf-CNN fusion, next to the
// min-RAM points of the layer, mcunetv2 and streamnet strategies.
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <memory>
#include <optional>
#include <string>

#include "cli/commands.h"
#include "cli/format.h"
#include "cli/planner_options.h"
#include "plan/planner.h"
#include "cli/latency_options.h"
#include "report/pareto_svg.h"
#include "base/error.h"
#include "search/instruction_dag.h"
#include "search/solvers.h"
#include "search/strategy.h"
#include "frontend/model_loader.h"

namespace msf::cli {
namespace {

using json = nlohmann::ordered_json;  // keeps the field order readable

int FusedSteps(const search::FusionDag& dag, const search::Setting& s) {
  int n = 0;
  for (int32_t e : s.edges) n += dag.edges[static_cast<size_t>(e)].kind == step::StepKind::kFused ? 1 : 0;
  return n;
}

// `dag` has the real MACs; `instructions` (if any) the predicted instructions
// of the same edges, and `per_invoke` the model's per-inference constant.
json PointJson(const search::FusionDag& dag, const search::FusionDag* instructions, double per_invoke,
               const search::Setting& s) {
  const search::Setting real = search::SettingOf(dag, s.edges);
  json j = {{"peak_ram_bytes", s.peak_ram_bytes}, {"peak_ram_bytes_with_io", s.peak_ram_bytes_with_io},
            {"macs", real.macs}, {"mac_overhead", real.MacOverhead(dag)},
            {"steps", s.edges.size()}, {"fused_steps", FusedSteps(dag, s)}};
  if (instructions != nullptr) {
    const search::Setting predicted = search::SettingOf(*instructions, s.edges);
    j["predicted_instructions"] = predicted.macs + std::llround(per_invoke);
    j["instruction_overhead"] = predicted.MacOverhead(*instructions);
  }
  return j;
}

void PrintRow(const std::string& label, const search::FusionDag& solved, const search::Setting& s) {
  std::printf("%-10s %12s %15s %9.4f %6zu %6d\n", label.c_str(), Thousands(s.peak_ram_bytes).c_str(),
              Thousands(s.macs).c_str(), s.MacOverhead(solved), s.edges.size(), FusedSteps(solved, s));
}

struct ParetoArgs {
  std::string model;
  std::optional<std::string> json, svg;
  PlannerArgs planner;
  LatencyArgs latency;
};

struct Baseline {
  search::Strategy strategy;
  std::string label;  // for the chart
};

int RunPareto(const ParetoArgs& a) {
  const std::string& model = a.model;
  std::vector<std::string> outputs;
  for (const std::optional<std::string>& path : {a.json, a.svg}) {
    if (path) outputs.push_back(*path);
  }
  CheckOutputs(outputs, {model, a.latency.calibration.value_or("")});
  const std::string& cost_model = a.planner.cost_model;
  const LatencyChoice latency = LatencyOption(a.latency, cost_model);
  const bool instructions = latency.metric == search::Metric::kInstructions;
  const std::string metric = instructions ? "instructions" : "MACs";
  const ir::Graph g = frontend::LoadModel(model);
  const plan::Planner planner(g, PlannerOptionsFrom(a.planner));
  const search::FusionDag& dag = planner.dag();
  const search::FusionDag solved = SolverDag(dag, latency);
  const std::vector<search::Setting> front = search::ParetoFront(solved);
  // Predicted instructions of every edge, for the JSON (when a model is given).
  std::optional<search::FusionDag> predicted;
  if (latency.model) predicted = instructions ? solved : search::InstructionDag(dag, *latency.model);
  const double per_invoke = latency.model ? latency.model->per_invoke : 0.0;

  std::printf("model: %s, cost model: %s, vanilla %s%s: %s\n\n", model.c_str(), cost_model.c_str(),
              instructions ? "predicted " : "", instructions ? (latency.model->target + " instructions").c_str() : "MACs",
              Thousands(solved.vanilla_macs).c_str());
  std::printf("%-10s %12s %15s %9s %6s %6s\n", "", "peak RAM B", metric.c_str(), "overhead", "steps", "fused");
  json front_json = json::array();
  std::vector<report::ChartPoint> chart_front;
  for (size_t i = 0; i < front.size(); ++i) {
    PrintRow(i == 0 ? "front" : "", solved, front[i]);
    front_json.push_back(PointJson(dag, predicted ? &*predicted : nullptr, per_invoke, front[i]));
    chart_front.push_back({static_cast<double>(front[i].peak_ram_bytes) / 1000.0, front[i].MacOverhead(solved)});
  }
  std::printf("(%zu non-dominated settings; peak RAM without network input/output)\n\n", front.size());

  const Baseline baselines[] = {{search::Strategy::kLayer, "layer-by-layer"},
                                {search::Strategy::kMcunetV2, "MCUNetV2-style"},
                                {search::Strategy::kStreamNet, "StreamNet-style"}};
  json baselines_json = json::array(), unavailable = json::array();
  std::vector<report::ChartBaseline> chart_baselines;
  std::vector<std::string> notes, chart_notes;
  for (const Baseline& b : baselines) {
    const std::string name = search::StrategyName(b.strategy);
    std::optional<search::FusionDag> restricted;
    try {
      restricted = planner.DagFor(b.strategy);
    } catch (const Error& e) {
      notes.push_back(name + ": not available (" + e.what() + ")");
      chart_notes.push_back(b.label + ": not available with the " + cost_model + " cost model");
      unavailable.push_back({{"strategy", name}, {"reason", e.what()}});
      continue;
    }
    const search::FusionDag restricted_solved = SolverDag(*restricted, latency);
    const search::Setting s = search::SolveMinRam(restricted_solved);
    PrintRow(name, restricted_solved, s);
    const std::optional<search::FusionDag> restricted_predicted =
        latency.model ? std::optional(search::InstructionDag(*restricted, *latency.model)) : std::nullopt;
    json j = PointJson(*restricted, restricted_predicted ? &*restricted_predicted : nullptr, per_invoke, s);
    j["strategy"] = name;
    baselines_json.push_back(j);
    chart_baselines.push_back(
        {b.label, {static_cast<double>(s.peak_ram_bytes) / 1000.0, s.MacOverhead(restricted_solved)}});
  }
  for (const std::string& note : notes) std::printf("%s\n", note.c_str());

  if (const auto& path = a.json) {
    json j = {{"model", model}, {"cost_model", cost_model}, {"minimise", instructions ? "instructions" : "macs"},
              {"vanilla_macs", dag.vanilla_macs}};
    if (latency.model) {
      j["target"] = latency.model->target;
      j["vanilla_predicted_instructions"] = planner.VanillaInstructions(*latency.model);
    }
    j["front"] = front_json;
    j["baselines"] = baselines_json;
    j["unavailable"] = unavailable;
    WriteTextFile(*path, j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
  }
  if (const auto& path = a.svg) {
    const std::string title = g.name + ": peak RAM vs " +
                              (instructions ? "predicted " + latency.model->target + " instructions" : "MACs") + " (" +
                              cost_model + " cost model)";
    report::ChartOptions chart;
    if (instructions) chart.y_label = "instruction overhead (x vanilla, predicted)";
    WriteTextFile(*path, report::ParetoSvg(title, chart_front, chart_baselines, chart_notes, chart));
  }
  return 0;
}

}  // namespace

void AddPareto(CLI::App& parent, std::vector<Command>* commands) {
  auto a = std::make_shared<ParetoArgs>();
  CLI::App* app = parent.add_subcommand(
      "pareto", "every best RAM/MAC trade-off, with the layer, mcunetv2 and streamnet baselines");
  AddModel(app, &a->model);
  AddPlannerOptions(app, &a->planner);
  AddText(app, "--json", "FILE", "write the front and the baselines as JSON", &a->json);
  AddText(app, "--svg", "FILE", "write the chart of the front and the baselines", &a->svg);
  AddLatencyOptions(app, &a->latency);
  commands->push_back({app, [a] { return RunPareto(*a); }});
}

}  // namespace msf::cli
