// SPDX-License-Identifier: MIT
#include "exec/fused_executor.h"

#include <cstring>
#include <string>

#include "base/error.h"
#include "msf_rt/msf_plan.h"
#include "plan/device_plan.h"

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

PoisonedRun RunOnce(const msf_plan& rt, size_t arena_bytes, uint8_t poison, const IoLayout& io,
                    const std::vector<int8_t>& input, std::vector<int8_t>* output) {
  // 4-byte aligned storage: guard | arena | guard.
  std::vector<uint32_t> words((arena_bytes + 2 * kGuardBytes + 3) / 4 + 1);
  uint8_t* base = reinterpret_cast<uint8_t*>(words.data());
  std::memset(base, poison, words.size() * 4);
  uint8_t* arena = base + kGuardBytes;
  IoBuffers buffers(io, input);
  const msf_status status = msf_run_plan_io(&rt, buffers.input_ptrs.data(), buffers.output_ptrs.data(), arena);
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
                            const std::vector<int8_t>& input, std::vector<int8_t>* output) {
  if (static_cast<int64_t>(input.size()) != io.InputBytes()) {
    throw Error("input has " + std::to_string(input.size()) + " bytes, the model expects " +
                std::to_string(io.InputBytes()));
  }
  std::vector<int8_t> second;
  const size_t arena = static_cast<size_t>(arena_bytes);
  const PoisonedRun a = RunOnce(rt, arena, 0xA5, io, input, output);
  const PoisonedRun b = RunOnce(rt, arena, 0x5A, io, input, &second);
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
  const ArenaMeasurement m = MeasureRun(device.runtime_plan(), run.planned_arena_bytes, IoLayoutOf(g), input, &run.output);
  run.measured_peak_bytes = m.high_water;
  run.guards_intact = m.guards_intact;
  return run;
}

}  // namespace msf::exec
