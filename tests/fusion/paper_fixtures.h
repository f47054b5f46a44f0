// SPDX-License-Identifier: MIT
// The three paper models as layer lists and paper-model DAGs, built once.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "search/paper_dag.h"
#include "frontend/paper_zoo.h"

namespace msf::test {

inline const std::vector<cost::PaperLayer>& PaperLayersOf(const std::string& model) {
  static std::map<std::string, std::vector<cost::PaperLayer>> cache;
  auto it = cache.find(model);
  if (it == cache.end()) it = cache.emplace(model, cost::PaperLayers(frontend::BuildZooModel(model))).first;
  return it->second;
}

inline const search::FusionDag& PaperDagOf(const std::string& model) {
  static std::map<std::string, search::FusionDag> cache;
  auto it = cache.find(model);
  if (it == cache.end()) it = cache.emplace(model, search::BuildPaperDag(PaperLayersOf(model))).first;
  return it->second;
}

}  // namespace msf::test
