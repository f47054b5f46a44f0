// SPDX-License-Identifier: MIT
// Helpers for the codegen tests (header-only): plans made through the
// library like `msf plan` makes them, shell commands with captured output,
// and parsing of a generated package's `make run` lines.
#pragma once
#include <sys/wait.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "base/error.h"
#include "codegen/codegen.h"
#include "search/exact_dag.h"
#include "plan/plan_json.h"
#include "search/solvers.h"
#include "search/strategy.h"
#include "ir/graph.h"
#include "support/test_support.h"

namespace msf::test {

struct ShellResult {
  int exit_code = -1;
  std::string out;  // stdout and stderr, interleaved
};

// The two result lines of `make run`:
//   output: <hex>
//   ram_static=N ram_stack=N ram_total=N instructions=N|NA
struct RunLines {
  int output_lines = 0, stats_lines = 0;
  std::vector<uint8_t> output;
  std::map<std::string, std::string> stats;
};

// A solver plan of `g`: "min_ram", "budget_64k" or "layer" (vanilla).
inline plan::Plan MakeCodegenPlan(const ir::Graph& g, const std::string& kind) {
  search::FusionDag dag = search::BuildExactDag(g);
  search::Objective objective;
  search::Strategy strategy = search::Strategy::kMsf;
  search::Setting setting;
  if (kind == "min_ram") {
    setting = search::SolveMinRam(dag);
  } else if (kind == "budget_64k") {
    objective.kind = search::Objective::Kind::kRamBudget;
    objective.ram_budget = 64000;
    setting = search::SolveP2(dag, objective.ram_budget);
  } else if (kind == "layer") {
    strategy = search::Strategy::kLayer;
    dag = search::Restrict(dag, strategy);
    setting = search::SolveMinRam(dag);
  } else {
    throw Error("unknown test plan kind " + kind);
  }
  plan::Plan plan = plan::MakePlan(dag, setting);
  plan.model = g.name;
  plan.strategy = search::StrategyName(strategy);
  plan.cost_model = "exact";
  plan.objective = objective;
  return plan;
}

// The file `path` of a generated package; nullptr if it has none.
inline const codegen::File* FindPackageFile(const codegen::Package& p, const std::string& path) {
  for (const codegen::File& f : p.files) {
    if (f.path == path) return &f;
  }
  return nullptr;
}

inline std::string ShellQuote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += (c == '\'') ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

inline ShellResult RunShell(const std::string& command) {
  static int counter = 0;
  const std::string log = TempPath("shell_" + std::to_string(counter++) + ".log");
  const int status = std::system(("(" + command + ") >" + ShellQuote(log) + " 2>&1").c_str());
  ShellResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  std::ifstream f(log);
  r.out.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  std::remove(log.c_str());
  return r;
}

inline bool HaveProgram(const std::string& name) {
  return RunShell("command -v " + ShellQuote(name)).exit_code == 0;
}

inline RunLines ParseRunLines(const std::string& text) {
  RunLines r;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("output: ", 0) == 0) {
      ++r.output_lines;
      const std::string hex = line.substr(8);
      r.output.clear();
      for (size_t i = 0; i + 1 < hex.size(); i += 2) {
        r.output.push_back(static_cast<uint8_t>(std::stoul(hex.substr(i, 2), nullptr, 16)));
      }
      if (hex.size() % 2 != 0) r.output.clear();
    } else if (line.rfind("ram_static=", 0) == 0 || line.rfind("flash_text=", 0) == 0 ||
               line.rfind("input_pixels_read=", 0) == 0) {
      if (line[0] == 'r') ++r.stats_lines;
      std::istringstream words(line);
      std::string word;
      while (words >> word) {
        const size_t eq = word.find('=');
        if (eq != std::string::npos) r.stats[word.substr(0, eq)] = word.substr(eq + 1);
      }
    }
  }
  return r;
}

// Builds the package in `dir` with its Makefile (-j2) and runs `make run`:
// the run's result, or the build's when it failed or printed a warning
// (exit code 1 then, the build's output as `out`).
inline ShellResult BuildAndRunPackage(const std::string& dir) {
  const std::string make = "make -s --no-print-directory -C " + ShellQuote(dir);
  ShellResult build = RunShell(make + " -j2");
  if (build.exit_code != 0 || build.out.find("warning") != std::string::npos) {
    if (build.exit_code == 0) build.exit_code = 1;
    return build;
  }
  return RunShell(make + " run");
}

inline std::string HexBytes(const std::vector<uint8_t>& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (uint8_t b : bytes) {
    s += digits[b >> 4];
    s += digits[b & 15];
  }
  return s;
}

}  // namespace msf::test
