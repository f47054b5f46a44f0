// SPDX-License-Identifier: MIT
// The streamed input: a READ_INPUT op in front of every graph input. Its
// output is an ordinary activation (same type, shape and quantisation), so
// the planner places it like any other tensor: whole in a layer step (a
// copy of the image in RAM), or a tile of the first fused block (the rows
// its window needs; a line buffer streams them once, in order).
#pragma once
#include <string>

#include "ir/graph.h"

namespace msf::ir {

// Throws msf::Error for anything but resident, stream or reread.
InputMode ParseInputMode(const std::string& name);

// Inserts the readers (ops 0..inputs-1, in input order) and sets
// g.input_mode; a no-op for kResident. The graph inputs keep their tensors
// (the caller's, or the sensor's); every op that read one reads the
// reader's output instead. Throws msf::Error if the graph already has readers.
void AddInputReaders(Graph& g, InputMode mode);

// The graph input a READ_INPUT op reads (its index in g.inputs).
int32_t ReaderInputIndex(const Graph& g, const Op& op);

}  // namespace msf::ir
