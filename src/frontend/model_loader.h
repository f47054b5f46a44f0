// SPDX-License-Identifier: MIT
#pragma once
#include <string>

#include "ir/graph.h"

namespace msf::frontend {

// Loads `zoo:NAME` or a .tflite path and canonicalises it (PAD folding);
// with a streamed input mode, puts the input readers in front
// (ir::AddInputReaders): the graph msf plans, runs and generates code for.
ir::Graph LoadModel(const std::string& model_arg, ir::InputMode input_mode = ir::InputMode::kResident);

}  // namespace msf::frontend
