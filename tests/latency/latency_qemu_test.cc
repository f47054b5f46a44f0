// SPDX-License-Identifier: MIT
// The latency model against QEMU. LatencyCalibration runs a tiny calibration
// end to end; LatencyValidation checks the committed rv32imac model's
// predictions against measured instructions (exact `minstret` under QEMU
// -icount) on real models and plans: within 10% (BENCHMARKS.md lists the
// errors, all about 1%). Tool chains are required (tools/install-mcu-deps.sh);
// missing shared models skip the validation.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "calib/bench_graph.h"
#include "calib/bench_suite.h"
#include "calib/calibrate.h"
#include "codegen/codegen_test_util.h"
#include "search/exact_dag.h"
#include "cost/latency_model.h"
#include "search/solvers.h"
#include "search/strategy.h"
#include "frontend/model_loader.h"
#include "target/mcu_run.h"
#include "plan/arena_choice.h"
#include "support/test_support.h"

namespace msf {
namespace {

constexpr double kMaxRelativeError = 0.10;

void RequireRv32Toolchain() {
  for (const char* tool : {"make", "riscv64-unknown-elf-gcc", "qemu-system-riscv32"}) {
    ASSERT_TRUE(test::HaveProgram(tool)) << tool << " is missing: run tools/install-mcu-deps.sh";
  }
}

TEST(LatencyCalibration, TinySuiteMeasuresAndFits) {
  RequireRv32Toolchain();
  const std::vector<calib::Bench> suite = calib::BenchSuite(calib::SuiteSize::kTiny);
  ASSERT_GE(suite.size(), 3u);
  calib::MeasureOptions o;
  o.target = codegen::Target::kRv32imac;
  const std::vector<calib::Sample> samples = calib::MeasureSuite(suite, o);
  ASSERT_EQ(samples.size(), suite.size());
  for (const calib::Sample& s : samples) EXPECT_GT(s.instructions, 1000) << s.name;
  // Deterministic: the same bench counts the same instructions again.
  const std::vector<calib::Sample> again = calib::MeasureSuite({suite[0]}, o);
  EXPECT_EQ(again[0].instructions, samples[0].instructions);
  const cost::LatencyModel m = calib::FitLatencyModel(samples, "rv32imac");
  for (double c : m.Coefficients()) EXPECT_GE(c, 0);
  EXPECT_LT(calib::Evaluate(m, samples).max_relative_error, 0.02);
}

TEST(LatencyCalibration, BenchesTooBigForTheBoardAreSkipped) {
  // cortex-m0plus runs on the micro:bit's 16 KiB of RAM: a layer whose
  // 20 KB output cannot link there is skipped (named), not an error.
  for (const char* tool : {"make", "arm-none-eabi-gcc", "qemu-system-arm"}) {
    ASSERT_TRUE(test::HaveProgram(tool)) << tool << " is missing: run tools/install-mcu-deps.sh";
  }
  ir::GraphBuilder b = calib::BenchGraphBuilder("big", {1, 16, 16, 8}, 7);
  b.Conv(80, 1, 1);
  calib::Bench big{"too_big", calib::TakeBenchGraph(b), {}};
  big.steps.push_back({0, 1, step::StepKind::kLayer, step::Variant::kNone, 0, 0});
  calib::MeasureOptions o;
  o.target = codegen::Target::kCortexM0plus;
  std::vector<std::string> skipped;
  EXPECT_TRUE(calib::MeasureSuite({big}, o, &skipped).empty());
  EXPECT_EQ(skipped, std::vector<std::string>{"too_big"});
  try {  // without a skip list it is an error, one line saying why
    calib::MeasureSuite({big}, o);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("do not fit the board's RAM"), std::string::npos) << e.what();
  }
}

struct ValidationCase {
  std::string model, input, expected;  // below the models dir
  std::string plan;                    // min-ram, 64k, layer, f1.3
};

void PrintTo(const ValidationCase& c, std::ostream* os) { *os << c.model << " " << c.plan; }

std::vector<ValidationCase> Cases() {
  const std::vector<std::array<std::string, 3>> models = {
      {"person_detect/person_detect.tflite", "inputs/person_detect/person_96x96x1_int8.bin",
       "expected/person_detect__person.out.bin"},
      {"mcunet_vww/mcunet-5fps_vww.tflite", "inputs/vww/vww_person_80x80x3_int8.bin",
       "expected/mcunet-5fps_vww__vww_person.out.bin"},
  };
  std::vector<ValidationCase> cases;
  for (const auto& m : models) {
    for (const char* plan : {"min-ram", "64k", "layer", "f1.3"}) cases.push_back({m[0], m[1], m[2], plan});
  }
  return cases;
}

std::string CaseName(const ::testing::TestParamInfo<ValidationCase>& info) {
  std::string name = std::filesystem::path(info.param.model).stem().string() + "_" + info.param.plan;
  for (char& c : name) {
    if (!isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

plan::Plan SolvePlan(const ir::Graph& g, const std::string& kind) {
  search::FusionDag dag = search::BuildExactDag(g);
  search::Objective o;
  if (kind == "layer") dag = search::Restrict(dag, search::Strategy::kLayer);
  if (kind == "64k") o = {search::Objective::Kind::kRamBudget, 64000, 0};
  if (kind == "f1.3") o = {search::Objective::Kind::kMaxOverhead, 0, 1.3};
  const plan::ArenaChoice choice = plan::SolveForArena(g, dag, o);
  plan::Plan p = plan::MakePlan(dag, choice.setting);
  p.model = g.name;
  p.strategy = kind == "layer" ? "layer" : "msf";
  p.cost_model = "exact";
  p.objective = o;
  std::vector<step::StepWork> work;
  for (int32_t e : choice.setting.edges) work.push_back(dag.edges[static_cast<size_t>(e)].work);
  plan::PredictPlan(&p, work, cost::BuiltinLatencyModel("rv32imac"));
  return p;
}

class LatencyValidation : public ::testing::TestWithParam<ValidationCase> {};

TEST_P(LatencyValidation, PredictedInstructionsWithinTenPercentOfQemu) {
  MSF_REQUIRE_MODELS();
  RequireRv32Toolchain();
  const ValidationCase& c = GetParam();
  const std::string models = test::ModelsDir() + "/";
  const ir::Graph g = frontend::LoadModel(models + c.model);
  const plan::Plan plan = SolvePlan(g, c.plan);
  const std::vector<uint8_t> raw = test::ReadFile(models + c.input);
  const std::vector<uint8_t> expected = test::ReadFile(models + c.expected);
  const std::string dir = test::TempPath("latency_" + CaseName({GetParam(), 0}));
  const target::TargetRun run = target::RunOnTarget(g, plan, codegen::Target::kRv32imac,
                                                      std::vector<int8_t>(raw.begin(), raw.end()), dir);
  EXPECT_EQ(std::vector<uint8_t>(run.output.begin(), run.output.end()), expected) << "output differs from the golden";
  ASSERT_GT(run.instructions, 0);
  const double error = static_cast<double>(plan.predicted_instructions - run.instructions) /
                       static_cast<double>(run.instructions);
  RecordProperty("predicted", std::to_string(plan.predicted_instructions));
  RecordProperty("measured", std::to_string(run.instructions));
  EXPECT_LE(std::abs(error), kMaxRelativeError)
      << "predicted " << plan.predicted_instructions << ", measured " << run.instructions;
  if (!HasFailure()) std::filesystem::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(LatencySharedModels, LatencyValidation, ::testing::ValuesIn(Cases()), CaseName);

}  // namespace
}  // namespace msf
