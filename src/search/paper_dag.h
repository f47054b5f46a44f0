// SPDX-License-Identifier: MIT
// The fusion DAG under the paper's analytic cost model (its Section 4
// formulas, cost/paper_cost_model.h): every contiguous layer range is an
// edge, fused ranges as H-cached blocks with one-pixel patches.
#pragma once
#include <vector>

#include "cost/paper_cost_model.h"
#include "ir/graph.h"
#include "search/dag.h"

namespace msf::search {

// One kLayer edge per op and one kFused/kHCache 1x1 edge per feasible block
// of two or more ops. Throws msf::Error if `g` is not a plain chain.
FusionDag BuildPaperDag(const ir::Graph& g);
FusionDag BuildPaperDag(const std::vector<cost::PaperLayer>& layers);

}  // namespace msf::search
