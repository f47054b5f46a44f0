// SPDX-License-Identifier: MIT
// The runtime descriptor tables of a plan (msf_rt/msf_plan.h), built on the
// host. The host executor runs them with msf_run_plan(); codegen prints the
// same tables as const C data. All arrays are owned here.
#pragma once
#include <deque>
#include <memory>
#include <vector>

#include "plan/plan_json.h"
#include "ir/graph.h"
#include "lower/lowering.h"
#include "msf_rt/msf_plan.h"
#include "plan/arena_plan.h"

namespace msf::plan {

// One graph op's kernel and the data its params point to.
struct DeviceKernel {
  int32_t op = -1;    // graph op index
  int32_t part = -1;  // CONCATENATION: the input this kernel copies (one kernel per input)
  lower::LoweredOp lowered;
  msf_pad_params pad{};
  msf_resize_params resize{};  // lowered.ResizeParams(): points into `lowered`
  msf_kernel kernel{};
};

struct DeviceStep {
  std::vector<msf_slot> slots;
  std::vector<msf_step_op> ops, head_ops;
  std::vector<msf_interval> row_need, col_need;
  std::vector<msf_action> row_actions, col_actions;
};

class DevicePlan {
 public:
  DevicePlan(const ir::Graph& g, const plan::Plan& plan);
  DevicePlan(const DevicePlan&) = delete;
  DevicePlan& operator=(const DevicePlan&) = delete;

  const msf_plan& runtime_plan() const { return plan_; }
  const ArenaPlan& arena() const { return arena_; }
  const std::deque<DeviceKernel>& kernels() const { return kernels_; }
  const std::vector<DeviceStep>& device_steps() const { return device_steps_; }
  const std::vector<msf_step>& steps() const { return steps_; }
  // Index into kernels() of a kernel pointer used by a step op.
  size_t KernelIndex(const msf_kernel* k) const;

 private:
  const msf_kernel* KernelFor(const ir::Graph& g, int32_t op);
  // CONCATENATION: the kernel copying input `part` (layer steps run one per input).
  const msf_kernel* ConcatPartKernel(const ir::Graph& g, int32_t op, int32_t part);
  void BuildLayerStep(const ir::Graph& g, const step::GraphLiveness& live, int32_t s, int32_t op);
  void BuildFusedStep(const ir::Graph& g, const step::GraphLiveness& live, int32_t s);
  msf_slot WholeSlot(const ir::Graph& g, const step::GraphLiveness& live, ir::TensorId t) const;

  ArenaPlan arena_;
  std::deque<DeviceKernel> kernels_;
  std::vector<int32_t> kernel_of_op_;
  std::vector<DeviceStep> device_steps_;
  std::vector<msf_step> steps_;
  msf_plan plan_{};
};

}  // namespace msf::plan
