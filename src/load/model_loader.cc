// SPDX-License-Identifier: MIT
#include "load/model_loader.h"

#include "import/tflite_importer.h"
#include "ir/canonicalize.h"
#include "zoo/paper_zoo.h"

namespace msf::load {

ir::Graph LoadModel(const std::string& model_arg) {
  ir::Graph g = zoo::IsZooReference(model_arg) ? zoo::BuildZooModel(model_arg)
                                               : import::ImportTfliteFile(model_arg);
  ir::Canonicalize(g);
  return g;
}

}  // namespace msf::load
