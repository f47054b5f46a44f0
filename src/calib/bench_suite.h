// SPDX-License-Identifier: MIT
// The calibration micro-benchmarks: small synthetic graphs with a fixed plan
// each. Layer benchmarks run one op of one kernel family layer by layer, in
// shapes like the shared models' layers; fused benchmarks run typical blocks
// (inverted residuals, a stem, a residual ADD, a pooled head) as one fused
// step in every variant and patch size, which exposes the patch loop's cost.
#pragma once
#include <string>
#include <vector>

#include "cost/step_memory.h"
#include "fusion/dag.h"
#include "fusion/plan_json.h"
#include "ir/graph.h"

namespace msf::calib {

struct Bench {
  std::string name;
  ir::Graph graph;
  std::vector<cost::StepSpec> steps;  // covers every op, in order
};

enum class SuiteSize { kFull, kTiny };  // kTiny: a handful, for tests

std::vector<Bench> BenchSuite(SuiteSize size);

// A bench's plan with every step's work, as the planner would count it.
struct BenchPlan {
  fusion::Plan plan;
  std::vector<fusion::StepWork> work;
  std::vector<fusion::StepKind> kinds;
};
// Throws msf::Error if a fused step of the bench cannot be formed.
BenchPlan PlanBench(const Bench& bench);

// The work of every step of an existing plan of `g` (plan steps described
// with the exact geometry). Throws msf::Error for a step msf cannot form.
std::vector<fusion::StepWork> PlanWork(const ir::Graph& g, const fusion::Plan& plan);

}  // namespace msf::calib
