// SPDX-License-Identifier: MIT
// What a step asks of the input sensor (READ_INPUT ops of a streamed graph):
// the runs of pixels it reads, in the order the patch loop asks for them.
// The planner keeps only in-order, read-once steps for --input-mode stream;
// reports give a reread plan's re-read pixels; the host executor checks the
// runtime asks for exactly these.
#pragma once
#include <cstdint>

#include "ir/graph.h"
#include "step/step_memory.h"

namespace msf::step {

struct InputReads {
  int64_t pixels = 0;    // pixels read (a pixel read twice counts twice)
  int64_t runs = 0;      // row runs asked for (the runtime splits a run where a column ring wraps)
  int64_t distinct = 0;  // input pixels (every pixel of the input tensors read)
  bool in_order_once = true;  // row-major order, no pixel asked for twice
  int64_t Rereads() const { return pixels - distinct; }
  void Add(const InputReads& o);
};

// The reads of one described step (zero for a step without READ_INPUT);
// `distinct` counts the inputs this step reads.
InputReads InputReadsOf(const ir::Graph& g, const StepMemory& m, const StepSpec& step);

}  // namespace msf::step
