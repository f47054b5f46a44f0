// SPDX-License-Identifier: MIT
// The generated C files of a package, each printed from the DevicePlan:
//   model_weights.h/.c  the kernels' constant arrays (c_files.cc)
//   model.h             the model's interface (c_files.cc)
//   model_input.c       the embedded input tensor (c_files.cc)
//   model.c             the plan as runtime descriptor tables (model_tables.cc)
//   profile_steps.h     with --profile-steps (profile_steps_file.cc)
// Every file name and other text from the user enters through CText.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "codegen/codegen.h"
#include "ir/graph.h"
#include "plan/device_plan.h"

namespace msf::codegen {

// What every C file is printed from.
struct CFileContext {
  const ir::Graph& graph;
  const plan::DevicePlan& plan;
  const Options& options;
};

std::string WeightsHeaderFile(const CFileContext& c);  // model_weights.h
std::string WeightsSourceFile(const CFileContext& c);  // model_weights.c
std::string ModelHeaderFile(const CFileContext& c, int64_t input_bytes, int64_t output_bytes);  // model.h
std::string ModelInputFile(const CFileContext& c);   // model_input.c
std::string ModelSourceFile(const CFileContext& c);  // model.c
// profile_steps.h (--profile-steps): the steps' labels and the target's
// latency-model prediction per step (profile_steps_file.cc).
std::string ProfileStepsFile(const CFileContext& c, const plan::Plan& plan);

// --- shared by the emitters ---------------------------------------------------

// A generated file's first comment lines: license, note, `what`, model/plan/target.
std::string FileHeader(const CFileContext& c, std::string_view what);

// "op 3 CONV_2D 1x48x48x8 -> 1x48x48x16" (comments; unescaped).
std::string OpText(const ir::Graph& g, int32_t op);

// The C name of kernel k's params and arrays: "k<k>" ("msf_k<k>_weights", ...).
std::string KernelName(size_t k);

// The parts joined. Used instead of `"literal" + std::string` temporaries, which
// GCC 12 misreports once inlined (-Wrestrict: an overlapping memcpy).
std::string Cat(std::initializer_list<std::string_view> parts);

// Which constant arrays (flash) kernel `d` points to, named msf_k<i>_<what>.
// Throws msf::Error if one is not its lowered op's own array.
// `dsp`: the target has the DSP kernels, which read a convolution's host-widened
// weights (msf_k<i>_wide); other targets get none.
struct KernelArrays {
  bool weights = false, bias = false, eff_bias = false, multiplier = false, shift = false, wide = false;
  bool any() const { return weights || bias || eff_bias || multiplier || shift || wide; }
};
KernelArrays ArraysOf(const plan::DeviceKernel& d, bool dsp);

}  // namespace msf::codegen
