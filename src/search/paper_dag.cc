// SPDX-License-Identifier: MIT
#include "search/paper_dag.h"

namespace msf::search {

FusionDag BuildPaperDag(const std::vector<cost::PaperLayer>& layers) {
  FusionDag dag;
  const int32_t n = static_cast<int32_t>(layers.size());
  dag.num_nodes = n + 1;
  for (const cost::PaperLayer& l : layers) dag.vanilla_macs += l.VanillaMacs();
  for (int32_t i = 0; i < n; ++i) {
    for (int32_t j = i; j < n; ++j) {
      const cost::PaperBlockCost c = cost::PaperBlock(layers, i, j);
      if (!c.feasible) continue;
      Edge e;
      e.from = i;
      e.to = j + 1;
      if (i < j) {
        e.kind = step::StepKind::kFused;
        e.variant = step::Variant::kHCache;
        e.patch_h = e.patch_w = 1;
      }
      e.ram_bytes = c.ram_bytes;
      e.ram_bytes_with_io = c.ram_bytes_with_io;
      e.macs = c.macs;
      dag.edges.push_back(e);
    }
  }
  return dag;
}

FusionDag BuildPaperDag(const ir::Graph& g) { return BuildPaperDag(cost::PaperLayers(g)); }

}  // namespace msf::search
