// SPDX-License-Identifier: MIT
#include "plan/plan_json.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <nlohmann/json.hpp>

#include "base/atomic_write.h"
#include "base/error.h"
#include "ir/input_readers.h"
#include "base/read_file.h"
#include "search/strategy.h"

namespace msf::plan {

using search::Metric;
using search::Objective;
using search::ObjectiveKindName;
using step::StepKind;
using step::Variant;
namespace {

using nlohmann::json;
using nlohmann::ordered_json;  // output keeps the documented field order

[[noreturn]] void Bad(const std::string& where, const std::string& what) {
  throw Error("invalid plan: " + where + " " + what);
}

const json& Field(const json& obj, const char* key, const std::string& where) {
  auto it = obj.find(key);
  if (it == obj.end()) Bad(where, std::string("has no \"") + key + "\"");
  return *it;
}

int64_t NonNegativeInt(const json& v, const std::string& where) {
  if (!v.is_number_integer()) Bad(where, "must be an integer");
  if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    Bad(where, "is too large");
  }
  const int64_t x = v.get<int64_t>();
  if (x < 0) Bad(where, "must not be negative");
  return x;
}

int64_t NonNegativeInt(const json& obj, const char* key, const std::string& where) {
  return NonNegativeInt(Field(obj, key, where), where + "." + key);
}

std::string String(const json& obj, const char* key, const std::string& where) {
  const json& v = Field(obj, key, where);
  if (!v.is_string()) Bad(where + "." + key, "must be a string");
  return v.get<std::string>();
}

int32_t OpIndex(const json& v, const std::string& where) {
  const int64_t x = NonNegativeInt(v, where);
  if (x > std::numeric_limits<int32_t>::max()) Bad(where, "is too large");
  return static_cast<int32_t>(x);
}

Variant ParseVariant(const json& v, const std::string& where) {
  if (v.is_string()) {
    for (Variant x : {Variant::kRecompute, Variant::kHCache, Variant::kLineBuffer}) {
      if (v.get<std::string>() == VariantName(x)) return x;
    }
  }
  Bad(where, "must be \"recompute\", \"hcache\" or \"linebuf\"");
}

ordered_json ObjectiveJson(const Objective& o, Metric metric, const std::string& target) {
  ordered_json j = {{"kind", ObjectiveKindName(o.kind)}};
  if (o.kind == Objective::Kind::kRamBudget) j["value"] = o.ram_budget;
  if (o.kind == Objective::Kind::kMaxOverhead) {
    j["value"] = std::isinf(o.max_overhead) ? ordered_json("inf") : ordered_json(o.max_overhead);
  }
  if (metric == Metric::kInstructions) {  // absent: MACs, as in plans from before latency models
    j["minimise"] = "instructions";
    j["target"] = target;
  }
  return j;
}

Objective ParseObjective(const json& j, Metric* metric, std::string* target) {
  const std::string where = "objective";
  if (!j.is_object()) Bad(where, "must be an object");
  const std::string kind = String(j, "kind", where);
  Objective o;
  if (kind == "min_ram") {
    o.kind = Objective::Kind::kMinRam;
  } else if (kind == "ram_budget") {
    o.kind = Objective::Kind::kRamBudget;
    o.ram_budget = NonNegativeInt(j, "value", where);
  } else if (kind == "max_overhead") {
    o.kind = Objective::Kind::kMaxOverhead;
    const json& v = Field(j, "value", where);
    if (v.is_string() && v.get<std::string>() == "inf") {
      o.max_overhead = std::numeric_limits<double>::infinity();
    } else if (v.is_number() && v.get<double>() > 0) {
      o.max_overhead = v.get<double>();
    } else {
      Bad("objective.value", "must be a positive number or \"inf\"");
    }
  } else {
    Bad("objective.kind", "must be \"ram_budget\", \"max_overhead\" or \"min_ram\"");
  }
  const std::string minimise = j.contains("minimise") ? String(j, "minimise", where) : "macs";
  if (minimise == "instructions") {
    *metric = Metric::kInstructions;
    *target = String(j, "target", where);
  } else if (minimise != "macs") {
    Bad("objective.minimise", "must be \"macs\" or \"instructions\"");
  }
  return o;
}

ordered_json StepJson(const PlanStep& s) {
  const bool fused = s.kind == StepKind::kFused;
  return {{"ops", {s.from, s.to - 1}},
          {"kind", fused ? "fused" : "layer"},
          {"variant", fused ? ordered_json(VariantName(s.variant)) : ordered_json(nullptr)},
          {"patch", fused ? ordered_json({s.patch_h, s.patch_w}) : ordered_json(nullptr)},
          {"ram_bytes", s.ram_bytes},
          {"ram_bytes_with_io", s.ram_bytes_with_io},
          {"macs", s.macs}};
}

ordered_json StepJsonWithPrediction(const PlanStep& s) {
  ordered_json j = StepJson(s);
  if (s.predicted_instructions >= 0) j["predicted_instructions"] = s.predicted_instructions;
  return j;
}

PlanStep ParseStep(const json& j, const std::string& where, int32_t expected_first) {
  if (!j.is_object()) Bad(where, "must be an object");
  PlanStep s;
  const json& ops = Field(j, "ops", where);
  if (!ops.is_array() || ops.size() != 2) Bad(where + ".ops", "must be [first, last]");
  s.from = OpIndex(ops[0], where + ".ops[0]");
  s.to = OpIndex(ops[1], where + ".ops[1]") + 1;
  if (s.from != expected_first) {
    Bad(where + ".ops", "must start at op " + std::to_string(expected_first) + " (steps cover the ops in order), got " +
                            std::to_string(s.from));
  }
  if (s.to <= s.from) Bad(where + ".ops", "ends before it starts");
  const std::string kind = String(j, "kind", where);
  const json& variant = Field(j, "variant", where);
  const json& patch = Field(j, "patch", where);
  if (kind == "layer") {
    s.kind = StepKind::kLayer;
    if (s.to != s.from + 1) Bad(where, "is a layer step over more than one op");
    if (!variant.is_null() || !patch.is_null()) Bad(where, "is a layer step, so variant and patch must be null");
  } else if (kind == "fused") {
    s.kind = StepKind::kFused;
    s.variant = ParseVariant(variant, where + ".variant");
    if (!patch.is_array() || patch.size() != 2) Bad(where + ".patch", "must be [h, w]");
    s.patch_h = OpIndex(patch[0], where + ".patch[0]");
    s.patch_w = OpIndex(patch[1], where + ".patch[1]");
    if (s.patch_h == 0 || s.patch_w == 0) Bad(where + ".patch", "must be positive");
  } else {
    Bad(where + ".kind", "must be \"layer\" or \"fused\"");
  }
  s.ram_bytes = NonNegativeInt(j, "ram_bytes", where);
  s.ram_bytes_with_io = j.contains("ram_bytes_with_io") ? NonNegativeInt(j, "ram_bytes_with_io", where) : s.ram_bytes;
  s.macs = NonNegativeInt(j, "macs", where);
  if (j.contains("predicted_instructions")) s.predicted_instructions = NonNegativeInt(j, "predicted_instructions", where);
  return s;
}

}  // namespace

