// SPDX-License-Identifier: MIT
// Runs a plan on one static arena through the device runtime's patch loop
// and measures the RAM it really touched: the arena (and guard bytes on both
// sides) is poisoned before the run, and the high-water mark is the highest
// arena byte that changed. Two runs with different poison values make a byte
// that happens to be written with the poison value impossible to miss.
#pragma once
#include <cstdint>
#include <vector>

#include "plan/plan_json.h"
#include <array>

#include "ir/graph.h"
#include "step/input_reads.h"
#include "msf_rt/msf_plan.h"

namespace msf::exec {

// The model's inputs and outputs as one byte string each: the tensors
// concatenated in graph order (int8, or float32 little-endian at float
// boundaries), as the shared models' golden files store them.
struct IoLayout {
  std::vector<int64_t> input_bytes, output_bytes;  // per graph input / output
  int64_t InputBytes() const;
};
IoLayout IoLayoutOf(const ir::Graph& g);

struct PlanRun {
  std::vector<int8_t> output;  // every output, concatenated in graph order
  // What the runtime asked the simulated sensor for (streamed inputs): the
  // same as the plan's step::InputReads, checked.
  step::InputReads reads;
  int64_t planned_arena_bytes = 0;   // from the arena planner
  int64_t planned_peak_bytes = 0;    // max over steps of live bytes (the DAG's peak)
  int64_t measured_peak_bytes = 0;   // high-water mark of the arena
  bool guards_intact = true;
};

struct RunOptions {
  int64_t ram_limit = -1;  // refuse (msf::Error) before running if the arena is larger
  // How a plan of a streamed graph gets its input: resident (its readers
  // copy from the whole input tensor), or from a simulated sensor
  // (msf_run_plan_stream) serving the input row by row; `stream` also
  // asserts that rows are asked for in order and at most once.
  ir::InputMode feed = ir::InputMode::kResident;
};

// Runs runtime tables on a poisoned, guarded arena of `arena_bytes` (the
// measurement behind RunPlan). Throws msf::Error if a guard byte changed.
struct ArenaMeasurement {
  int64_t high_water = 0;
  bool guards_intact = true;
};
// `sensor`: serve the inputs through msf_run_plan_stream (the reads it saw
// are returned in `reads`); otherwise through msf_run_plan_io.
struct SensorFeed {
  std::vector<std::array<int32_t, 3>> shapes;  // per input: rows, columns, bytes per pixel
  step::InputReads* reads = nullptr;
};
ArenaMeasurement MeasureRun(const msf_plan& rt, int64_t arena_bytes, const IoLayout& io,
                            const std::vector<int8_t>& input, std::vector<int8_t>* output,
                            const SensorFeed* sensor = nullptr);

PlanRun RunPlan(const ir::Graph& g, const plan::Plan& plan, const std::vector<int8_t>& input,
                const RunOptions& options = {});

}  // namespace msf::exec
