// SPDX-License-Identifier: MIT
// The RAM results in BENCHMARKS.md come from msf runs: regenerate the table
// (plans executed in the arena, measured, checked bit-exact) and compare.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <iterator>

#include "base/text_format.h"
#include "exec/fused_executor.h"
#include "frontend/model_loader.h"
#include "plan/planner.h"
#include "support/test_support.h"

namespace msf {
namespace {

TEST(BenchmarksMd, RamTableIsWhatMsfMeasures) {
  MSF_REQUIRE_MODELS();
  std::ifstream f(std::string(MSF_SOURCE_DIR) + "/BENCHMARKS.md");
  const std::string md((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  const std::string begin = "<!-- ram-table:begin -->\n", end = "<!-- ram-table:end -->";
  const size_t b = md.find(begin), e = md.find(end);
  ASSERT_NE(b, std::string::npos);
  ASSERT_NE(e, std::string::npos);
  const std::string committed = md.substr(b + begin.size(), e - b - begin.size());
  const test::CliResult r = test::RunCli({"report", "ram-table", "--models", test::ModelsDir()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(committed, r.out) << "BENCHMARKS.md is stale: run tools/update_ram_table.sh";
}

// The detection table: each row planned by the planner and run in the arena
// (bit-exact against the golden file, measured == planned).
TEST(BenchmarksMd, DetectionTableIsWhatMsfPlans) {
  MSF_REQUIRE_MODELS();
  std::ifstream f(std::string(MSF_SOURCE_DIR) + "/BENCHMARKS.md");
  const std::string md((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  const std::string begin = "<!-- detection:begin -->\n", end = "<!-- detection:end -->";
  const size_t b = md.find(begin), e = md.find(end);
  ASSERT_NE(b, std::string::npos);
  ASSERT_NE(e, std::string::npos);
  const std::string committed = md.substr(b + begin.size(), e - b - begin.size());

  const std::string models = test::ModelsDir() + "/";
  const ir::Graph g = frontend::LoadModel(models + "detection/detection.tflite");
  const std::vector<uint8_t> raw = test::ReadFile(models + "inputs/detection/person_det_128x160x3_f32.bin");
  const std::vector<int8_t> input(raw.begin(), raw.end());
  const std::vector<uint8_t> golden = test::ReadFile(models + "expected/detection__person_det.out.bin");
  const plan::Planner planner(g);
  struct Row {
    const char* options;
    search::Strategy strategy;
    search::Objective objective;
  };
  const search::Objective min_ram{};
  const search::Objective f1{search::Objective::Kind::kMaxOverhead, 0, 1.0};
  std::string table = "| plan (`msf plan detection.tflite ...`) | arena (planned = measured) | MACs (F) | steps (fused) |\n"
                      "|---|---|---|---|\n";
  for (const Row& row : {Row{"--min-ram", search::Strategy::kMsf, min_ram},
                         Row{"--max-overhead 1.0", search::Strategy::kMsf, f1},
                         Row{"--strategy streamnet --min-ram", search::Strategy::kStreamNet, min_ram},
                         Row{"--strategy mcunetv2 --min-ram", search::Strategy::kMcunetV2, min_ram},
                         Row{"--strategy layer --min-ram", search::Strategy::kLayer, min_ram}}) {
    plan::PlanRequest r;
    r.strategy = row.strategy;
    r.objective = row.objective;
    const plan::Plan p = planner.Solve(r);
    const exec::PlanRun run = exec::RunPlan(g, p, input);
    EXPECT_EQ(std::vector<uint8_t>(run.output.begin(), run.output.end()), golden) << row.options;
    EXPECT_EQ(run.measured_peak_bytes, p.arena_bytes) << row.options;
    int fused = 0;
    for (const plan::PlanStep& st : p.steps) fused += st.kind == step::StepKind::kFused ? 1 : 0;
    char f[32];
    std::snprintf(f, sizeof f, "%.2f", p.mac_overhead);
    table += "| `" + std::string(row.options) + "` | " + Thousands(p.arena_bytes) + " B | " + Thousands(p.macs) + " (" + f +
             ") | " + std::to_string(p.steps.size()) + " (" + std::to_string(fused) + ") |\n";
  }
  EXPECT_EQ(committed, table) << "BENCHMARKS.md's detection table is stale";
}

}  // namespace
}  // namespace msf
