// SPDX-License-Identifier: MIT
// msf command-line entry point. Every user error is one line on stderr and
// exit code 2; internal failures are exit code 3.
#include <cstdio>
#include <exception>
#include <new>
#include <string>

#include "cli/command_line.h"
#include "base/error.h"

int main(int argc, char** argv) {
  try {
    return msf::cli::RunCommandLine(argc, argv);
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
