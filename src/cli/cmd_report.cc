// SPDX-License-Identifier: MIT
// `msf report ram-table` (the engine is report/ram_table) and the
// dispatch to `msf report paper`.
#include <cstdio>
#include <string>

#include "base/error.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "report/ram_table.h"

namespace msf::cli {

int RunReport(const std::vector<std::string>& argv) {
  if (!argv.empty() && argv[0] == "paper") return RunReportPaper(argv);
  Args args(argv, {"models"}, {});
  if (args.positional().size() != 1 || args.positional()[0] != "ram-table") {
    throw Error("usage: msf report ram-table [--models DIR] | msf report paper --out DIR [--models DIR]");
  }
  for (const std::string& line : report::RamTable(args.Get("models").value_or(""))) std::printf("%s\n", line.c_str());
  return 0;
}

}  // namespace msf::cli
