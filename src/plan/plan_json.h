// SPDX-License-Identifier: MIT
// A plan's JSON form (plan.h), so that `msf plan` and the executor can run
// as separate steps:
//   {"model", "strategy", "cost_model",
//    "objective": {"kind", "value", "minimise": "macs"|"instructions", "target"},
//    "peak_ram_bytes", "peak_ram_bytes_with_io", "macs", "vanilla_macs",
//    "mac_overhead", "num_ops",
//    "predicted_instructions": {"target", "total"}        (optional)
//    "steps": [{"ops": [first, last], "kind": "layer"|"fused",
//               "variant": "recompute"|"hcache"|"linebuf"|null,
//               "patch": [h, w]|null, "ram_bytes", "ram_bytes_with_io", "macs",
//               "predicted_instructions" (optional)}]}
// "minimise" and "target" are written only for "instructions" (absent: MACs).
// Op indices are those of the canonical graph (after frontend::LoadModel).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "plan/plan.h"

namespace msf::plan {

std::string PlanToJsonText(const Plan& plan);  // pretty-printed, ends with a newline
// Parses and validates: steps contiguous from op 0 to num_ops-1, known kinds
// and variants, non-negative numbers, totals matching the steps. Throws
// msf::Error with one line naming the first problem.
Plan PlanFromJsonText(std::string_view text);

void WritePlanFile(const std::string& path, const Plan& plan);
Plan ReadPlanFile(const std::string& path);  // errors are prefixed with the path

}  // namespace msf::plan
