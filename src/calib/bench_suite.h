// SPDX-License-Identifier: MIT
// The calibration micro-benchmarks: small synthetic graphs with a fixed plan
// each. Layer benchmarks run one op of one kernel family layer by layer, in
// shapes like the shared models' layers; fused benchmarks run typical blocks
// (inverted residuals, a stem, a residual ADD, a pooled head) as one fused
// step in every variant and patch size, which exposes the patch loop's cost.
#pragma once
#include <string>
#include <vector>

#include "step/step_memory.h"
#include "search/dag.h"
#include "plan/plan_json.h"
#include "ir/graph.h"

namespace msf::calib {

struct Bench {
  std::string name;
  ir::Graph graph;
  std::vector<step::StepSpec> steps;  // covers every op, in order
};

enum class SuiteSize { kFull, kTiny };  // kTiny: a handful, for tests

std::vector<Bench> BenchSuite(SuiteSize size);

// A bench's plan with every step's work, as the planner would count it.
struct BenchPlan {
  plan::Plan plan;
  std::vector<step::StepWork> work;
  std::vector<step::StepKind> kinds;
};
// Throws msf::Error if a fused step of the bench cannot be formed.
BenchPlan PlanBench(const Bench& bench);

// The input every bench runs on (in QEMU and on the host): every int8 value,
// in a fixed order.
std::vector<int8_t> BenchInput(const ir::Graph& g);


}  // namespace msf::calib
