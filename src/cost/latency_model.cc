// SPDX-License-Identifier: MIT
#include "cost/latency_model.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <iterator>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "base/error.h"
#include "base/read_file.h"
#include "cost/embedded_calibrations.h"
#include "step/step_memory.h"

namespace msf::cost {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

constexpr const char* kFamilies[step::kWorkKinds] = {
    "patch_loop", "conv", "depthwise", "avgpool", "maxpool", "pad", "add",
    "requantize", "fully_connected", "mean", "softmax", "copy", "depthwise_general", "conv_kxk"};

// Feature layout: per_invoke, per_layer_step, per_fused_step, per_iteration,
// then the kFields coefficients of work kinds 1..kWorkKinds-1.
constexpr const char* kFields[] = {"per_mac",  "per_tap",   "per_tap_row",      "per_out_byte",
                                   "per_call", "per_pixel", "per_border_pixel", "per_tail_elem",
                                   "per_line", "per_lone_mac", "per_clamp_byte", "per_wide_byte",
                                   "per_loop_mac", "per_k16_mac", "per_border_byte"};
// Fields newer than some committed calibrations: a model without one
// predicts without that work (0), as it did when it was fitted.
constexpr const char* kOptionalFields[] = {"per_wide_byte", "per_loop_mac", "per_k16_mac", "per_border_byte"};
constexpr size_t kPerKernel = std::size(kFields);
constexpr size_t kFixed = 4;
constexpr size_t kNumFeatures = kFixed + kPerKernel * (step::kWorkKinds - 1);

double& Field(KernelCost& kc, size_t f) {
  double* fields[] = {&kc.per_mac,  &kc.per_tap,   &kc.per_tap_row,      &kc.per_out_byte,
                      &kc.per_call, &kc.per_pixel, &kc.per_border_pixel, &kc.per_tail_elem,
                      &kc.per_line, &kc.per_lone_mac, &kc.per_clamp_byte, &kc.per_wide_byte,
                      &kc.per_loop_mac, &kc.per_k16_mac, &kc.per_border_byte};
  static_assert(std::size(fields) == kPerKernel);
  return *fields[f];
}

[[noreturn]] void Bad(const std::string& what) { throw Error("invalid latency model: " + what); }

double Coefficient(const json& obj, const char* key, const std::string& where) {
  auto it = obj.find(key);
  if (it == obj.end()) Bad(where + " has no \"" + key + "\"");
  if (!it->is_number() || !std::isfinite(it->get<double>()) || it->get<double>() < 0 ||
      it->get<double>() > kMaxCoefficient) {
    Bad(where + "." + key + " must be a non-negative number of at most 1e9 instructions");
  }
  return it->get<double>();
}

const json& Object(const json& obj, const char* key, const std::string& where) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_object()) Bad(where + "." + key + " must be an object");
  return *it;
}

}  // namespace

const char* KernelFamilyName(int kind) {
  return kind >= 0 && kind < step::kWorkKinds ? kFamilies[kind] : "?";
}

double LatencyModel::PredictStep(const step::StepWork& work, step::StepKind kind) const {
  const std::vector<double> f = StepFeatures(work, kind);
  const std::vector<double> c = Coefficients();
  double sum = 0;
  for (size_t i = 0; i < f.size(); ++i) sum += f[i] * c[i];
  return sum;
}

std::vector<std::string> LatencyModel::FeatureNames() {
  std::vector<std::string> names = {"per_invoke", "per_step.layer", "per_step.fused", "patch_loop.per_iteration"};
  for (int k = 1; k < step::kWorkKinds; ++k) {
    for (const char* field : kFields) names.push_back(std::string(kFamilies[k]) + "." + field);
  }
  return names;
}

std::vector<double> LatencyModel::Coefficients() const {
  std::vector<double> c = {per_invoke, per_layer_step, per_fused_step, per_iteration};
  for (int k = 1; k < step::kWorkKinds; ++k) {
    KernelCost kc = kernel[static_cast<size_t>(k)];
    for (size_t f = 0; f < kPerKernel; ++f) c.push_back(Field(kc, f));
  }
  return c;
}

