// SPDX-License-Identifier: MIT
// Reads an int8 TFLite flatbuffer into the msf IR. The file is untrusted:
// every offset, index and size is checked, and every problem is reported as
// msf::Error("<file>: <cause>") naming the op or tensor involved.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace msf::frontend {

// Imports `path`. The graph is exactly the file's operator list (no folding);
// use ir::Canonicalize() for the form msf plans on.
ir::Graph ImportTfliteFile(const std::string& path);

// Imports from memory; `label` names the source in error messages.
ir::Graph ImportTfliteBuffer(std::shared_ptr<const std::vector<uint8_t>> bytes,
                             const std::string& label);

}  // namespace msf::frontend
