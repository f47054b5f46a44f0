// SPDX-License-Identifier: MIT
// The three evaluation models of the msf-CNN paper (MobileNetV2-w0.35-r144,
// MCUNetV2-VWW-5fps-r80, MCUNet-320KB-ImageNet-r176) as plain int8 chains,
// layer for layer as in the authors' analysis_optimization.py lists, with
// deterministic synthetic weights. Referenced on the command line as "zoo:NAME".
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "ir/graph.h"

namespace msf::frontend {

// Names accepted by BuildZooModel, without the "zoo:" prefix.
std::vector<std::string> ZooModelNames();

// True for a model argument of the form "zoo:NAME".
bool IsZooReference(std::string_view model_arg);

// Builds the named model ("NAME" or "zoo:NAME"). Throws msf::Error for an
// unknown name. Two calls with the same name give byte-identical graphs.
ir::Graph BuildZooModel(std::string_view name);

}  // namespace msf::frontend
