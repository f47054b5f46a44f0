// SPDX-License-Identifier: MIT
// The executor's refusals: a plan that does not match the model, a plan over
// --ram-limit, and a write outside the arena caught by the guard bytes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <fstream>

#include "base/error.h"
#include "search/exact_dag.h"
#include "exec/fused_executor.h"
#include "plan/plan_json.h"
#include "search/solvers.h"
#include "frontend/model_loader.h"
#include "plan/device_plan.h"
#include "support/test_support.h"

namespace msf {
namespace {

struct Fixture {
  ir::Graph g = frontend::LoadModel("zoo:mcunet-vww-5fps-r80");
  search::FusionDag dag = search::BuildExactDag(g);
  plan::Plan plan = plan::MakePlan(dag, search::SolveMinRam(dag));
  std::vector<int8_t> input = std::vector<int8_t>(80 * 80 * 3, 7);
};

std::string RunError(const Fixture& f, const plan::Plan& plan, exec::RunOptions options = {}) {
  try {
    exec::RunPlan(f.g, plan, f.input, options);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(FusedErrors, PlanForAnotherModelIsRefused) {
  Fixture f;
  plan::Plan p = f.plan;
  p.num_ops = 12;
  EXPECT_NE(RunError(f, p).find("plan is for 12 ops but the model has 45"), std::string::npos);
}

TEST(FusedErrors, OverlappingOrMissingStepsAreRefused) {
  Fixture f;
  plan::Plan overlap = f.plan;
  overlap.steps[1].from -= 1;
  EXPECT_NE(RunError(f, overlap).find("without gaps or overlaps"), std::string::npos);
  plan::Plan short_plan = f.plan;
  short_plan.steps.pop_back();
  EXPECT_NE(RunError(f, short_plan).find("plan steps end at op"), std::string::npos);
}

TEST(FusedErrors, LayerStepOverSeveralOpsIsRefused) {
  Fixture f;
  plan::Plan p = f.plan;
  p.steps[0].kind = step::StepKind::kLayer;
  EXPECT_NE(RunError(f, p).find("a layer step runs one op"), std::string::npos);
}

TEST(FusedErrors, RamLimitIsCheckedBeforeRunning) {
  Fixture f;
  exec::RunOptions o;
  o.ram_limit = 1000;
  EXPECT_NE(RunError(f, f.plan, o).find("over --ram-limit 1000"), std::string::npos);
  o.ram_limit = 1 << 20;
  EXPECT_EQ(RunError(f, f.plan, o), "");
}

TEST(FusedErrors, WritesOutsideTheArenaTripTheGuards) {
  Fixture f;
  plan::DevicePlan device(f.g, f.plan);
  // Shrink the arena the runtime is given: the top buffer now spills into the guard.
  const msf_plan& rt = device.runtime_plan();
  std::vector<int8_t> out(static_cast<size_t>(f.g.tensor(f.g.output()).NumElements()));
  EXPECT_THROW(exec::MeasureRun(rt, rt.arena_bytes - 16, exec::IoLayoutOf(f.g), f.input, &out), Error);
  EXPECT_NO_THROW(exec::MeasureRun(rt, rt.arena_bytes, exec::IoLayoutOf(f.g), f.input, &out));
}

// The patch loop checks every convolution's layer arguments once, before
// the first step, and calls the kernels' _cell entries after that: a plan
// with a bad convolution is refused before anything is written.
TEST(FusedErrors, BadConvolutionLayerIsRefusedBeforeTheRun) {
  Fixture f;
  const plan::DevicePlan dp(f.g, f.plan);
  const msf_plan& rp = dp.runtime_plan();
  std::vector<uint8_t> arena(static_cast<size_t>(rp.arena_bytes) + 16, 0xa5);
  std::vector<int8_t> out(size_t(1) << 16, 0x5a);  // more than any output of the model
  for (const msf_kernel_kind kind : {MSF_KERNEL_CONV, MSF_KERNEL_DEPTHWISE_CONV}) {
    const plan::DeviceKernel* victim = nullptr;
    for (const plan::DeviceKernel& k : dp.kernels()) {
      if (k.kernel.kind == kind) victim = &k;
    }
    ASSERT_NE(victim, nullptr);
    auto* p = const_cast<msf_conv_params*>(static_cast<const msf_conv_params*>(victim->kernel.params));
    const msf_conv_params saved = *p;
    p->stride_w = 0;
    EXPECT_EQ(msf_run_plan(&rp, f.input.data(), out.data(), arena.data()), MSF_ARG_ERROR);
    *p = saved;
    EXPECT_TRUE(std::all_of(arena.begin(), arena.end(), [](uint8_t b) { return b == 0xa5; }))
        << "the arena was written before the plan was refused";
    EXPECT_TRUE(std::all_of(out.begin(), out.end(), [](int8_t b) { return b == 0x5a; }))
        << "the output was written";
  }
  EXPECT_EQ(msf_run_plan(&rp, f.input.data(), out.data(), arena.data()), MSF_OK) << "restored plan";
}

// msf_plan_cells_ok walks a plan's schedule and checks every convolution
// call's views without running anything: a generated package relies on it
// (MSF_PLAN_CELLS_CHECKED). A tile shrunk by one row fails it.
TEST(FusedErrors, CellCheckAcceptsRealPlansAndRefusesAShrunkTile) {
  Fixture f;
  const plan::DevicePlan dp(f.g, f.plan);
  EXPECT_TRUE(msf_plan_cells_ok(&dp.runtime_plan()));
  int shrunk = 0;
  for (const msf_step& st : dp.steps()) {
    if (!st.fused) continue;
    for (int32_t i = 0; i < st.num_ops; ++i) {
      const msf_kernel_kind kind = static_cast<msf_kernel_kind>(st.ops[i].kernel->kind);
      if (kind != MSF_KERNEL_CONV && kind != MSF_KERNEL_DEPTHWISE_CONV) continue;
      auto* slot = const_cast<msf_slot*>(&st.slots[st.ops[i].in[0]]);
      if (slot->whole || slot->h < 2) continue;
      slot->h -= 1;
      EXPECT_FALSE(msf_plan_cells_ok(&dp.runtime_plan())) << "op " << i << " with its input tile one row short";
      slot->h += 1;
      ++shrunk;
    }
  }
  EXPECT_GT(shrunk, 0);
  EXPECT_TRUE(msf_plan_cells_ok(&dp.runtime_plan())) << "restored plan";
}

TEST(FusedErrors, CliCheckReportsAndNothingIsWrittenOnFailure) {
  const std::string plan_path = test::TempPath("vww_min.json");
  const std::string in_path = test::TempPath("vww_in.bin");
  const std::string out_path = test::TempPath("vww_out.bin");
  test::WriteFile(in_path, std::vector<uint8_t>(80 * 80 * 3, 9));
  ASSERT_EQ(test::RunCli({"plan", "zoo:mcunet-vww-5fps-r80", "--min-ram", "--json", plan_path}).exit_code, 0);
  const test::CliResult ok = test::RunCli({"run", "zoo:mcunet-vww-5fps-r80", "--input", in_path, "--output", out_path,
                                           "--plan", plan_path, "--check"});
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.out.find("bit-exact: yes"), std::string::npos);
  EXPECT_NE(ok.out.find("planned_peak_ram_bytes: 11200"), std::string::npos) << ok.out;
  EXPECT_NE(ok.out.find("measured_peak_ram_bytes: 11200"), std::string::npos) << ok.out;
  const std::string never = test::TempPath("never_written.bin");
  const test::CliResult limited = test::RunCli({"run", "zoo:mcunet-vww-5fps-r80", "--input", in_path, "--output",
                                                never, "--plan", plan_path, "--ram-limit", "10k"});
  EXPECT_EQ(limited.exit_code, 2);
  EXPECT_NE(limited.err.find("over --ram-limit 10000"), std::string::npos) << limited.err;
  EXPECT_FALSE(std::ifstream(never).good());
}

}  // namespace
}  // namespace msf

namespace msf {
namespace {

// A model that is only a RESHAPE: input and output share one storage, yet
// the caller's output buffer must receive the bytes.
TEST(FusedEdgeCases, ReshapeOnlyModelCopiesInputToOutput) {
  ir::Graph g;
  g.name = "reshape";
  ir::Quant q;
  q.scale = {0.5f};
  q.zero_point = {0};
  const ir::TensorId in = g.AddActivation("in", {1, 2, 2, 3}, q);
  const ir::TensorId out = g.AddActivation("out", {1, 12}, q);
  g.ops.push_back({ir::OpKind::kReshape, {in}, {out}, {}, 0});
  g.inputs = {in};
  g.outputs = {out};
  const search::FusionDag dag = search::BuildExactDag(g);
  const plan::Plan plan = plan::MakePlan(dag, search::SolveMinRam(dag));
  std::vector<int8_t> input(12);
  for (size_t i = 0; i < input.size(); ++i) input[i] = static_cast<int8_t>(i * 9 - 40);
  const exec::PlanRun run = exec::RunPlan(g, plan, input);
  EXPECT_EQ(run.output, input);
  EXPECT_EQ(run.measured_peak_bytes, 0);
}

}  // namespace
}  // namespace msf
