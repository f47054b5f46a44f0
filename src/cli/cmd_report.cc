// SPDX-License-Identifier: MIT
// `msf report ram-table` (the engine is report/ram_table) and the
// `msf report` command that holds it and `msf report paper`.
#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "report/ram_table.h"

namespace msf::cli {

void AddReport(CLI::App& parent, std::vector<Command>* commands) {
  CLI::App* report = parent.add_subcommand("report", "the RAM table of BENCHMARKS.md, or docs/report");
  report->require_subcommand(1);
  auto models = std::make_shared<std::string>();
  CLI::App* ram_table = report->add_subcommand("ram-table", "the RAM table of BENCHMARKS.md, from msf runs");
  AddValue(ram_table, "--models", "DIR", "the shared models (default ../shared/models)",
           [models](const std::string& v) { *models = v; });
  commands->push_back({ram_table, [models] {
                         for (const std::string& line : report::RamTable(*models)) std::printf("%s\n", line.c_str());
                         return 0;
                       }});
  AddReportPaper(*report, commands);
}

}  // namespace msf::cli
