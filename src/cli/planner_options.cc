// SPDX-License-Identifier: MIT
#include "cli/planner_options.h"

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "base/error.h"
#include "ir/input_readers.h"

namespace msf::cli {
namespace {

int64_t ParseWorkLimit(const std::string& t) {
  char* end = nullptr;
  errno = 0;
  const double v = t == "inf" ? INFINITY : std::strtod(t.c_str(), &end);
  if (t != "inf" && (t.empty() || end != t.c_str() + t.size() || errno == ERANGE || !std::isfinite(v))) {
    throw Error("invalid work limit '" + t + "': not a number (expected work units such as 2e9, or inf)");
  }
  if (!(v >= 1)) throw Error("invalid work limit '" + t + "': must be at least 1 (or inf for no limit)");
  return v >= 9.2e18 ? 0 : static_cast<int64_t>(v);  // 0: no limit
}

}  // namespace

void AddPlannerOptions(CLI::App* app, PlannerArgs* args) {
  AddValue(app, "--cost-model", "exact|paper",
           "exact: msf's buffers and work (default); paper: the paper's analytic chain model",
           [args](const std::string& v) {
             plan::ParseCostModel(v);  // throws for an unknown name
             args->cost_model = v;
           });
  AddValue(app, "--work-limit", "UNITS|inf",
           "bound on the work of the exact DAG build (default 2e9: shorter fused blocks above it, refused if "
           "still over)",
           [args](const std::string& v) { args->work_limit = ParseWorkLimit(v); });
  AddValue(app, "--input-mode", "resident|stream|reread",
           "resident: the input is a whole tensor outside the arena (default); stream: the first step pulls its "
           "rows through a callback into a ring, each row once, in order; reread: rows may be asked for again",
           [args](const std::string& v) { args->input_mode = ir::ParseInputMode(v); });
  AddFlag(app, "--count-io",
          "count the device's input and output buffers: a --ram-budget is for arena + buffers, RAM is reported so",
          &args->count_io);
}

search::ExactOptions ExactOptionsFrom(const PlannerArgs& args) {
  search::ExactOptions options;
  if (args.work_limit) options.work_limit = *args.work_limit;
  // Progress: silent for two seconds, then one line every five.
  struct State {
    std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now(), last = start;
  };
  auto state = std::make_shared<State>();
  options.progress = [state](double fraction) {
    const auto now = std::chrono::steady_clock::now();
    const double since_start = std::chrono::duration<double>(now - state->start).count();
    const double since_last = std::chrono::duration<double>(now - state->last).count();
    if (since_start < 2.0 || (state->last != state->start && since_last < 5.0)) return;
    state->last = now;
    std::fprintf(stderr, "msf: planning: fusion DAG %d%% built after %.0f s\n",
                 static_cast<int>(std::min(fraction, 1.0) * 100), since_start);
  };
  return options;
}

plan::PlannerOptions PlannerOptionsFrom(const PlannerArgs& args) {
  plan::PlannerOptions o;
  o.cost_model = plan::ParseCostModel(args.cost_model);
  o.exact = ExactOptionsFrom(args);
  o.note = [](const std::string& note) { std::fprintf(stderr, "msf: note: %s\n", note.c_str()); };
  return o;
}

}  // namespace msf::cli
