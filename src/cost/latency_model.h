// SPDX-License-Identifier: MIT
// A per-target linear latency model: the instructions one plan step executes
// on the target, predicted from the step's work (step::StepWork, counted
// from the same schedule the runtime executes):
//
//   step = per_step[layer|fused] + per_iteration * patch-loop iterations
//        + sum over kernel families k of
//            per_mac[k] * executed_macs[k] + per_tap[k] * taps[k] + per_tap_row[k] * tap_rows[k]
//            + per_out_byte[k] * out_bytes[k] + per_call[k] * calls[k]
//            + per_pixel[k] * pixels[k] + per_border_pixel[k] * border_pixels[k]
//            + per_tail_elem[k] * tail_elems[k] + per_line[k] * lines[k]
//            + per_lone_mac[k] * lone_macs[k] + per_clamp_byte[k] * clamp_bytes[k]
//            + per_wide_byte[k] * wide_bytes[k] + per_loop_mac[k] * loop_macs[k]
//            + per_k16_mac[k] * k16_macs[k] + per_border_byte[k] * border_bytes[k]
//   plan = per_invoke + sum of its steps
//
// MACs alone do not predict a kernel's time: a 3x3 convolution over 3
// input channels pays its per-tap loop overhead for every 3 MACs, and taps
// in the padding are skipped (measured: 43% error on 3x3 stems without the
// tap and row terms, see BENCHMARKS.md).
//
// Coefficients come from `msf calibrate` (QEMU micro-benchmarks, fitted by
// non-negative least squares) and live in calibration/<target>.json, which
// is compiled into msf.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "step/step.h"
#include "ir/graph.h"

namespace msf::cost {

struct KernelCost {
  double per_mac = 0, per_tap = 0, per_tap_row = 0, per_out_byte = 0, per_call = 0;
  double per_pixel = 0, per_border_pixel = 0, per_tail_elem = 0;
  double per_line = 0;      // one row of a call's rectangle (one column where a convolution walks a tall one)
  double per_lone_mac = 0;  // one MAC of a pixel a convolution runs alone, on top of per_mac
  double per_clamp_byte = 0;  // one output byte clamped two-sided (narrow activation range), on top of per_out_byte
  double per_wide_byte = 0;   // one full-range output byte on the wide requantisation path, on top of per_out_byte
  double per_loop_mac = 0;    // one MAC of a convolution whose dot products loop (no fixed length), on top of per_mac
  double per_k16_mac = 0;     // one MAC of a fixed-length 1x1 convolution over 16 input channels, on top of per_mac
  double per_border_byte = 0; // one output byte of a border pixel (its channel's clipped window), on top of per_out_byte
};

struct LatencyModel {
  std::string target;                                // "cortex-m4", "rv32imac", ...
  double per_invoke = 0;                             // msf_model_invoke + msf_run_plan entry
  double per_layer_step = 0, per_fused_step = 0;     // fixed cost of a step
  double per_iteration = 0;                          // one patch-loop iteration (an op on one patch/cell)
  std::array<KernelCost, step::kWorkKinds> kernel{};  // index = work kind (msf_kernel_kind; 0 unused)
  std::string note;                                  // provenance: how it was made, fit quality

  double PredictStep(const step::StepWork& work, step::StepKind kind) const;

  // The model as a flat vector of coefficients, in FeatureNames() order; a
  // step's (or plan's) prediction is the dot product with its Features().
  static std::vector<std::string> FeatureNames();
  std::vector<double> Coefficients() const;
  void SetCoefficients(const std::vector<double>& c);
};

// Features of one step (per_invoke's entry is 0: add it once per plan).
std::vector<double> StepFeatures(const step::StepWork& work, step::StepKind kind);
// Index of per_invoke in the feature vector.
size_t InvokeFeature();

// Short family names ("conv", "depthwise", ...), index = msf_kernel_kind.
const char* KernelFamilyName(int kind);

// JSON form (calibration/<target>.json). Parsing throws msf::Error with one
// line naming the first problem. Every coefficient must be a finite number
// in [0, kMaxCoefficient] instructions per unit of work.
inline constexpr double kMaxCoefficient = 1e9;
std::string LatencyModelToJson(const LatencyModel& m);
LatencyModel LatencyModelFromJson(std::string_view text);
LatencyModel ReadLatencyModelFile(const std::string& path);  // errors prefixed with the path

// Targets that have a built-in calibration: every calibration/<target>.json
// compiled into msf ("cortex-m0plus", "cortex-m33", ..., "rv32imac").
const std::vector<std::string>& CalibratedTargets();
// Those targets joined by `separator` ("cortex-m0plus|cortex-m33|...").
std::string CalibratedTargetList(const std::string& separator);
// The calibration compiled into msf for `target`; throws msf::Error for a
// target without one.
LatencyModel BuiltinLatencyModel(const std::string& target);

// A predicted instruction count rounded to an integer, saturating at `cap`
// (default INT64_MAX / 2; negative or NaN: 0), so huge work counts times
// large coefficients never overflow an int64.
int64_t RoundPrediction(double instructions, int64_t cap = INT64_MAX / 2);


// Predicted instructions of layer-by-layer execution of `g` (per_invoke included).
double PredictVanilla(const ir::Graph& g, const LatencyModel& m);


}  // namespace msf::cost
