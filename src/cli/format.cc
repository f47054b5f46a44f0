// SPDX-License-Identifier: MIT
#include "cli/format.h"

#include "base/atomic_write.h"
#include "base/error.h"

namespace msf::cli {

void WriteTextFile(const std::string& path, const std::string& text) { WriteFileAtomically(path, text); }

void CheckNotAnInput(const std::string& output, const std::vector<std::string>& inputs) {
  // A device or FIFO (/dev/null, /dev/stdout on a pipe) is written in place,
  // never replaced: reading /dev/stdin and writing /dev/stdout is fine.
  if (IsSpecialFile(output)) return;
  for (const std::string& in : inputs) {
    if (in.empty() || in.rfind("zoo:", 0) == 0) continue;  // no file, or a built-in model
    if (SameFile(output, in)) throw Error(output + ": is also an input file (" + in + "); refusing to overwrite it");
  }
}

void CheckOutputs(const std::vector<std::string>& outputs, const std::vector<std::string>& inputs) {
  for (size_t i = 0; i < outputs.size(); ++i) {
    CheckNotAnInput(outputs[i], inputs);
    for (size_t j = 0; j < i; ++j) {
      if (!IsSpecialFile(outputs[i]) && SameFile(outputs[i], outputs[j])) {
        throw Error(outputs[i] + ": named by two output options (also as " + outputs[j] +
                    "); refusing to write it twice");
      }
    }
  }
}

}  // namespace msf::cli