void LatencyModel::SetCoefficients(const std::vector<double>& c) {
  if (c.size() != kNumFeatures) throw Error("internal: latency model needs " + std::to_string(kNumFeatures) + " coefficients");
  per_invoke = c[0], per_layer_step = c[1], per_fused_step = c[2], per_iteration = c[3];
  for (int k = 1; k < step::kWorkKinds; ++k) {
    for (size_t f = 0; f < kPerKernel; ++f) Field(kernel[static_cast<size_t>(k)], f) = c[kFixed + kPerKernel * (k - 1) + f];
  }
}

size_t InvokeFeature() { return 0; }

std::vector<double> StepFeatures(const step::StepWork& work, step::StepKind kind) {
  std::vector<double> f(kNumFeatures, 0.0);
  f[kind == step::StepKind::kLayer ? 1 : 2] = 1;
  f[3] = static_cast<double>(work.calls[0]);
  for (int k = 1; k < step::kWorkKinds; ++k) {
    const size_t i = kFixed + kPerKernel * static_cast<size_t>(k - 1), kk = static_cast<size_t>(k);
    f[i] = static_cast<double>(work.executed_macs[kk]);
    f[i + 1] = static_cast<double>(work.taps[kk]);
    f[i + 2] = static_cast<double>(work.tap_rows[kk]);
    f[i + 3] = static_cast<double>(work.out_bytes[kk]);
    f[i + 4] = static_cast<double>(work.calls[kk]);
    f[i + 5] = static_cast<double>(work.pixels[kk]);
    f[i + 6] = static_cast<double>(work.border_pixels[kk]);
    f[i + 7] = static_cast<double>(work.tail_elems[kk]);
    f[i + 8] = static_cast<double>(work.lines[kk]);
    f[i + 9] = static_cast<double>(work.lone_macs[kk]);
    f[i + 10] = static_cast<double>(work.clamp_bytes[kk]);
    f[i + 11] = static_cast<double>(work.wide_bytes[kk]);
    f[i + 12] = static_cast<double>(work.loop_macs[kk]);
    f[i + 13] = static_cast<double>(work.k16_macs[kk]);
    f[i + 14] = static_cast<double>(work.border_bytes[kk]);
  }
  return f;
}

std::string LatencyModelToJson(const LatencyModel& m) {
  ordered_json kernels = ordered_json::object();
  for (int k = 1; k < step::kWorkKinds; ++k) {
    KernelCost kc = m.kernel[static_cast<size_t>(k)];
    ordered_json fields = ordered_json::object();
    for (size_t f = 0; f < kPerKernel; ++f) fields[kFields[f]] = Field(kc, f);
    kernels[kFamilies[k]] = fields;
  }
  const ordered_json j = {{"target", m.target},
                          {"unit", "instructions"},
                          {"note", m.note},
                          {"per_invoke", m.per_invoke},
                          {"per_step", {{"layer", m.per_layer_step}, {"fused", m.per_fused_step}}},
                          {"patch_loop", {{"per_iteration", m.per_iteration}}},
                          {"kernels", kernels}};
  return j.dump(2) + "\n";
}