std::string PlanToJsonText(const Plan& plan) {
  ordered_json steps = ordered_json::array();
  for (const PlanStep& s : plan.steps) steps.push_back(StepJsonWithPrediction(s));
  ordered_json j = {{"model", plan.model},
                  {"strategy", plan.strategy},
                  {"cost_model", plan.cost_model},
                  {"objective", ObjectiveJson(plan.objective, plan.metric, plan.metric_target)},
                  {"peak_ram_bytes", plan.peak_ram_bytes},
                  {"peak_ram_bytes_with_io", plan.peak_ram_bytes_with_io},
                  {"arena_bytes", plan.arena_bytes},
                  {"macs", plan.macs},
                  {"vanilla_macs", plan.vanilla_macs},
                  {"mac_overhead", plan.mac_overhead},
                  {"num_ops", plan.num_ops},
                  {"input_mode", ir::InputModeName(plan.input_mode)},
                  {"io_bytes", plan.io_bytes}};
  if (plan.predicted_instructions >= 0) {
    j["predicted_instructions"] = {{"target", plan.predicted_target}, {"total", plan.predicted_instructions}};
  }
  j["steps"] = steps;
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

Plan PlanFromJsonText(std::string_view text) {
  json j;
  try {
    j = json::parse(text.begin(), text.end());
  } catch (const json::exception& e) {
    throw Error(std::string("invalid plan: not JSON (") + e.what() + ")");
  }
  if (!j.is_object()) Bad("top level", "must be an object");
  Plan p;
  const std::string top = "plan";
  p.model = String(j, "model", top);
  p.strategy = String(j, "strategy", top);
  search::ParseStrategy(p.strategy);  // throws on an unknown name
  p.cost_model = String(j, "cost_model", top);
  if (p.cost_model != "exact" && p.cost_model != "paper") Bad("plan.cost_model", "must be \"exact\" or \"paper\"");
  p.objective = ParseObjective(Field(j, "objective", top), &p.metric, &p.metric_target);
  p.peak_ram_bytes = NonNegativeInt(j, "peak_ram_bytes", top);
  p.peak_ram_bytes_with_io = NonNegativeInt(j, "peak_ram_bytes_with_io", top);
  if (j.contains("arena_bytes")) p.arena_bytes = NonNegativeInt(j, "arena_bytes", top);
  p.macs = NonNegativeInt(j, "macs", top);
  p.vanilla_macs = NonNegativeInt(j, "vanilla_macs", top);
  const json& overhead = Field(j, "mac_overhead", top);
  if (!overhead.is_number() || !(overhead.get<double>() >= 0)) Bad("plan.mac_overhead", "must be a number >= 0");
  p.mac_overhead = overhead.get<double>();
  const int64_t num_ops = NonNegativeInt(j, "num_ops", top);
  if (num_ops < 1 || num_ops > std::numeric_limits<int32_t>::max()) Bad("plan.num_ops", "must be at least 1");
  p.num_ops = static_cast<int32_t>(num_ops);
  if (j.contains("input_mode")) {  // plans written before streamed inputs read a resident input
    try {
      p.input_mode = ir::ParseInputMode(String(j, "input_mode", top));
    } catch (const Error&) {
      Bad("plan.input_mode", "must be \"resident\", \"stream\" or \"reread\"");
    }
  }
  if (j.contains("io_bytes")) p.io_bytes = NonNegativeInt(j, "io_bytes", top);
  if (j.contains("predicted_instructions")) {
    const json& pi = j["predicted_instructions"];
    if (!pi.is_object()) Bad("plan.predicted_instructions", "must be an object");
    p.predicted_target = String(pi, "target", "plan.predicted_instructions");
    p.predicted_instructions = NonNegativeInt(pi, "total", "plan.predicted_instructions");
  }

  const json& steps = Field(j, "steps", top);
  if (!steps.is_array() || steps.empty()) Bad("plan.steps", "must be a non-empty array");
  int32_t next = 0;
  int64_t peak = 0, peak_io = 0, macs = 0;
  for (size_t i = 0; i < steps.size(); ++i) {
    if (next >= p.num_ops) Bad("plan.steps", "go past the last op (num_ops " + std::to_string(p.num_ops) + ")");
    const PlanStep s = ParseStep(steps[i], "steps[" + std::to_string(i) + "]", next);
    next = s.to;
    peak = std::max(peak, s.ram_bytes);
    peak_io = std::max(peak_io, s.ram_bytes_with_io);
    if (s.macs > std::numeric_limits<int64_t>::max() - macs) Bad("plan.steps", "have too many MACs");
    macs += s.macs;
    p.steps.push_back(s);
  }
  if (next != p.num_ops) {
    Bad("plan.steps", "end at op " + std::to_string(next - 1) + " but the model has " + std::to_string(p.num_ops) +
                          " ops");
  }
  if (peak != p.peak_ram_bytes) Bad("plan.peak_ram_bytes", "is not the largest step ram_bytes");
  if (peak_io != p.peak_ram_bytes_with_io) Bad("plan.peak_ram_bytes_with_io", "is not the largest step ram_bytes_with_io");
  if (macs != p.macs) Bad("plan.macs", "is not the sum of the step macs");
  return p;
}

void WritePlanFile(const std::string& path, const Plan& plan) { WriteFileAtomically(path, PlanToJsonText(plan)); }

Plan ReadPlanFile(const std::string& path) {
  const std::vector<char> bytes = ReadWholeFile<char>(path, "plan file", kMaxTextFileBytes);
  const std::string text(bytes.begin(), bytes.end());
  try {
    return PlanFromJsonText(text);
  } catch (const Error& e) {
    throw Error(path + ": " + e.what());
  }
}

}  // namespace msf::plan
