// SPDX-License-Identifier: MIT
// The package's Makefile: templates/Makefile.in (embedded in msf) with the
// target's tools, flags and file lists filled in.
#pragma once
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "codegen/codegen.h"

namespace msf::codegen {

// What a Makefile template is filled with. Every text value and every word
// goes through MakeText, so no value (a file name, say) can start a line, a
// comment or an expansion; Makefile syntax lives only in the template.
struct MakefileValues {
  std::map<std::string, std::string> text;                // @NAME@
  std::map<std::string, std::vector<std::string>> words;  // @NAME@: one word per line, " \" continued
  std::map<std::string, bool> flags;                      // @if name@ ... [@else@ ...] @endif@
};

// Renders `tmpl` (syntax: the comment at the top of templates/Makefile.in).
// Substituted values are never scanned again. Throws msf::Error ("internal:
// ...") on a placeholder or flag without a value, a value the template never
// names, or unbalanced @if@/@else@/@endif@ lines.
std::string RenderMakefileTemplate(std::string_view tmpl, const MakefileValues& values);

// The package's Makefile; `sources` and `headers` are the package's paths,
// sorted; `defines` the runtime's -D flags (PlanDefines).
std::string RenderMakefile(const Options& options, const std::vector<std::string>& sources,
                           const std::vector<std::string>& headers, const std::vector<std::string>& defines);

}  // namespace msf::codegen
