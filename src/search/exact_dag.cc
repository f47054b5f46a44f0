// SPDX-License-Identifier: MIT
#include "search/exact_dag.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "base/error.h"
#include "cost/step_cost.h"
#include "step/input_reads.h"
#include "step/step_memory.h"
#include "ir/analysis.h"

namespace msf::search {
namespace {

int64_t SaturatingAdd(int64_t a, int64_t b) {
  return a > std::numeric_limits<int64_t>::max() - b ? std::numeric_limits<int64_t>::max() : a + b;
}

// Fixed cost of one op in one candidate block (its slots, intervals and
// work records), in units of one cell: what small maps cost per op.
constexpr int64_t kUnitsPerBlockOp = 16;

// Candidates per block: one per variant and patch size (line buffers: one).
int64_t CombosPerBlock(const ExactOptions& options) {
  int64_t n = 0;
  for (step::Variant v : options.variants) {
    n += v == step::Variant::kLineBuffer ? 1 : static_cast<int64_t>(options.patch_sizes.size());
  }
  return n;
}

// The estimated work units of the build: [0] the per-graph part (the
// liveness facts, the layer edges), [1 + from] the fused
// blocks starting at op `from`. A candidate block's axis schedules and work
// counters cost about one unit per op and cell along H and W (plus a fixed
// kUnitsPerBlockOp per op), for each of its variants and patch sizes;
// pruning can only make the build cheaper.
std::vector<int64_t> WorkPerFrom(const ir::Graph& g, const ExactOptions& options) {
  const int32_t n = static_cast<int32_t>(g.ops.size());
  std::vector<int64_t> work(static_cast<size_t>(n) + 1, 0);
  // ComputeLiveness: prefix sums over the output cells of windowed ops
  // (four int64 per cell; counted for every op), computed again for each
  // arena layout the planner tries (which describes every step again):
  // weighted 100.
  int64_t fixed = n;
  for (const ir::Op& op : g.ops) {
    const ir::Tensor& out = g.tensor(op.output());
    fixed = SaturatingAdd(fixed, (int64_t{out.H()} + out.W()) * 100);
  }
  work[0] = fixed;
  const int64_t combos = CombosPerBlock(options);
  const std::vector<int32_t> last_use = ir::LastUse(g);
  for (int32_t from = 0; from < n; ++from) {
    int64_t units = 0;
    for (int32_t to = from + 2; to <= std::min(n, from + options.max_block_ops); ++to) {
      std::string why;
      const std::optional<geometry::BlockStructure> block = geometry::AnalyzeBlock(g, from, to, &why, &last_use);
      if (!block) {
        if (why.find("cannot") != std::string::npos) break;  // as FusedEdgesFrom
        continue;
      }
      int64_t cells = 0;
      for (const geometry::BlockOp& op : block->ops) {
        const ir::Tensor& out = g.tensor(g.ops[static_cast<size_t>(op.op)].output());
        cells += int64_t{out.H()} + out.W() + kUnitsPerBlockOp;
      }
      units = SaturatingAdd(units, combos * cells);
    }
    work[static_cast<size_t>(from) + 1] = units;
  }
  return work;
}

int64_t Total(const std::vector<int64_t>& work) {
  int64_t total = 0;
  for (int64_t w : work) total = SaturatingAdd(total, w);
  return total;
}

// Two significant digits; `up` rounds up (a limit that surely suffices).
std::string Approx(int64_t units, bool up = false) {
  double v = static_cast<double>(units);
  if (up && v >= 10) {
    const double unit = std::pow(10.0, std::floor(std::log10(v)) - 1);
    v = std::ceil(v / unit) * unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2g", v);
  return buf;
}

Edge MakeEdge(const ir::Graph& g, const step::GraphLiveness& live, const step::StepMemory& m, const step::StepSpec& s) {
  return Edge{s, cost::ExactStepCost(g, live, m, s)};
}

// A fused candidate: its edge without the work breakdown, which only the
// candidates that survive the pruning below need (StepWorkOf is the
// costliest part of an edge), and the description to derive it from.
struct Candidate {
  Edge edge;
  step::StepMemory memory;
};

// Appends the (RAM, MAC)-non-dominated candidates among parallel ones,
// with their work.
void AddNonDominated(const ir::Graph& g, const step::GraphLiveness& live, std::vector<Candidate> candidates,
                     std::vector<Edge>* edges) {
  // (sorted by index: the same order as sorting the candidates themselves,
  // without moving their schedules around)
  std::vector<size_t> order(candidates.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t i, size_t j) {
    const Edge &a = candidates[i].edge, &b = candidates[j].edge;
    return a.ram_bytes != b.ram_bytes ? a.ram_bytes < b.ram_bytes : a.macs < b.macs;
  });
  int64_t best_macs = INT64_MAX;
  for (size_t i : order) {
    Candidate& c = candidates[i];
    if (c.edge.macs < best_macs) {
      best_macs = c.edge.macs;
      c.edge.work = step::StepWorkOf(g, live, c.memory, c.edge);
      edges->push_back(std::move(c.edge));
    }
  }
}

// Every fused edge starting at op `from` (pruned: per variant only the
// non-dominated patch sizes, and nothing above the layer-by-layer peak).
std::vector<Edge> FusedEdgesFrom(const ir::Graph& g, const step::GraphLiveness& live, const ExactOptions& options,
                                         int32_t from, int64_t layer_peak) {
  std::vector<Edge> out;
  const int32_t n = static_cast<int32_t>(g.ops.size());
  struct Combo {
    step::Variant variant;
    int32_t patch;
    bool alive = true;
  };
  std::vector<Combo> combos;
  for (step::Variant v : options.variants) {
    for (int32_t p : options.patch_sizes) {
      combos.push_back({v, p});
      if (v == step::Variant::kLineBuffer) break;  // streams H over full-width rows: no patch size
    }
  }
  for (int32_t to = from + 2; to <= std::min(n, from + options.max_block_ops); ++to) {
    std::string why;
    std::optional<geometry::BlockStructure> block = geometry::AnalyzeBlock(g, from, to, &why, &live.tensor_last_use);
    if (!block) {
      if (why.find("cannot") != std::string::npos) break;  // such an op ends every longer block too
      continue;
    }
    geometry::AxisCache cache(g, std::make_shared<const geometry::BlockStructure>(std::move(*block)));
    std::vector<Candidate> candidates;
    bool any_alive = false;
    for (size_t c = 0; c < combos.size(); ++c) {
      Combo& combo = combos[c];
      if (combo.alive) {
        geometry::BlockSchedule schedule = geometry::ScheduleBlock(cache, step::ReuseOf(combo.variant), combo.patch, combo.patch);
        const step::StepSpec spec{from, to, step::StepKind::kFused, combo.variant, schedule.patch_h, schedule.patch_w};
        step::StepMemory m = step::DescribeFusedStep(g, live, std::move(schedule));
        int64_t tiles = 0;
        for (const step::LocalBuffer& b : m.locals) tiles += b.kind == step::LocalKind::kTile ? b.bytes : 0;
        // Tiles only grow as the block gets longer (regions pulled through
        // more ops), so once they alone exceed the layer peak they always will.
        if (tiles > layer_peak) combo.alive = false;
        // A streamed input is read once, in order: a block that would ask
        // for a row again (or out of order) is no edge.
        const bool readable = g.input_mode != ir::InputMode::kStream || step::InputReadsOf(g, m, spec).in_order_once;
        Edge e{spec, cost::ExactStepRamAndMacs(g, m, spec)};
        if (e.ram_bytes <= layer_peak && readable) candidates.push_back({std::move(e), std::move(m)});
      }
      any_alive = any_alive || combo.alive;
      // Prune per variant only: strategies restrict the DAG by variant.
      const bool last_of_variant = c + 1 == combos.size() || combos[c + 1].variant != combo.variant;
      if (last_of_variant) {
        AddNonDominated(g, live, std::move(candidates), &out);
        candidates.clear();
      }
    }
    if (!any_alive) break;
  }
  return out;
}

}  // namespace

int64_t EstimateExactDagWork(const ir::Graph& g, const ExactOptions& options) {
  return Total(WorkPerFrom(g, options));
}

FusionDag BuildExactDag(const ir::Graph& g, const ExactOptions& requested, ExactDagInfo* info) {
  // The work budget: shorter fused blocks until the estimate fits, else refuse.
  ExactOptions options = requested;
  std::vector<int64_t> work_per_from = WorkPerFrom(g, options);
  const int64_t full_work = Total(work_per_from);
  int64_t work = full_work;
  if (options.work_limit > 0) {
    while (work > options.work_limit && options.max_block_ops > 2) {
      options.max_block_ops = std::max(2, options.max_block_ops / 2);
      work_per_from = WorkPerFrom(g, options);
      work = Total(work_per_from);
    }
    if (work > options.work_limit) {
      throw Error("planning this model needs about " + Approx(work) + " work units" +
                  (options.max_block_ops < requested.max_block_ops ? " even with fused blocks of 2 ops" : "") +
                  ", over the limit of " + Approx(options.work_limit) + " (raise it with --work-limit " +
                  Approx(work, /*up=*/true) + ")");
    }
  }
  if (info != nullptr) *info = {full_work, work, options.max_block_ops};

  FusionDag dag;
  const int32_t n = static_cast<int32_t>(g.ops.size());
  dag.num_nodes = n + 1;
  dag.vanilla_macs = ir::TotalMacs(g);
  const step::GraphLiveness live = step::ComputeLiveness(g);
  for (int32_t from = 0; from < n; ++from) {
    const step::StepSpec layer = step::LayerStep(from);  // as step::LayerByLayerRam
    dag.edges.push_back(MakeEdge(g, live, *step::DescribeStep(g, live, layer), layer));
  }
  // Layer by layer reaches this peak at vanilla MACs, the fewest possible; a
  // fused edge above it can never be part of a non-dominated setting.
  int64_t layer_peak = 0;
  for (const Edge& e : dag.edges) layer_peak = std::max(layer_peak, e.ram_bytes);

  // Blocks starting at different ops are independent: build them on all
  // cores, then append in `from` order so the DAG is the same as serially.
  const int32_t threads = std::max(1, std::min<int32_t>(static_cast<int32_t>(std::thread::hardware_concurrency()), 8));
  std::vector<std::vector<Edge>> per_from(static_cast<size_t>(n));
  std::atomic<int32_t> next{0};
  std::mutex progress_mutex;
  int64_t done = work_per_from[0];
  const auto worker = [&] {
    for (int32_t from = next++; from < n; from = next++) {
      per_from[static_cast<size_t>(from)] = FusedEdgesFrom(g, live, options, from, layer_peak);
      if (options.progress) {
        const std::lock_guard<std::mutex> lock(progress_mutex);
        done = SaturatingAdd(done, work_per_from[static_cast<size_t>(from) + 1]);
        options.progress(work > 0 ? static_cast<double>(done) / static_cast<double>(work) : 1.0);
      }
    }
  };
  std::vector<std::thread> pool;
  for (int32_t t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();
  for (std::vector<Edge>& edges : per_from) {
    for (Edge& e : edges) dag.edges.push_back(std::move(e));
  }
  return dag;
}

}  // namespace msf::search
