// SPDX-License-Identifier: MIT
// The calibration suite on the host: every benchmark of `msf calibrate`
// (layers and fused blocks in every variant) plans, runs in the fused
// executor with the same output bytes as the layer-by-layer reference, and
// measures the arena it planned. `msf calibrate` checks the same on each
// target in QEMU; this catches a broken bench without the tool chains.
#include <gtest/gtest.h>

#include <set>

#include "calib/bench_suite.h"
#include "exec/fused_executor.h"
#include "exec/reference_executor.h"

namespace msf {
namespace {

TEST(CalibrationSuite, EveryBenchRunsBitExactWithItsPlannedArena) {
  const std::vector<calib::Bench> suite = calib::BenchSuite(calib::SuiteSize::kFull);
  std::set<std::string> names;
  size_t fused = 0;
  for (const calib::Bench& b : suite) {
    SCOPED_TRACE(b.name);
    EXPECT_TRUE(names.insert(b.name).second) << "duplicate bench name";
    const calib::BenchPlan bp = calib::PlanBench(b);
    for (step::StepKind kind : bp.kinds) fused += kind == step::StepKind::kFused;
    const std::vector<int8_t> input = calib::BenchInput(b.graph);  // the one msf calibrate runs
    const exec::PlanRun run = exec::RunPlan(b.graph, bp.plan, input);
    EXPECT_EQ(run.output, exec::RunReference(b.graph, input));
    EXPECT_EQ(run.measured_peak_bytes, run.planned_arena_bytes);
    EXPECT_TRUE(run.guards_intact);
  }
  // The deep blocks the latency validation needs (docs/latency-model.md):
  // each fused block in all seven variants.
  for (const char* block : {"w035_stage_24x3", "conv_chain_20x3"}) {
    size_t variants = 0;
    for (const std::string& n : names) variants += n.rfind(std::string(block) + "_", 0) == 0;
    EXPECT_EQ(variants, 7u) << block;
  }
  EXPECT_GE(fused, 7u * 11u);
}

}  // namespace
}  // namespace msf
