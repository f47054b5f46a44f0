// SPDX-License-Identifier: MIT
// `msf report paper`: docs/report/ (Markdown + one Pareto SVG per model),
// msf's strategies at the paper's constraints, planned and measured (host
// and Cortex-M4 in QEMU), next to the paper's published numbers.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <sstream>

#include "cli/commands.h"
#include "cli/format.h"
#include "cost/latency_model.h"
#include "report/paper_pages.h"
#include "report/paper_runs.h"
#include "report/pareto_svg.h"
#include "base/error.h"
#include "base/read_file.h"

namespace msf::cli {
namespace {

using namespace report;  // the report engine this command drives

std::vector<std::string> SplitComma(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

struct PaperArgs {
  std::string out;
  std::optional<std::string> samples, reuse;
  std::vector<std::string> calibration_paths;  // read into options.calibrations
  PaperReportOptions options;
};

int RunReportPaper(PaperArgs a) {
  PaperReportOptions& o = a.options;
  std::vector<std::string> inputs = a.calibration_paths;
  inputs.push_back(a.reuse.value_or(""));
  CheckOutputs(a.samples ? std::vector<std::string>{*a.samples} : std::vector<std::string>{}, inputs);
  if (!std::filesystem::exists(o.models_dir + "/README.md")) {
    throw Error(o.models_dir + ": shared models not found (give --models DIR)");
  }
  o.progress = [](const std::string& line) { std::fprintf(stderr, "  %s\n", line.c_str()); };
  std::vector<RunRecord> reused;
  if (a.reuse) {
    const std::vector<char> bytes = ReadWholeFile<char>(*a.reuse, "samples file", kMaxTextFileBytes);
    reused = ParseRunRecordsCsv(std::string(bytes.begin(), bytes.end()), *a.reuse);
    o.reuse = &reused;
  }
  const std::string& out = a.out;
  std::error_code ec;
  std::filesystem::create_directories(out, ec);
  if (ec) throw Error(out + ": cannot create directory (" + ec.message() + ")");

  const PaperReport report = CollectPaperReport(o);
  for (const ModelReport& m : report.models) {
    WriteTextFile(out + "/" + m.model.slug + ".md", ModelPage(m));
    ChartOptions chart;
    chart.front_label = "msf Pareto front (exact cost model)";
    chart.series = m.series;
    WriteTextFile(out + "/" + m.model.slug + ".svg",
                  ParetoSvg(m.model.slug + ": peak RAM vs MAC overhead", m.front, m.baselines, m.notes, chart));
  }
  WriteTextFile(out + "/README.md", Summary(report));
  if (a.samples) WriteTextFile(*a.samples, RunRecordsCsv(report.runs));
  std::printf("wrote %zu model pages, their charts and README.md to %s\n", report.models.size(), out.c_str());
  return 0;
}

}  // namespace

void AddReportPaper(CLI::App& report, std::vector<Command>* commands) {
  auto a = std::make_shared<PaperArgs>();
  a->options.models_dir = "../shared/models";
  CLI::App* app = report.add_subcommand(
      "paper", "docs/report: every strategy at the paper's constraints, measured on the host and Cortex-M4");
  AddValue(app, "--out", "DIR", "the report directory", [a](const std::string& v) { a->out = v; })->required();
  AddValue(app, "--models", "DIR", "the shared models (default ../shared/models)",
           [a](const std::string& v) { a->options.models_dir = v; });
  AddValue(app, "--jobs", "N", "runs at a time (1 to 64)",
           [a](const std::string& v) { a->options.jobs = ParseJobs(v); });
  AddText(app, "--samples", "FILE.csv", "write every QEMU run's target, plan, measured RAM and instructions, prediction",
          &a->samples);
  AddText(app, "--reuse", "FILE.csv",
          "take the QEMU measurements from an earlier --samples file instead of running them (a refitted model)",
          &a->reuse);
  AddValue(app, "--calibration", "FILE,...",
           "latency models from msf calibrate --out, each replacing the built-in model of its target",
           [a](const std::string& v) {
             a->options.calibrations.clear();
             a->calibration_paths = SplitComma(v);
             for (const std::string& path : a->calibration_paths) {
               cost::LatencyModel m = cost::ReadLatencyModelFile(path);
               const std::vector<std::string>& known = cost::CalibratedTargets();
               if (std::find(known.begin(), known.end(), m.target) == known.end()) {
                 throw Error(path + " calibrates " + m.target + ", which the report does not run (" +
                             cost::CalibratedTargetList(", ") + ")");
               }
               for (const cost::LatencyModel& other : a->options.calibrations) {
                 if (other.target == m.target) throw Error("--calibration: two models of " + m.target);
               }
               a->options.calibrations.push_back(std::move(m));
             }
           });
  AddValue(app, "--only", "SLUG,...", "only these report models", [a](const std::string& v) {
    a->options.only = SplitComma(v);
    for (const std::string& slug : a->options.only) {
      bool known = false;
      for (const ReportModel& m : ReportModels()) known = known || m.slug == slug;
      if (!known) throw Error("unknown report model '" + slug + "'");
    }
  });
  commands->push_back({app, [a] { return RunReportPaper(*a); }});
}

}  // namespace msf::cli
