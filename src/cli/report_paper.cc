// SPDX-License-Identifier: MIT
// `msf report paper`: docs/report/ (Markdown + one Pareto SVG per model),
// msf's strategies at the paper's constraints, planned and measured (host
// and Cortex-M4 in QEMU), next to the paper's published numbers.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/format.h"
#include "report/paper_pages.h"
#include "report/paper_runs.h"
#include "report/pareto_svg.h"
#include "base/error.h"

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

}  // namespace

int RunReportPaper(const std::vector<std::string>& argv) {
  Args args(argv, {"out", "models", "jobs", "only"}, {});
  if (args.positional().size() != 1 || !args.Get("out")) {
    throw Error("usage: msf report paper --out DIR [--models DIR] [--jobs N] [--only SLUG,...]");
  }
  PaperReportOptions o;
  o.models_dir = args.Get("models").value_or("../shared/models");
  if (!std::filesystem::exists(o.models_dir + "/README.md")) {
    throw Error(o.models_dir + ": shared models not found (give --models DIR)");
  }
  if (auto jobs = args.Get("jobs")) {
    try {
      o.jobs = std::stoi(*jobs);
    } catch (const std::exception&) {
      o.jobs = 0;
    }
    if (o.jobs < 1 || o.jobs > 64) throw Error("--jobs must be a number from 1 to 64, got '" + *jobs + "'");
  }
  if (auto only = args.Get("only")) {
    o.only = SplitComma(*only);
    for (const std::string& slug : o.only) {
      bool known = false;
      for (const ReportModel& m : ReportModels()) known = known || m.slug == slug;
      if (!known) throw Error("unknown report model '" + slug + "'");
    }
  }
  o.progress = [](const std::string& line) { std::fprintf(stderr, "  %s\n", line.c_str()); };
  const std::string out = *args.Get("out");
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
  std::printf("wrote %zu model pages, their charts and README.md to %s\n", report.models.size(), out.c_str());
  return 0;
}

}  // namespace msf::cli
