// SPDX-License-Identifier: MIT
// `msf pareto`: the whole RAM/MAC trade-off of msf-CNN fusion, next to the
// min-RAM points of the layer, mcunetv2 and streamnet strategies.
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/format.h"
#include "cli/fusion_options.h"
#include "cli/pareto_svg.h"
#include "core/error.h"
#include "fusion/solvers.h"
#include "fusion/strategy.h"
#include "load/model_loader.h"

namespace msf::cli {
namespace {

using json = nlohmann::ordered_json;  // keeps the field order readable

int FusedSteps(const fusion::FusionDag& dag, const fusion::Setting& s) {
  int n = 0;
  for (int32_t e : s.edges) n += dag.edges[static_cast<size_t>(e)].kind == fusion::StepKind::kFused ? 1 : 0;
  return n;
}

json PointJson(const fusion::FusionDag& dag, const fusion::Setting& s) {
  return {{"peak_ram_bytes", s.peak_ram_bytes}, {"peak_ram_bytes_with_io", s.peak_ram_bytes_with_io},
          {"macs", s.macs}, {"mac_overhead", s.MacOverhead(dag)},
          {"steps", s.edges.size()}, {"fused_steps", FusedSteps(dag, s)}};
}

void PrintRow(const std::string& label, const fusion::FusionDag& dag, const fusion::Setting& s) {
  std::printf("%-10s %12s %15s %9.4f %6zu %6d\n", label.c_str(), Thousands(s.peak_ram_bytes).c_str(),
              Thousands(s.macs).c_str(), s.MacOverhead(dag), s.edges.size(), FusedSteps(dag, s));
}

struct Baseline {
  fusion::Strategy strategy;
  std::string label;  // for the chart
};

}  // namespace

int RunPareto(const std::vector<std::string>& argv) {
  Args args(argv, {"cost-model", "json", "svg"}, {});
  if (args.positional().size() != 1) {
    throw Error("usage: msf pareto MODEL [--cost-model exact|paper] [--json FILE] [--svg FILE]");
  }
  const std::string& model = args.positional()[0];
  const std::string cost_model = CostModelOption(args);
  const ir::Graph g = load::LoadModel(model);
  const fusion::FusionDag dag = BuildFusionDag(g, cost_model);
  const std::vector<fusion::Setting> front = fusion::ParetoFront(dag);

  std::printf("model: %s, cost model: %s, vanilla MACs: %s\n\n", model.c_str(), cost_model.c_str(),
              Thousands(dag.vanilla_macs).c_str());
  std::printf("%-10s %12s %15s %9s %6s %6s\n", "", "peak RAM B", "MACs", "overhead", "steps", "fused");
  json front_json = json::array();
  std::vector<ChartPoint> chart_front;
  for (size_t i = 0; i < front.size(); ++i) {
    PrintRow(i == 0 ? "front" : "", dag, front[i]);
    front_json.push_back(PointJson(dag, front[i]));
    chart_front.push_back({static_cast<double>(front[i].peak_ram_bytes) / 1000.0, front[i].MacOverhead(dag)});
  }
  std::printf("(%zu non-dominated settings; peak RAM without network input/output)\n\n", front.size());

  const Baseline baselines[] = {{fusion::Strategy::kLayer, "layer-by-layer"},
                                {fusion::Strategy::kMcunetV2, "MCUNetV2-style"},
                                {fusion::Strategy::kStreamNet, "StreamNet-style"}};
  json baselines_json = json::array(), unavailable = json::array();
  std::vector<ChartBaseline> chart_baselines;
  std::vector<std::string> notes, chart_notes;
  for (const Baseline& b : baselines) {
    const std::string name = fusion::StrategyName(b.strategy);
    std::optional<fusion::FusionDag> restricted;
    try {
      restricted = fusion::Restrict(dag, b.strategy);
    } catch (const Error& e) {
      notes.push_back(name + ": not available (" + e.what() + ")");
      chart_notes.push_back(b.label + ": not available with the " + cost_model + " cost model");
      unavailable.push_back({{"strategy", name}, {"reason", e.what()}});
      continue;
    }
    const fusion::Setting s = fusion::SolveMinRam(*restricted);
    PrintRow(name, *restricted, s);
    json j = PointJson(*restricted, s);
    j["strategy"] = name;
    baselines_json.push_back(j);
    chart_baselines.push_back({b.label, {static_cast<double>(s.peak_ram_bytes) / 1000.0, s.MacOverhead(*restricted)}});
  }
  for (const std::string& note : notes) std::printf("%s\n", note.c_str());

  if (auto path = args.Get("json")) {
    const json j = {{"model", model}, {"cost_model", cost_model}, {"vanilla_macs", dag.vanilla_macs},
                    {"front", front_json}, {"baselines", baselines_json}, {"unavailable", unavailable}};
    WriteTextFile(*path, j.dump(2) + "\n");
  }
  if (auto path = args.Get("svg")) {
    const std::string title = g.name + ": peak RAM vs MACs (" + cost_model + " cost model)";
    WriteTextFile(*path, ParetoSvg(title, chart_front, chart_baselines, chart_notes));
  }
  return 0;
}

}  // namespace msf::cli
