// SPDX-License-Identifier: MIT
#include "codegen/makefile.h"

#include <set>

#include "codegen/c_writer.h"
#include "codegen/embedded_files.h"
#include "codegen/generated_note.h"
#include "codegen/target_info.h"
#include "base/error.h"

namespace msf::codegen {
namespace {

// Placeholder names are upper case, so the '@'s of Makefile syntax ("@echo",
// "$@", "$(@D)") never form one.
bool IsNameChar(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'; }

// The NAME of a placeholder "@NAME@" starting at line[pos]; empty if none does.
std::string_view PlaceholderAt(std::string_view line, size_t pos) {
  if (line[pos] != '@' || pos + 1 >= line.size() || line[pos + 1] < 'A' || line[pos + 1] > 'Z') return {};
  size_t end = pos + 1;
  while (end < line.size() && IsNameChar(line[end])) ++end;
  if (end == line.size() || line[end] != '@') return {};
  return line.substr(pos + 1, end - pos - 1);
}

// One @if@ block around the current line.
struct Block {
  int line;     // of its @if@
  bool flag;    // the flag's value
  bool in_else; // after its @else@
};

bool Active(const std::vector<Block>& blocks) {
  for (const Block& b : blocks) {
    if (b.flag == b.in_else) return false;
  }
  return true;
}

}  // namespace

std::string RenderMakefileTemplate(std::string_view tmpl, const MakefileValues& values) {
  int number = 0;  // of the current template line
  const auto fail = [&number](const std::string& what) {
    return Error("internal: Makefile template line " + std::to_string(number) + ": " + what);
  };
  std::set<std::string> used_names, used_flags;
  std::vector<Block> blocks;
  std::string out;
  for (size_t pos = 0; pos < tmpl.size();) {
    const size_t newline = tmpl.find('\n', pos);
    const std::string_view line = tmpl.substr(pos, newline == std::string_view::npos ? newline : newline - pos);
    pos = newline == std::string_view::npos ? tmpl.size() : newline + 1;
    ++number;
    if (line.starts_with("@#")) continue;
    if (line.starts_with("@if ") && line.size() > 5 && line.ends_with("@")) {
      const std::string flag(line.substr(4, line.size() - 5));
      const auto it = values.flags.find(flag);
      if (it == values.flags.end()) throw fail("no value for flag '" + flag + "'");
      used_flags.insert(flag);
      blocks.push_back({number, it->second, false});
      continue;
    }
    if (line == "@else@") {
      if (blocks.empty() || blocks.back().in_else) throw fail("@else@ without @if@");
      blocks.back().in_else = true;
      continue;
    }
    if (line == "@endif@") {
      if (blocks.empty()) throw fail("@endif@ without @if@");
      blocks.pop_back();
      continue;
    }
    // Placeholders are checked in inactive lines too, so a typo fails every render.
    const bool active = Active(blocks);
    const size_t line_start = out.size();
    for (size_t i = 0; i < line.size(); ++i) {
      const std::string_view name = PlaceholderAt(line, i);
      if (name.empty()) {
        if (active) out += line[i];
        continue;
      }
      const std::string key(name);
      const auto text = values.text.find(key);
      const auto words = values.words.find(key);
      if ((text == values.text.end()) == (words == values.words.end())) {
        throw fail("placeholder @" + key + "@ needs exactly one text or word-list value");
      }
      used_names.insert(key);
      i += name.size() + 1;
      if (!active) continue;
      if (text != values.text.end()) {
        out += MakeText(text->second);
        continue;
      }
      // Continuation lines align under the first word.
      const std::string separator = " \\\n" + std::string(out.size() - line_start, ' ');
      for (size_t w = 0; w < words->second.size(); ++w) {
        if (w) out += separator;
        out += MakeText(words->second[w]);
      }
    }
    if (active && newline != std::string_view::npos) out += '\n';
  }
  if (!blocks.empty()) {
    number = blocks.back().line;
    throw fail("@if@ without @endif@");
  }
  for (const auto& [name, value] : values.text) {
    if (!used_names.count(name)) throw Error("internal: the Makefile template has no @" + name + "@");
  }
  for (const auto& [name, value] : values.words) {
    if (!used_names.count(name)) throw Error("internal: the Makefile template has no @" + name + "@");
  }
  for (const auto& [flag, value] : values.flags) {
    if (!used_flags.count(flag)) throw Error("internal: the Makefile template has no @if " + flag + "@");
  }
  return out;
}

std::string RenderMakefile(const Options& options, const std::vector<std::string>& sources,
                           const std::vector<std::string>& headers, const std::vector<std::string>& defines) {
  const TargetInfo& t = Info(options.target);
  const bool host = options.target == Target::kHost;
  const bool size = options.optimize == Optimize::kSize;
  MakefileValues v;
  v.text = {{"GENERATED_NOTE", kGeneratedNote},
            {"MODEL", options.model_label},
            {"PLAN", options.plan_label},
            {"TARGET", t.name},
            {"DESCRIPTION", t.description},
            {"TOOL_PREFIX", t.tool_prefix},
            {"ARCH", t.arch},
            {"OPT_FLAG", size ? "-Os" : "-O2"},
            {"OPT_NAME", size ? "size" : "speed"},
            {"QEMU", t.qemu},
            {"LIBC_SPECS", t.libc_specs},
            {"BOARD", t.board},
            {"STACK_SIZE", std::to_string(t.stack_bytes)}};
  v.words = {{"SRCS", sources}, {"HDRS", headers}, {"DEFINES", defines}};
  v.flags = {{"host", host}, {"bare_metal", !host}, {"libc_specs", *t.libc_specs != '\0'},
             {"board", *t.board != '\0'}};
  return RenderMakefileTemplate(EmbeddedText("templates/Makefile.in"), v);
}

}  // namespace msf::codegen
