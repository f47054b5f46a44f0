// SPDX-License-Identifier: MIT
// The exact cost model: every edge's RAM is the bytes of the buffers the
// executor will hold during that step, and its MACs the multiply-accumulates
// it will perform, both computed from the geometry module the executor uses.
#pragma once
#include <vector>

#include "fusion/dag.h"
#include "ir/graph.h"

namespace msf::cost {

struct ExactOptions {
  int32_t max_block_ops = 64;  // longest fused block considered
  // Output patch sizes tried for each fused block (square).
  std::vector<int32_t> patch_sizes = {1, 2, 4};
  std::vector<fusion::Variant> variants = {fusion::Variant::kRecompute, fusion::Variant::kHCache,
                                           fusion::Variant::kLineBuffer};
};

fusion::FusionDag BuildExactDag(const ir::Graph& g, const ExactOptions& options = {});

}  // namespace msf::cost