LatencyModel LatencyModelFromJson(std::string_view text) {
  json j;
  try {
    j = json::parse(text.begin(), text.end());
  } catch (const json::exception& e) {
    Bad(std::string("not JSON (") + e.what() + ")");
  }
  if (!j.is_object()) Bad("the top level must be an object");
  LatencyModel m;
  auto target = j.find("target");
  if (target == j.end() || !target->is_string()) Bad("\"target\" must be a string");
  m.target = target->get<std::string>();
  auto unit = j.find("unit");
  if (unit == j.end() || *unit != "instructions") Bad("\"unit\" must be \"instructions\"");
  if (auto note = j.find("note"); note != j.end() && note->is_string()) m.note = note->get<std::string>();
  m.per_invoke = Coefficient(j, "per_invoke", "model");
  const json& step = Object(j, "per_step", "model");
  m.per_layer_step = Coefficient(step, "layer", "per_step");
  m.per_fused_step = Coefficient(step, "fused", "per_step");
  m.per_iteration = Coefficient(Object(j, "patch_loop", "model"), "per_iteration", "patch_loop");
  const json& kernels = Object(j, "kernels", "model");
  for (int k = 1; k < step::kWorkKinds; ++k) {
    const std::string where = std::string("kernels.") + kFamilies[k];
    const json& kc = Object(kernels, kFamilies[k], "kernels");
    for (size_t f = 0; f < kPerKernel; ++f) {
      const bool optional = std::find(std::begin(kOptionalFields), std::end(kOptionalFields),
                                      std::string_view(kFields[f])) != std::end(kOptionalFields);
      if (optional && !kc.contains(kFields[f])) continue;
      Field(m.kernel[static_cast<size_t>(k)], f) = Coefficient(kc, kFields[f], where);
    }
  }
  for (auto it = kernels.begin(); it != kernels.end(); ++it) {
    bool known = false;
    for (int k = 1; k < step::kWorkKinds; ++k) known = known || it.key() == kFamilies[k];
    if (!known) Bad("unknown kernel family \"" + it.key() + "\"");
  }
  return m;
}

LatencyModel ReadLatencyModelFile(const std::string& path) {
  const std::vector<char> bytes = ReadWholeFile<char>(path, "latency model file", kMaxTextFileBytes);
  const std::string text(bytes.begin(), bytes.end());
  try {
    return LatencyModelFromJson(text);
  } catch (const Error& e) {
    throw Error(path + ": " + e.what());
  }
}

const std::vector<std::string>& CalibratedTargets() {
  // Every calibration/<target>.json compiled into msf (sorted by file name).
  static const std::vector<std::string> targets = [] {
    std::vector<std::string> t;
    const std::string suffix = ".json";
    for (const calibration_files::EmbeddedFile& f : calibration_files::EmbeddedFiles()) {
      const std::string path = f.path;
      if (path.size() > suffix.size() && path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0) {
        t.push_back(path.substr(0, path.size() - suffix.size()));
      }
    }
    return t;
  }();
  return targets;
}

std::string CalibratedTargetList(const std::string& separator) {
  std::string list;
  for (const std::string& t : CalibratedTargets()) list += (list.empty() ? "" : separator) + t;
  return list;
}

LatencyModel BuiltinLatencyModel(const std::string& target) {
  for (const calibration_files::EmbeddedFile& f : calibration_files::EmbeddedFiles()) {
    if (f.path == target + ".json") {
      LatencyModel m = LatencyModelFromJson(f.Text());
      if (m.target != target) throw Error("internal: calibration/" + target + ".json is for " + m.target);
      return m;
    }
  }
  throw Error("no built-in latency model for target '" + target + "' (built in: " + CalibratedTargetList(", ") +
              "; measure one with msf calibrate --target " + target + " --out FILE and pass --calibration FILE)");
}

int64_t RoundPrediction(double instructions, int64_t cap) {
  if (!(instructions > 0)) return 0;
  if (instructions >= static_cast<double>(cap)) return cap;
  return std::min<int64_t>(std::llround(instructions), cap);
}

double PredictVanilla(const ir::Graph& g, const LatencyModel& m) {
  const step::GraphLiveness live = step::ComputeLiveness(g);
  double total = m.per_invoke;
  for (int32_t i = 0; i < static_cast<int32_t>(g.ops.size()); ++i) {
    const step::StepSpec layer{i, i + 1, step::StepKind::kLayer, step::Variant::kNone, 0, 0};
    total += m.PredictStep(step::StepWorkOf(g, live, *step::DescribeStep(g, live, layer), layer), step::StepKind::kLayer);
  }
  return total;
}

}  // namespace msf::cost
