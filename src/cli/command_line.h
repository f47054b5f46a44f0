// SPDX-License-Identifier: MIT
// msf's command line on CLI11: each command declares its options once (name,
// value placeholder, check, help); usage lines and --help pages are generated
// from those declarations. Parse errors become one msf::Error line.
#pragma once
#include <CLI/CLI.hpp>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace msf::cli {

// A parsed subcommand and what runs it (returns the exit code; user errors
// throw msf::Error).
struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;
};

// Parses argv and runs the chosen command. `msf --help` and `msf CMD --help`
// print to stdout and return 0; plain `msf` prints the help to stderr and
// returns 2; every parse error throws msf::Error (one line).
int RunCommandLine(int argc, char** argv);

// The one-line usage of `app` ("usage: msf plan MODEL (--ram-budget B | ...)
// [--strategy ...]"), generated from its declared options.
std::string UsageLine(const CLI::App& app);

// Options in this group are alternatives: the usage shows "(--a X | --b Y)".
inline constexpr const char* kChooseOneGroup = "Objective (choose exactly one)";

// A `--name VALUE` option whose value `parse` checks and stores; `parse`
// throws msf::Error for a bad value. The last of repeated options wins.
CLI::Option* AddValue(CLI::App* app, const std::string& name, const std::string& placeholder, const std::string& help,
                      std::function<void(const std::string&)> parse);
// A `--name VALUE` option kept as text (file names and the like).
CLI::Option* AddText(CLI::App* app, const std::string& name, const std::string& placeholder, const std::string& help,
                     std::optional<std::string>* value);
// A `--name` flag without a value.
CLI::Option* AddFlag(CLI::App* app, const std::string& name, const std::string& help, bool* value);
// --jobs N: a number from 1 to 64 (throws msf::Error otherwise).
int ParseJobs(const std::string& text);
// The required MODEL positional (a .tflite file or zoo:NAME).
CLI::Option* AddModel(CLI::App* app, std::string* model);

}  // namespace msf::cli
