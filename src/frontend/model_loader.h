// SPDX-License-Identifier: MIT
#pragma once
#include <string>

#include "ir/graph.h"

namespace msf::frontend {

// Loads `zoo:NAME` or a .tflite path and canonicalises it (PAD folding).
ir::Graph LoadModel(const std::string& model_arg);

}  // namespace msf::frontend
