// SPDX-License-Identifier: MIT
#include "frontend/model_loader.h"

#include "frontend/tflite_importer.h"
#include "ir/canonicalize.h"
#include "ir/input_readers.h"
#include "frontend/paper_zoo.h"

namespace msf::frontend {

ir::Graph LoadModel(const std::string& model_arg, ir::InputMode input_mode) {
  ir::Graph g = frontend::IsZooReference(model_arg) ? frontend::BuildZooModel(model_arg)
                                               : frontend::ImportTfliteFile(model_arg);
  ir::Canonicalize(g);
  ir::AddInputReaders(g, input_mode);
  return g;
}

}  // namespace msf::frontend
