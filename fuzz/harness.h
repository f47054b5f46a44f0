// SPDX-License-Identifier: MIT
// The bodies of the libFuzzer targets, shared with the GoogleTest that
// replays tests/corpus/<target>/ in every normal and sanitizer build.
//
// Each function takes one untrusted input. It must return normally, either
// because the input was accepted or because it was refused with one
// msf::Error (a non-empty, one-line message). Anything else is a bug: an
// invariant the harness checks is broken (it throws HarnessFailure), another
// exception escapes, or a sanitizer reports.
#pragma once
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace msf::fuzz {

// A broken invariant found by a harness (never thrown for bad input).
class HarnessFailure : public std::logic_error {
 public:
  explicit HarnessFailure(const std::string& what) : std::logic_error("fuzz harness: " + what) {}
};

// (a) .tflite importer: ImportTfliteBuffer + Canonicalize; for graphs that
// import, BuildExactDag with small options, its Pareto front, the baseline
// strategies and the paper cost model's DAG; for small graphs also the
// reference executor on a zero input and the min-RAM plan in the arena
// (which must be bit-exact with the reference, measured RAM == planned).
void TfliteOne(const uint8_t* data, size_t size);

// (b) plan JSON loader: PlanFromJsonText; a plan that loads must survive a
// JSON round trip, and is run against the plan model with its op count
// (PlanModels()): when PlanArena accepts it, RunPlan must be bit-exact with
// the reference and measure exactly the planned arena.
void PlanOne(const uint8_t* data, size_t size);

// (c) CLI number parsers: ParseRamBudget and ParseMaxOverhead.
void BudgetOne(const uint8_t* data, size_t size);

// (d) calibration loader (`--calibration FILE`): LatencyModelFromJson; a
// model that loads has every coefficient finite and in [0, 1e9], survives a
// JSON round trip, and predicts the edges of a small DAG, also with extreme
// work counts, into an instruction DAG whose edges saturate so the solvers
// never overflow (the sanitizers check the arithmetic).
void CalibrationOne(const uint8_t* data, size_t size);

// The small graphs the plan target runs plans against (different op counts).
const std::vector<ir::Graph>& PlanModels();

}  // namespace msf::fuzz
