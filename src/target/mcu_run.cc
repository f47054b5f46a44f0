// SPDX-License-Identifier: MIT
#include "target/mcu_run.h"

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "base/error.h"

namespace msf::target {
namespace {

std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += (c == '\'') ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

struct Shell {
  int exit_code = -1;
  std::string out;  // stdout and stderr
};

Shell RunShell(const std::string& command) {
  Shell r;
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  if (p == nullptr) throw Error("cannot start: " + command);
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
  return r;
}

// First line of `text` (errors stay one line).
std::string FirstLine(const std::string& text) {
  const size_t nl = text.find('\n');
  return nl == std::string::npos ? text : text.substr(0, nl);
}

int64_t Number(const std::string& stats, const std::string& key, const std::string& where) {
  const size_t at = stats.find(key + "=");
  if (at == std::string::npos) throw Error(where + ": no " + key + " in the program's output");
  const std::string value = stats.substr(at + key.size() + 1, stats.find(' ', at) - at - key.size() - 1);
  if (value == "NA") return -1;
  try {
    return std::stoll(value);
  } catch (const std::exception&) {
    throw Error(where + ": bad " + key + " '" + value + "'");
  }
}

}  // namespace

std::string MakeTempDir(const std::string& prefix) {
  std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "XXXXXX")).string();
  if (mkdtemp(pattern.data()) == nullptr) throw Error("cannot create a temporary directory in " + pattern);
  return pattern;
}

TargetRun RunOnTarget(const ir::Graph& g, const plan::Plan& plan, codegen::Target target,
                      const std::vector<int8_t>& input, const std::string& dir) {
  codegen::Options o;
  o.target = target;
  o.input = input;
  o.model_label = g.name;
  o.plan_label = plan.strategy;
  const codegen::Package pkg = codegen::Generate(g, plan, o);
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  codegen::WritePackage(pkg, dir);

  const std::string where = std::string(codegen::TargetName(target)) + " package " + dir;
  const std::string make = "make -s --no-print-directory -C " + Quote(dir);
  const Shell build = RunShell(make);
  if (build.exit_code != 0) {
    // GNU ld: "region `RAM' overflowed by N bytes", or "section `.stack' will not fit in region `RAM'".
    if (build.out.find("region `RAM' overflowed") != std::string::npos ||
        build.out.find("will not fit in region `RAM'") != std::string::npos) {
      throw DoesNotFitRam(where + ": the plan's static RAM and stack do not fit the board's RAM");
    }
    throw Error(where + ": build failed: " + FirstLine(build.out));
  }
  const Shell run = RunShell(make + " run");
  if (run.exit_code != 0) throw Error(where + ": run failed: " + FirstLine(run.out));

  TargetRun r;
  r.arena_bytes = pkg.arena_bytes;
  std::istringstream lines(run.out);
  std::string line, stats, flash;
  bool have_output = false;
  while (std::getline(lines, line)) {
    if (line.rfind("output: ", 0) == 0) {
      const std::string hex = line.substr(8);
      if (hex.size() % 2 != 0) throw Error(where + ": odd output hex");
      r.output.clear();
      for (size_t i = 0; i < hex.size(); i += 2) {
        r.output.push_back(static_cast<int8_t>(std::stoul(hex.substr(i, 2), nullptr, 16)));
      }
      have_output = true;
    } else if (line.rfind("ram_static=", 0) == 0) {
      stats = line + " ";
    } else if (line.rfind("flash_text=", 0) == 0) {
      flash = line + " ";
    }
  }
  if (!have_output || stats.empty()) throw Error(where + ": no result lines in: " + FirstLine(run.out));
  r.ram_static = Number(stats, "ram_static", where);
  r.ram_stack = Number(stats, "ram_stack", where);
  r.ram_total = Number(stats, "ram_total", where);
  r.instructions = Number(stats, "instructions", where);
  if (target != codegen::Target::kHost) {
    if (flash.empty()) throw Error(where + ": no flash line in: " + FirstLine(run.out));
    r.flash_text = Number(flash, "flash_text", where);
    r.flash_rodata = Number(flash, "flash_rodata", where);
  }
  return r;
}

}  // namespace msf::target
