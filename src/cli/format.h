// SPDX-License-Identifier: MIT
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "base/text_format.h"

namespace msf::cli {

// Writes `text` to `path` (whole or not at all); throws msf::Error on failure.
void WriteTextFile(const std::string& path, const std::string& text);
// Throws msf::Error if `output` names the same file as one of `inputs` (same
// device and inode, or the same resolved path): msf never overwrites a file
// the user gave it to read. Devices and FIFOs are exempt (written in place);
// "zoo:NAME" inputs are not files.
void CheckNotAnInput(const std::string& output, const std::vector<std::string>& inputs);
// CheckNotAnInput for every output, and no file named by two outputs.
void CheckOutputs(const std::vector<std::string>& outputs, const std::vector<std::string>& inputs);

}  // namespace msf::cli
