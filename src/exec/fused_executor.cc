// SPDX-License-Identifier: MIT
#include "exec/fused_executor.h"

#include <cstring>
#include <string>

#include "base/error.h"
#include "msf_rt/msf_plan.h"
#include "plan/device_plan.h"
#include "plan/planner.h"

namespace msf::exec {
namespace {

constexpr size_t kGuardBytes = 64;

struct PoisonedRun {
  int64_t high_water = 0;
  bool guards_intact = true;
};

// 4-byte aligned copies of the caller's tensors (float boundaries need it).
struct IoBuffers {
  std::vector<std::vector<uint32_t>> inputs, outputs;
  std::vector<const void*> input_ptrs;
  std::vector<void*> output_ptrs;

  IoBuffers(const IoLayout& io, const std::vector<int8_t>& input) {
    int64_t at = 0;
    for (int64_t bytes : io.input_bytes) {
      inputs.emplace_back(static_cast<size_t>(bytes + 3) / 4);
      std::memcpy(inputs.back().data(), input.data() + at, static_cast<size_t>(bytes));
      at += bytes;
    }
    for (int64_t bytes : io.output_bytes) outputs.emplace_back(static_cast<size_t>(bytes + 3) / 4);
    for (auto& v : inputs) input_ptrs.push_back(v.data());
    for (auto& v : outputs) output_ptrs.push_back(v.data());
  }
  std::vector<int8_t> Output(const IoLayout& io) const {
    std::vector<int8_t> out;
    for (size_t i = 0; i < outputs.size(); ++i) {
      const int8_t* p = reinterpret_cast<const int8_t*>(outputs[i].data());
      out.insert(out.end(), p, p + io.output_bytes[i]);
    }
    return out;
  }
};

// The simulated sensor: serves runs of input rows from the whole tensors
// and logs them (order, pixels) as step::InputReads counts them.
struct Sensor {
  const IoBuffers* buffers;
  const SensorFeed* feed;
  step::InputReads reads;
  std::vector<std::pair<int32_t, int32_t>> last;  // per input: (row, column end) of the last run
  bool out_of_range = false;

