// SPDX-License-Identifier: MIT
// `msf pareto`: the whole RAM/MAC trade-off of msf-CNN fusion, next to the
// min-RAM points of the layer, mcunetv2 and streamnet strategies.
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
#include "search/strategy.h"
#include "frontend/model_loader.h"

namespace msf::cli {
namespace {

using json = nlohmann::ordered_json;  // keeps the field order readable

int FusedSteps(const plan::Plan& p) {
  int n = 0;
  for (const plan::PlanStep& s : p.steps) n += s.kind == step::StepKind::kFused ? 1 : 0;
  return n;
}

// The RAM a point is shown with: the peak, plus the device's input/output
// buffers with --count-io.
int64_t ShownRam(const plan::TradeOff& t, bool count_io) {
  return t.plan.peak_ram_bytes + (count_io ? t.plan.io_bytes : 0);
}

json PointJson(const plan::TradeOff& t) {
  const plan::Plan& p = t.plan;
  json j = {{"peak_ram_bytes", p.peak_ram_bytes}, {"peak_ram_bytes_with_io", p.peak_ram_bytes_with_io},
            {"io_bytes", p.io_bytes}, {"device_ram_bytes", p.peak_ram_bytes + p.io_bytes},
            {"macs", p.macs}, {"mac_overhead", p.mac_overhead},
            {"steps", p.steps.size()}, {"fused_steps", FusedSteps(p)}};
  if (t.instructions >= 0) {
    j["predicted_instructions"] = p.predicted_instructions;
    j["instruction_overhead"] = t.instruction_overhead;
  }
  return j;
}

// Peak RAM, the solver's cost (MACs or predicted instructions) and its overhead.
void PrintRow(const std::string& label, const plan::TradeOff& t, bool count_io) {
  std::printf("%-10s %12s %15s %9.4f %6zu %6d\n", label.c_str(), Thousands(ShownRam(t, count_io)).c_str(),
              Thousands(t.cost).c_str(), t.overhead, t.plan.steps.size(), FusedSteps(t.plan));
}

report::ChartPoint ChartPointOf(const plan::TradeOff& t, bool count_io) {
  return {static_cast<double>(ShownRam(t, count_io)) / 1000.0, t.overhead};
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
  const cost::LatencyModel* latency_model = latency.model ? &*latency.model : nullptr;
  const bool instructions = latency.metric == search::Metric::kInstructions;
  const std::string metric = instructions ? "instructions" : "MACs";
  const bool io = a.planner.count_io;
  const ir::Graph g = frontend::LoadModel(model, a.planner.input_mode);
  const plan::Planner planner(g, PlannerOptionsFrom(a.planner));
  const std::vector<plan::TradeOff> front = planner.Front(latency.metric, latency_model);

  std::printf("model: %s, cost model: %s, vanilla %s%s: %s\n\n", model.c_str(), cost_model.c_str(),
              instructions ? "predicted " : "", instructions ? (latency.model->target + " instructions").c_str() : "MACs",
              Thousands(planner.VanillaCost(latency.metric, latency_model)).c_str());
  std::printf("%-10s %12s %15s %9s %6s %6s\n", "", io ? "device RAM B" : "peak RAM B", metric.c_str(), "overhead",
              "steps", "fused");
  json front_json = json::array();
  std::vector<report::ChartPoint> chart_front;
  for (size_t i = 0; i < front.size(); ++i) {
    PrintRow(i == 0 ? "front" : "", front[i], io);
    front_json.push_back(PointJson(front[i]));
    chart_front.push_back(ChartPointOf(front[i], io));
  }
  std::printf("(%zu non-dominated settings; %s; input %s)\n\n", front.size(),
              io ? "device RAM = peak RAM + the input/output buffers outside it" : "peak RAM without network input/output",
              ir::InputModeName(g.input_mode));

  const Baseline baselines[] = {{search::Strategy::kLayer, "layer-by-layer"},
                                {search::Strategy::kMcunetV2, "MCUNetV2-style"},
                                {search::Strategy::kStreamNet, "StreamNet-style"}};
  json baselines_json = json::array(), unavailable = json::array();
  std::vector<report::ChartBaseline> chart_baselines;
  std::vector<std::string> notes, chart_notes;
  for (const Baseline& b : baselines) {
    const std::string name = search::StrategyName(b.strategy);
    plan::PlanRequest request;  // min RAM
    request.strategy = b.strategy;
    request.metric = latency.metric;
    request.latency = latency_model;
    std::optional<plan::TradeOff> point;
    try {
      point = planner.SolvePoint(request);
    } catch (const Error& e) {
      notes.push_back(name + ": not available (" + e.what() + ")");
      chart_notes.push_back(b.label + ": not available with the " + cost_model + " cost model");
      unavailable.push_back({{"strategy", name}, {"reason", e.what()}});
      continue;
    }
    PrintRow(name, *point, io);
    json j = PointJson(*point);
    j["strategy"] = name;
    baselines_json.push_back(j);
    chart_baselines.push_back({b.label, ChartPointOf(*point, io)});
  }
  for (const std::string& note : notes) std::printf("%s\n", note.c_str());

  if (const auto& path = a.json) {
    json j = {{"model", model}, {"cost_model", cost_model}, {"input_mode", ir::InputModeName(g.input_mode)},
              {"minimise", instructions ? "instructions" : "macs"},
              {"vanilla_macs", planner.dag().vanilla_macs}};
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
