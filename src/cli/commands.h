// SPDX-License-Identifier: MIT
// The msf subcommands. Each Add* declares its subcommand on `parent` (options,
// help) and appends what runs it to `commands`.
#pragma once
#include <vector>

#include "cli/command_line.h"

namespace msf::cli {

void AddInfo(CLI::App& parent, std::vector<Command>* commands);
void AddRun(CLI::App& parent, std::vector<Command>* commands);
void AddPlan(CLI::App& parent, std::vector<Command>* commands);
void AddPareto(CLI::App& parent, std::vector<Command>* commands);
void AddReport(CLI::App& parent, std::vector<Command>* commands);  // ram-table and paper
void AddReportPaper(CLI::App& report, std::vector<Command>* commands);
void AddCodegen(CLI::App& parent, std::vector<Command>* commands);
void AddCalibrate(CLI::App& parent, std::vector<Command>* commands);

}  // namespace msf::cli
