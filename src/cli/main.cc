// SPDX-License-Identifier: MIT
// msf command-line entry point. Every user error is one line on stderr and
// exit code 2; internal failures are exit code 3.
#include <cstdio>
#include <exception>
#include <new>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "core/error.h"

namespace {

constexpr const char* kUsage =
    "usage: msf <command> [options]\n"
    "  info MODEL [--json FILE]                     ops, shapes, MACs, layer-by-layer peak RAM\n"
    "  run MODEL --input IN.bin --output OUT.bin    run the int8 model (reference executor)\n"
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
    throw msf::Error("unknown command '" + command + "' (try msf --help)");
  } catch (const msf::Error& e) {
    std::fprintf(stderr, "msf: error: %s\n", e.what());
    return 2;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "msf: error: out of memory\n");
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "msf: internal error: %s\n", e.what());
    return 3;
  }
}
