// SPDX-License-Identifier: MIT
// The exact cost model: every edge's RAM is the bytes of the buffers the
// executor will hold during that step, and its MACs the multiply-accumulates
// it will perform, both computed from the geometry module the executor uses.
//
// Work budget: building the DAG costs about (ops per block) x (cells along
// H and W) per candidate block and variant, so a deep net of huge feature
// maps can take minutes. BuildExactDag estimates that work up front, in
// work units (3 to 20 ns each on the reference machine); over `work_limit` it considers
// shorter fused blocks (halving max_block_ops down to 2), and if even that
// is over the limit it refuses with msf::Error naming --work-limit.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "search/dag.h"
#include "ir/graph.h"

namespace msf::search {

// Default work budget of one DAG build: 2 * 10^9 units (about 10 s on the
// two cores of the reference machine, 20 s when they are busy); the shared
// and zoo models need at most 1.2 * 10^7.
inline constexpr int64_t kDefaultWorkLimit = 2'000'000'000;

struct ExactOptions {
  int32_t max_block_ops = 64;  // longest fused block considered
  // Output patch sizes tried for each fused block (square).
  std::vector<int32_t> patch_sizes = {1, 2, 4};
  std::vector<step::Variant> variants = {step::Variant::kRecompute, step::Variant::kHCache,
                                           step::Variant::kLineBuffer};
  int64_t work_limit = kDefaultWorkLimit;  // estimated work units; <= 0: no limit
  // Called now and then while the fused edges are built with the fraction
  // of the estimated work done (0..1); calls are serialised.
  std::function<void(double)> progress;
};

// What a build did about the work budget.
struct ExactDagInfo {
  int64_t full_work = 0;      // estimated units with the requested options
  int64_t work = 0;           // estimated units of the build that ran
  int32_t max_block_ops = 0;  // longest block considered (< requested: coarsened)
};

// Estimated work units of BuildExactDag(g, options), without the budget.
int64_t EstimateExactDagWork(const ir::Graph& g, const ExactOptions& options);

FusionDag BuildExactDag(const ir::Graph& g, const ExactOptions& options = {}, ExactDagInfo* info = nullptr);

}  // namespace msf::search
