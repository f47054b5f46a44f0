// SPDX-License-Identifier: MIT
#include "cli/planner_options.h"

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "base/error.h"

namespace msf::cli {

std::string CostModelOption(const Args& args) {
  const std::string name = args.Get("cost-model").value_or("exact");
  plan::ParseCostModel(name);  // throws for an unknown name
  return name;
}

search::ExactOptions ExactOptionsFrom(const Args& args) {
  search::ExactOptions options;
  if (auto text = args.Get("work-limit")) {
    const std::string& t = *text;
    char* end = nullptr;
    errno = 0;
    const double v = t == "inf" ? INFINITY : std::strtod(t.c_str(), &end);
    if (t != "inf" && (t.empty() || end != t.c_str() + t.size() || errno == ERANGE || !std::isfinite(v))) {
      throw Error("invalid work limit '" + t + "': not a number (expected work units such as 2e9, or inf)");
    }
    if (!(v >= 1)) throw Error("invalid work limit '" + t + "': must be at least 1 (or inf for no limit)");
    options.work_limit = v >= 9.2e18 ? 0 : static_cast<int64_t>(v);  // 0: no limit
  }
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

plan::PlannerOptions PlannerOptionsFrom(const Args& args, const std::string& cost_model) {
  plan::PlannerOptions o;
  o.cost_model = plan::ParseCostModel(cost_model);
  o.exact = ExactOptionsFrom(args);
  o.note = [](const std::string& note) { std::fprintf(stderr, "msf: note: %s\n", note.c_str()); };
  return o;
}

}  // namespace msf::cli
