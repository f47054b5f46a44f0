// SPDX-License-Identifier: MIT
// Code generation: a plan's runtime descriptor tables (plan::DevicePlan) as a
// self-contained C99 package for one target. The package holds
//   model_weights.c/.h  const weights, biases, requantisation multipliers/shifts (flash)
//   model.c/.h          const kernel params, slot/op/need/action tables, the msf_step
//                       array, the msf_plan, the static arena and msf_model_invoke()
//   model_input.c       the --embed-input tensor (all zeros without it)
//   main.c, platform.*  the target's harness (startup, semihosting, counters) ...
//   link.ld, start.S    ... for bare-metal targets
//   runtime/            a copy of the msf device runtime (include/ and src/)
//   Makefile            `make` builds, `make run` runs (natively or under QEMU)
// The tables are printed from the same DevicePlan the host executor runs, and
// the patch loop is the runtime's msf_run_plan(): codegen emits data, never loops.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fusion/plan_json.h"
#include "ir/graph.h"

namespace msf::codegen {

enum class Target { kHost, kCortexM4, kCortexM7, kRv32imac };

// "host", "cortex-m4", "cortex-m7", "rv32imac"; throws msf::Error otherwise.
Target ParseTarget(std::string_view name);
const char* TargetName(Target target);
const std::vector<Target>& AllTargets();

// Compiler optimisation of the generated package: kSpeed (-O2, the default:
// fewest instructions, BENCHMARKS.md) or kSize (-Os: smallest flash).
enum class Optimize { kSpeed, kSize };
Optimize ParseOptimize(std::string_view name);  // "speed" | "size"

struct Options {
  Target target = Target::kHost;
  Optimize optimize = Optimize::kSpeed;
  std::optional<std::vector<int8_t>> input;  // embedded input tensor (--embed-input)
  std::string model_label;                   // shown in file headers (e.g. the model path)
  std::string plan_label;                    // shown in file headers (e.g. the plan path)
};

struct File {
  std::string path;  // relative to the package directory, '/'-separated
  std::string text;
};

struct Package {
  std::vector<File> files;  // sorted by path
  int64_t arena_bytes = 0;
  int64_t input_bytes = 0, output_bytes = 0;
};

// Builds the package in memory. Throws msf::Error if the plan does not fit
// the graph or the embedded input has the wrong size.
Package Generate(const ir::Graph& g, const fusion::Plan& plan, const Options& options);

// Writes every file below `dir` (created if missing). Existing files with
// other names are left alone. Throws msf::Error on I/O failure.
void WritePackage(const Package& package, const std::string& dir);

}  // namespace msf::codegen
