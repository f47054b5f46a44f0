// SPDX-License-Identifier: MIT
// `msf report ram-table`: the RAM results of BENCHMARKS.md, regenerated from
// real msf runs (plan, fused execution, measured arena high-water mark,
// bit-exact check) next to the paper's published numbers.
#pragma once
#include <string>
#include <vector>

namespace msf::report {

// The Markdown table, one line per entry (header first). Zoo models always;
// the real models of `models_dir` too when it is not empty. Throws
// msf::Error if a run differs from the reference or from its plan.
std::vector<std::string> RamTable(const std::string& models_dir);

}  // namespace msf::report
