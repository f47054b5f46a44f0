// SPDX-License-Identifier: MIT
// Streamed inputs (msf plan --input-mode stream|reread): on every shared
// model, plans made for a streamed input give the golden bytes when the
// runtime pulls the rows from a simulated sensor, with planned == measured
// RAM; stream plans ask for each row once and in order, reread plans read
// exactly the pixels their schedule predicts; the same plans fed from a
// whole input tensor give the same bytes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <set>

#include "base/error.h"
#include "exec/fused_executor.h"
#include "exec/reference_executor.h"
#include "frontend/model_loader.h"
#include "ir/input_readers.h"
#include "plan/device_plan.h"
#include "plan/planner.h"
#include "support/test_support.h"

namespace msf {
namespace {

struct ModeCase {
  std::string model;
  ir::InputMode mode;
  search::Objective::Kind objective;
};
void PrintTo(const ModeCase& c, std::ostream* os) { *os << c.model << " " << ir::InputModeName(c.mode); }

std::vector<ModeCase> ModeCases() {
  std::set<std::string> models;
  for (const test::GoldenCase& c : test::GoldenCases()) models.insert(c.model);
  std::vector<ModeCase> cases;
  for (const std::string& m : models) {
    for (ir::InputMode mode : {ir::InputMode::kStream, ir::InputMode::kReread}) {
      cases.push_back({m, mode, search::Objective::Kind::kMinRam});
    }
    cases.push_back({m, ir::InputMode::kStream, search::Objective::Kind::kMaxOverhead});
  }
  return cases;
}

class InputMode : public ::testing::TestWithParam<ModeCase> {};

TEST_P(InputMode, GoldenFromTheSensorAndRamExact) {
  MSF_REQUIRE_MODELS();
  const ModeCase& mc = GetParam();
  const std::string dir = test::ModelsDir() + "/";
  const ir::Graph g = frontend::LoadModel(dir + mc.model, mc.mode);
  const plan::Planner planner(g);
  plan::PlanRequest request;
  request.objective.kind = mc.objective;
  request.objective.max_overhead = 1.3;
  const plan::Plan plan = planner.Solve(request);
  EXPECT_EQ(plan.input_mode, mc.mode);
  const step::InputReads planned = plan::PlanInputReads(g, plan);
  if (mc.mode == ir::InputMode::kStream) {
    EXPECT_TRUE(planned.in_order_once);
    EXPECT_EQ(planned.pixels, planned.distinct);
  }
  int inputs = 0;
  for (const test::GoldenCase& c : test::GoldenCases()) {
    if (c.model != mc.model) continue;
    const std::vector<uint8_t> raw = test::ReadFile(dir + c.input);
    const std::vector<int8_t> input(raw.begin(), raw.end());
    const std::vector<uint8_t> expected = test::ReadFile(dir + c.expected);
    exec::RunOptions sensor;
    sensor.feed = mc.mode;
    const exec::PlanRun run = exec::RunPlan(g, plan, input, sensor);
    EXPECT_EQ(std::vector<uint8_t>(run.output.begin(), run.output.end()), expected) << c.input;
    EXPECT_EQ(run.measured_peak_bytes, run.planned_arena_bytes);
    EXPECT_EQ(run.planned_arena_bytes, plan.arena_bytes);
    EXPECT_EQ(run.reads.pixels, planned.pixels);
    EXPECT_EQ(run.reads.in_order_once, planned.in_order_once);
    EXPECT_EQ(run.reads.distinct, planned.distinct);
    // The same plan with the whole input tensor given (its readers copy).
    const exec::PlanRun whole = exec::RunPlan(g, plan, input);
    EXPECT_EQ(whole.output, run.output);
    EXPECT_EQ(whole.measured_peak_bytes, whole.planned_arena_bytes);
    ++inputs;
  }
  EXPECT_GE(inputs, 1);
}

std::string ModeCaseName(const ::testing::TestParamInfo<ModeCase>& info) {
  std::string n = info.param.model.substr(info.param.model.find('/') + 1);
  n = n.substr(0, n.find(".tflite")) + "_" + ir::InputModeName(info.param.mode) +
      (info.param.objective == search::Objective::Kind::kMinRam ? "_min_ram" : "_f1_3");
  for (char& ch : n) if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return n;
}

INSTANTIATE_TEST_SUITE_P(SharedModels, InputMode, ::testing::ValuesIn(ModeCases()), ModeCaseName);

// Device RAM: the arena holds a streamed input's rows; the buffers outside
// it are the outputs only, and a resident input's tensor besides them.
TEST(InputModeRam, StreamedInputIsInTheArenaNotBeside) {
  MSF_REQUIRE_MODELS();
  const std::string model = test::ModelsDir() + "/person_detect/person_detect.tflite";
  const ir::Graph resident = frontend::LoadModel(model);
  const ir::Graph stream = frontend::LoadModel(model, ir::InputMode::kStream);
  EXPECT_EQ(plan::IoBufferBytes(resident), 96 * 96 + 2);
  EXPECT_EQ(plan::IoBufferBytes(stream), 2);
  plan::PlanRequest min_ram;
  const plan::Plan r = plan::Planner(resident).Solve(min_ram);
  const plan::Plan s = plan::Planner(stream).Solve(min_ram);
  EXPECT_LT(s.DeviceRamBytes(), r.DeviceRamBytes());
  EXPECT_EQ(s.DeviceRamBytes(), s.arena_bytes + 2);
  // --count-io: a device budget is arena + buffers.
  plan::PlanRequest budget;
  budget.objective.kind = search::Objective::Kind::kRamBudget;
  budget.objective.ram_budget = r.arena_bytes + plan::IoBufferBytes(resident);
  budget.count_io = true;
  EXPECT_LE(plan::Planner(resident).Solve(budget).DeviceRamBytes(), budget.objective.ram_budget);
  budget.objective.ram_budget = r.arena_bytes + plan::IoBufferBytes(resident) - 1;
  try {
    plan::Planner(resident).Solve(budget);
    ADD_FAILURE() << "a device budget below the smallest device RAM was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("smallest feasible device RAM is " +
                                         std::to_string(r.arena_bytes + plan::IoBufferBytes(resident))),
              std::string::npos)
        << e.what();
  }
}

