// SPDX-License-Identifier: MIT
#include "frontend/model_loader.h"

#include "frontend/tflite_importer.h"
#include "ir/canonicalize.h"
#include "frontend/paper_zoo.h"

namespace msf::frontend {

ir::Graph LoadModel(const std::string& model_arg) {
  ir::Graph g = frontend::IsZooReference(model_arg) ? frontend::BuildZooModel(model_arg)
                                               : frontend::ImportTfliteFile(model_arg);
  ir::Canonicalize(g);
  return g;
}

}  // namespace msf::frontend
