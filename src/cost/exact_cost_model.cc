// SPDX-License-Identifier: MIT
#include "cost/exact_cost_model.h"

#include <algorithm>

#include "cost/step_memory.h"
#include "ir/analysis.h"

namespace msf::cost {
namespace {

fusion::Edge MakeEdge(const ir::Graph& g, const StepMemory& m, const StepSpec& s) {
  fusion::Edge e;
  e.from = s.from, e.to = s.to, e.kind = s.kind, e.variant = s.variant;
  e.patch_h = s.patch_h, e.patch_w = s.patch_w;
  e.ram_bytes = m.Bytes(false);
  e.ram_bytes_with_io = m.Bytes(true);
  e.macs = m.schedule ? m.schedule->Macs(g) : ir::OpMacs(g, g.ops[static_cast<size_t>(s.from)]);
  e.work = StepWorkOf(g, m, s);
  return e;
}

// Keeps only the (RAM, MAC)-non-dominated edges among parallel candidates.
void AddNonDominated(std::vector<fusion::Edge> candidates, std::vector<fusion::Edge>* edges) {
  std::sort(candidates.begin(), candidates.end(), [](const fusion::Edge& a, const fusion::Edge& b) {
    return a.ram_bytes != b.ram_bytes ? a.ram_bytes < b.ram_bytes : a.macs < b.macs;
  });
  int64_t best_macs = INT64_MAX;
  for (const fusion::Edge& e : candidates) {
    if (e.macs < best_macs) {
      edges->push_back(e);
      best_macs = e.macs;
    }
  }
}

}  // namespace

fusion::FusionDag BuildExactDag(const ir::Graph& g, const ExactOptions& options) {
  fusion::FusionDag dag;
  const int32_t n = static_cast<int32_t>(g.ops.size());
  dag.num_nodes = n + 1;
  dag.vanilla_macs = ir::TotalMacs(g);
  const GraphLiveness live = ComputeLiveness(g);
  for (int32_t from = 0; from < n; ++from) {
    const StepSpec layer{from, from + 1, fusion::StepKind::kLayer, fusion::Variant::kNone, 0, 0};
    dag.edges.push_back(MakeEdge(g, *DescribeStep(g, live, layer), layer));
    for (int32_t to = from + 2; to <= std::min(n, from + options.max_block_ops); ++to) {
      std::string why;
      std::optional<geometry::BlockStructure> block = geometry::AnalyzeBlock(g, from, to, &why, &live.tensor_last_use);
      if (!block) {
        // An op that cannot run per patch ends every longer block too.
        if (why.find("cannot") != std::string::npos) break;
        continue;
      }
      for (fusion::Variant v : options.variants) {
        // Prune per variant only: strategies restrict the DAG by variant.
        std::vector<fusion::Edge> candidates;
        for (int32_t p : options.patch_sizes) {
          const StepSpec spec{from, to, fusion::StepKind::kFused, v, p, p};
          geometry::BlockSchedule schedule = geometry::ScheduleBlock(g, *block, ReuseOf(v), p, p);
          StepSpec actual = spec;
          actual.patch_h = schedule.patch_h, actual.patch_w = schedule.patch_w;
          candidates.push_back(MakeEdge(g, DescribeFusedStep(g, live, std::move(schedule)), actual));
          if (v == fusion::Variant::kLineBuffer) break;  // streams H over full-width rows: no patch size
        }
        AddNonDominated(std::move(candidates), &dag.edges);
      }
    }
  }
  return dag;
}

}  // namespace msf::cost
