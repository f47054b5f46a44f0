// SPDX-License-Identifier: MIT
// msf command-line entry point. Every user error is one line on stderr and
// exit code 2; internal failures are exit code 3.
#include <cstdio>
#include <exception>
#include <new>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "base/error.h"

namespace {

constexpr const char* kUsage =
    "usage: msf <command> [options]\n"
    "  info MODEL [--json FILE]                     ops, shapes, MACs, layer-by-layer peak RAM\n"
    "  run MODEL --input IN.bin --output OUT.bin [--plan PLAN.json [--check] [--json F]\n"
    "       [--ram-limit B]]                        run the int8 model: layer by layer (reference), or\n"
    "                                               a plan in one static arena; --check compares with\n"
    "                                               the reference and the measured RAM with the plan\n"
    "  plan MODEL (--ram-budget B | --max-overhead F | --min-ram)\n"
    "       [--strategy msf|layer|mcunetv2|streamnet] [--cost-model exact|paper] [--json PLAN.json]\n"
    "                                               choose the fusion blocks: fewest MACs within B bytes\n"
    "                                               (64000, 64k, 64kB, 64KiB), or least RAM within F x\n"
    "                                               vanilla MACs (F may be inf), or least RAM\n"
    "  pareto MODEL [--cost-model exact|paper] [--json FILE] [--svg FILE]\n"
    "                                               every best RAM/MAC trade-off, with the layer,\n"
    "                                               mcunetv2 and streamnet baselines\n"
    "       plan and pareto also take [--objective macs|instructions] [--target cortex-m4|cortex-m7|\n"
    "       rv32imac] [--calibration FILE]: minimise (and bound F by) the target's predicted\n"
    "       instructions instead of MACs; --target alone adds the prediction to the plan;\n"
    "       [--work-limit UNITS|inf] bounds the work of the exact DAG build (default 2e9: shorter\n"
    "       fused blocks above it, refused if still over)\n"
    "  report ram-table [--models DIR]              the RAM table of BENCHMARKS.md, from msf runs\n"
    "  report paper --out DIR [--models DIR] [--jobs N] [--only SLUG,...]\n"
    "                                               docs/report: every strategy at the paper's\n"
    "                                               constraints, measured on the host and Cortex-M4\n"
    "  calibrate --target cortex-m4|cortex-m7|rv32imac [--out FILE] [--samples F.csv] [--reuse F.csv]\n"
    "       [--jobs N] [--tiny]                     fit the target's latency model to QEMU runs of\n"
    "                                               micro-benchmarks (calibration/<target>.json)\n"
    "  codegen MODEL --plan PLAN.json --target host|cortex-m4|cortex-m7|rv32imac --out DIR\n"
    "       [--embed-input IN.bin]                  the plan as a C99 package: const tables, one static\n"
    "                                               arena, the runtime, a Makefile (make run: QEMU)\n"
    "MODEL is a .tflite file or zoo:NAME (zoo:mbv2-w0.35-r144, zoo:mcunet-vww-5fps-r80,\n"
    "zoo:mcunet-320kb-r176).\n";

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::fputs(kUsage, args.empty() ? stderr : stdout);
    return args.empty() ? 2 : 0;
  }
  const std::string command = args[0];
  args.erase(args.begin());
  try {
    if (command == "info") return msf::cli::RunInfo(args);
    if (command == "run") return msf::cli::RunRun(args);
    if (command == "report") return msf::cli::RunReport(args);
    if (command == "plan") return msf::cli::RunPlan(args);
    if (command == "pareto") return msf::cli::RunPareto(args);
    if (command == "codegen") return msf::cli::RunCodegen(args);
    if (command == "calibrate") return msf::cli::RunCalibrate(args);
    throw msf::Error("unknown command '" + command + "' (try msf --help)");
  } catch (const msf::Error& e) {
    // A broken invariant of msf itself is reported as msf::Error("internal: ...").
    const std::string what = e.what();
    if (what.rfind("internal: ", 0) == 0) {
      std::fprintf(stderr, "msf: internal error: %s\n", what.c_str() + 10);
      return 3;
    }
    std::fprintf(stderr, "msf: error: %s\n", what.c_str());
    return 2;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "msf: error: out of memory\n");
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "msf: internal error: %s\n", msf::OneLine(e.what()).c_str());
    return 3;
  } catch (...) {
    std::fprintf(stderr, "msf: internal error: unknown exception\n");
    return 3;
  }
}
