// SPDX-License-Identifier: MIT
// A model's input bytes, the one way every command and report gets them.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace msf::frontend {

// The input file `path` for `g`: exactly the input tensors' bytes, in graph
// order (int8, or float32 little-endian for a float input)
// (read no further than that, so a huge file costs nothing). Throws
// msf::Error naming the file, its size and what the input needs.
std::vector<int8_t> ReadModelInput(const ir::Graph& g, const std::string& path);

// A deterministic input for models without a stored one (the zoo models):
// byte i is (29 i) mod 256 - 128 (int8 models only: for a float input these
// bytes are arbitrary floats).
std::vector<int8_t> PatternInput(const ir::Graph& g);

}  // namespace msf::frontend