// A plan runs only on the graph of its input mode; a resident plan cannot
// be fed from a sensor; a reread plan fed as a stream is refused.
TEST(InputModeRam, MismatchesAreRefused) {
  MSF_REQUIRE_MODELS();
  const std::string model = test::ModelsDir() + "/person_detect/person_detect.tflite";
  const ir::Graph resident = frontend::LoadModel(model);
  const ir::Graph reread = frontend::LoadModel(model, ir::InputMode::kReread);
  const plan::Plan rp = plan::Planner(resident).Solve({});
  const plan::Plan rr = plan::Planner(reread).Solve({});
  const std::vector<int8_t> input(96 * 96, 3);
  EXPECT_THROW(exec::RunPlan(reread, rp, input), Error);
  exec::RunOptions stream;
  stream.feed = ir::InputMode::kStream;
  EXPECT_THROW(exec::RunPlan(resident, rp, input, stream), Error);
  ASSERT_FALSE(plan::PlanInputReads(reread, rr).in_order_once) << "the min-RAM reread plan re-reads rows";
  try {
    exec::RunPlan(reread, rr, input, stream);
    ADD_FAILURE() << "a re-reading plan ran as a stream";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("again or out of order"), std::string::npos) << e.what();
  }
}

// The runtime's streamed entry point: a plan whose steps read the input
// tensor directly cannot run from a sensor; a sensor's error stops the run.
TEST(InputModeRuntime, StreamEntryChecksThePlanAndPassesSensorErrors) {
  MSF_REQUIRE_MODELS();
  const std::string model = test::ModelsDir() + "/person_detect/person_detect.tflite";
  const ir::Graph resident = frontend::LoadModel(model);
  const ir::Graph stream = frontend::LoadModel(model, ir::InputMode::kStream);
  const plan::DevicePlan rp(resident, plan::Planner(resident).Solve({}));
  const plan::DevicePlan sp(stream, plan::Planner(stream).Solve({}));
  std::vector<uint32_t> arena(static_cast<size_t>(std::max(rp.arena().arena_bytes, sp.arena().arena_bytes)) / 4 + 1);
  int8_t out[2];
  void* outputs[1] = {out};
  struct Sensor {
    int calls = 0;
    static msf_status Read(void* ctx, int32_t, int32_t row, int32_t, int32_t cols, void* dst) {
      Sensor& s = *static_cast<Sensor*>(ctx);
      ++s.calls;
      std::memset(dst, 0, static_cast<size_t>(cols));
      return row == 5 ? MSF_ARG_ERROR : MSF_OK;  // a sensor failing on row 5
    }
  } sensor;
  uint8_t* a = reinterpret_cast<uint8_t*>(arena.data());
  EXPECT_EQ(msf_run_plan_stream(&rp.runtime_plan(), &Sensor::Read, &sensor, outputs, a), MSF_ARG_ERROR);
  EXPECT_EQ(sensor.calls, 0) << "a plan that reads the input tensor directly must be refused before it runs";
  EXPECT_EQ(msf_run_plan_stream(&sp.runtime_plan(), &Sensor::Read, &sensor, outputs, a), MSF_ARG_ERROR);
  EXPECT_EQ(sensor.calls, 6) << "the run stops at the sensor's first error (rows 0..5 asked for)";
  EXPECT_EQ(msf_run_plan_stream(&sp.runtime_plan(), nullptr, &sensor, outputs, a), MSF_ARG_ERROR);
}

TEST(InputReaders, ReadersGoInFrontAndTakeTheInputsConsumers) {
  MSF_REQUIRE_MODELS();
  const std::string model = test::ModelsDir() + "/detection/detection.tflite";
  const ir::Graph plain = frontend::LoadModel(model);
  const ir::Graph g = frontend::LoadModel(model, ir::InputMode::kStream);
  ASSERT_EQ(g.ops.size(), plain.ops.size() + g.inputs.size());
  for (size_t i = 0; i < g.inputs.size(); ++i) {
    const ir::Op& r = g.ops[i];
    EXPECT_EQ(r.kind, ir::OpKind::kReadInput);
    EXPECT_EQ(r.input(), g.inputs[i]);
    EXPECT_EQ(g.tensor(r.output()).type, g.tensor(g.inputs[i]).type);  // float32 rows for the detector
    EXPECT_EQ(g.tensor(r.output()).shape, g.tensor(g.inputs[i]).shape);
    for (size_t k = g.inputs.size(); k < g.ops.size(); ++k) {
      for (ir::TensorId t : g.ops[k].inputs) EXPECT_NE(t, g.inputs[i]) << "op " << k << " still reads the input";
    }
  }
  EXPECT_THROW(ir::ParseInputMode("dma"), Error);
  ir::Graph twice = g;
  EXPECT_THROW(ir::AddInputReaders(twice, ir::InputMode::kReread), Error);
}

}  // namespace
}  // namespace msf
