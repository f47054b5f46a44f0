// SPDX-License-Identifier: MIT
// The three paper models as layer lists and paper-model DAGs, built once.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "cost/paper_cost_model.h"
#include "zoo/paper_zoo.h"

namespace msf::test {

inline const std::vector<cost::PaperLayer>& PaperLayersOf(const std::string& model) {
  static std::map<std::string, std::vector<cost::PaperLayer>> cache;
  auto it = cache.find(model);
  if (it == cache.end()) it = cache.emplace(model, cost::PaperLayers(zoo::BuildZooModel(model))).first;
  return it->second;
}

inline const fusion::FusionDag& PaperDagOf(const std::string& model) {
  static std::map<std::string, fusion::FusionDag> cache;
  auto it = cache.find(model);
  if (it == cache.end()) it = cache.emplace(model, cost::BuildPaperDag(PaperLayersOf(model))).first;
  return it->second;
}

}  // namespace msf::test
