// SPDX-License-Identifier: MIT
// profile_steps.h (msf codegen --profile-steps): each plan step's label and
// the target's latency-model prediction for it, which the harness prints
// beside the instructions it counts per step.
#include <string>
#include <vector>

#include "base/error.h"
#include "codegen/c_files.h"
#include "codegen/c_writer.h"
#include "cost/latency_model.h"
#include "plan/planner.h"

namespace msf::codegen {
namespace {

// "op 3 CONV_2D" or "ops 0-12 fused, recompute 2x2".
std::string StepLabel(const ir::Graph& g, const plan::PlanStep& s) {
  if (s.kind == step::StepKind::kLayer) {
    return "op " + std::to_string(s.from) + " " + ir::OpKindName(g.ops[static_cast<size_t>(s.from)].kind);
  }
  return "ops " + std::to_string(s.from) + "-" + std::to_string(s.to - 1) + " fused, " +
         step::VariantName(s.variant) + " " + std::to_string(s.patch_h) + "x" + std::to_string(s.patch_w);
}

}  // namespace

std::string ProfileStepsFile(const CFileContext& c, const plan::Plan& plan) {
  if (static_cast<size_t>(c.plan.runtime_plan().num_steps) != plan.steps.size()) {
    throw Error("codegen: internal error: the runtime plan's steps are not the plan's");
  }
  plan::Plan predicted = plan;
  plan::PredictPlan(&predicted, plan::PlanStepWork(c.graph, plan), cost::BuiltinLatencyModel(TargetName(c.options.target)));
  std::vector<int64_t> instructions;
  std::vector<std::string> labels;
  for (const plan::PlanStep& s : predicted.steps) {
    instructions.push_back(s.predicted_instructions);
    std::string label = "\"";  // (gcc 12 warns on "\"" + string: a false -Wrestrict)
    label += CText(StepLabel(c.graph, s));
    labels.push_back(label + "\"");
  }
  CWriter w;
  w.Line("#ifndef MSF_PROFILE_STEPS_H");
  w.Line("#define MSF_PROFILE_STEPS_H");
  w.Line("#include <stdint.h>");
  w.Line();
  w.Line("#define MSF_PROFILE_STEPS " + std::to_string(plan.steps.size()));
  w.Comment("Instructions per step predicted by msf's latency model for " + std::string(TargetName(c.options.target)) +
            " (calibration/" + TargetName(c.options.target) + ".json)");
  w.IntArray("static const uint64_t msf_profile_predicted[MSF_PROFILE_STEPS] = ", instructions);
  w.List("static const char *const msf_profile_step_names[MSF_PROFILE_STEPS] = ", labels, ";", 1);
  w.Line();
  w.Line("#endif");
  return FileHeader(c, "The plan's steps and their predicted instructions (--profile-steps).") + w.text();
}

}  // namespace msf::codegen
