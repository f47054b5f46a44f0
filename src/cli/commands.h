// SPDX-License-Identifier: MIT
#pragma once
#include <string>
#include <vector>

namespace msf::cli {

// Each returns the process exit code; user errors throw msf::Error.
int RunInfo(const std::vector<std::string>& args);
int RunRun(const std::vector<std::string>& args);
int RunPlan(const std::vector<std::string>& args);
int RunPareto(const std::vector<std::string>& args);
int RunReport(const std::vector<std::string>& args);
int RunCodegen(const std::vector<std::string>& args);
int RunCalibrate(const std::vector<std::string>& args);
int RunReportPaper(const std::vector<std::string>& args);  // `msf report paper`

}  // namespace msf::cli