  static msf_status Read(void* ctx, int32_t input, int32_t row, int32_t col, int32_t cols, void* dst) {
    Sensor& s = *static_cast<Sensor*>(ctx);
    if (input < 0 || static_cast<size_t>(input) >= s.feed->shapes.size()) return s.Fail();
    const auto [rows, width, pixel] = s.feed->shapes[static_cast<size_t>(input)];
    if (row < 0 || row >= rows || col < 0 || cols < 1 || cols > width - col) return s.Fail();
    auto& [ly, lx] = s.last[static_cast<size_t>(input)];
    if (row < ly || (row == ly && col < lx)) s.reads.in_order_once = false;
    ly = row, lx = col + cols;
    s.reads.pixels += cols;
    s.reads.runs += 1;
    const uint8_t* src = reinterpret_cast<const uint8_t*>(s.buffers->input_ptrs[static_cast<size_t>(input)]);
    std::memcpy(dst, src + (static_cast<size_t>(row) * width + col) * pixel, static_cast<size_t>(cols) * pixel);
    return MSF_OK;
  }
  msf_status Fail() {
    out_of_range = true;
    return MSF_ARG_ERROR;
  }
};

PoisonedRun RunOnce(const msf_plan& rt, size_t arena_bytes, uint8_t poison, const IoLayout& io,
                    const std::vector<int8_t>& input, std::vector<int8_t>* output, const SensorFeed* feed) {
  // 4-byte aligned storage: guard | arena | guard.
  std::vector<uint32_t> words((arena_bytes + 2 * kGuardBytes + 3) / 4 + 1);
  uint8_t* base = reinterpret_cast<uint8_t*>(words.data());
  std::memset(base, poison, words.size() * 4);
  uint8_t* arena = base + kGuardBytes;
  IoBuffers buffers(io, input);
  msf_status status;
  if (feed != nullptr) {
    Sensor sensor{&buffers, feed, {}, std::vector<std::pair<int32_t, int32_t>>(feed->shapes.size(), {-1, 0})};
    status = msf_run_plan_stream(&rt, &Sensor::Read, &sensor, buffers.output_ptrs.data(), arena);
    if (sensor.out_of_range) throw Error("internal: the plan asked the sensor for pixels outside the input");
    if (feed->reads != nullptr) *feed->reads = sensor.reads;
  } else {
    status = msf_run_plan_io(&rt, buffers.input_ptrs.data(), buffers.output_ptrs.data(), arena);
  }
  if (status != MSF_OK) throw Error("the runtime rejected a kernel's arguments while running the plan");
  *output = buffers.Output(io);
  PoisonedRun r;
  for (size_t i = 0; i < kGuardBytes; ++i) {
    if (base[i] != poison || arena[arena_bytes + i] != poison) r.guards_intact = false;
  }
  for (size_t i = arena_bytes; i-- > 0;) {
    if (arena[i] != poison) {
      r.high_water = static_cast<int64_t>(i) + 1;
      break;
    }
  }
  return r;
}

}  // namespace

IoLayout IoLayoutOf(const ir::Graph& g) {
  IoLayout io;
  for (ir::TensorId t : g.inputs) io.input_bytes.push_back(g.tensor(t).Bytes());
  for (ir::TensorId t : g.outputs) io.output_bytes.push_back(g.tensor(t).Bytes());
  return io;
}

int64_t IoLayout::InputBytes() const {
  int64_t n = 0;
  for (int64_t b : input_bytes) n += b;
  return n;
}

ArenaMeasurement MeasureRun(const msf_plan& rt, int64_t arena_bytes, const IoLayout& io,
                            const std::vector<int8_t>& input, std::vector<int8_t>* output, const SensorFeed* sensor) {
  if (static_cast<int64_t>(input.size()) != io.InputBytes()) {
    throw Error("input has " + std::to_string(input.size()) + " bytes, the model expects " +
                std::to_string(io.InputBytes()));
  }
  std::vector<int8_t> second;
  const size_t arena = static_cast<size_t>(arena_bytes);
  const PoisonedRun a = RunOnce(rt, arena, 0xA5, io, input, output, sensor);
  const PoisonedRun b = RunOnce(rt, arena, 0x5A, io, input, &second, sensor);
  if (!a.guards_intact || !b.guards_intact) {
    throw Error("guard bytes around the arena were overwritten: the plan wrote outside its arena");
  }
  if (second != *output) throw Error("internal: the plan's output depends on uninitialised arena bytes");
  return {std::max(a.high_water, b.high_water), true};
}

PlanRun RunPlan(const ir::Graph& g, const plan::Plan& plan, const std::vector<int8_t>& input,
                const RunOptions& options) {
  const plan::DevicePlan device(g, plan);
  PlanRun run;
  run.planned_arena_bytes = device.arena().arena_bytes;
  run.planned_peak_bytes = device.arena().peak_step_bytes;
  if (options.ram_limit >= 0 && run.planned_arena_bytes > options.ram_limit) {
    throw Error("the plan needs an arena of " + std::to_string(run.planned_arena_bytes) +
                " bytes, over --ram-limit " + std::to_string(options.ram_limit));
  }
  if (options.feed != ir::InputMode::kResident && g.input_mode == ir::InputMode::kResident) {
    throw Error(std::string("the plan reads a resident input: make it with --input-mode ") +
                ir::InputModeName(options.feed) + " to feed it from a sensor");
  }
  SensorFeed feed;
  feed.reads = &run.reads;
  for (ir::TensorId t : g.inputs) {
    const ir::Tensor& in = g.tensor(t);
    feed.shapes.push_back({in.H(), in.W(), static_cast<int32_t>(in.Bytes() / (int64_t{in.H()} * in.W()))});
  }
  const bool sensor = options.feed != ir::InputMode::kResident;
  const ArenaMeasurement m = MeasureRun(device.runtime_plan(), run.planned_arena_bytes, IoLayoutOf(g), input, &run.output,
                                        sensor ? &feed : nullptr);
  run.measured_peak_bytes = m.high_water;
  run.guards_intact = m.guards_intact;
  if (sensor) {
    const step::InputReads planned = plan::PlanInputReads(g, plan);
    if (options.feed == ir::InputMode::kStream && !run.reads.in_order_once) {
      throw Error("the plan asked the sensor for an input row again or out of order: it cannot stream its input");
    }
    if (run.reads.pixels != planned.pixels || run.reads.in_order_once != planned.in_order_once) {
      throw Error("internal: the runtime read " + std::to_string(run.reads.pixels) + " input pixels, the plan " +
                  std::to_string(planned.pixels));
    }
    run.reads.distinct = planned.distinct;
  }
  return run;
}

}  // namespace msf::exec
