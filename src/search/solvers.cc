// SPDX-License-Identifier: MIT
#include "search/solvers.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "base/error.h"

namespace msf::search {
namespace {

// Incoming edges grouped by target node (CSR), so the DP can finish each
// node before it is extended, whatever order the DAG lists its edges in.
struct InEdges {
  std::vector<int32_t> begin;  // num_nodes + 1 offsets into `edges`
  std::vector<int32_t> edges;

  explicit InEdges(const FusionDag& dag) {
    const size_t n = static_cast<size_t>(std::max(dag.num_nodes, 0));
    begin.assign(n + 1, 0);
    for (size_t i = 0; i < dag.edges.size(); ++i) {
      const Edge& e = dag.edges[i];
      if (e.from < 0 || e.to <= e.from || e.to >= dag.num_nodes) {
        throw Error("fusion DAG edge " + std::to_string(i) + " (" + std::to_string(e.from) + " -> " +
                    std::to_string(e.to) + ") does not go forward inside the DAG");
      }
      ++begin[static_cast<size_t>(e.to) + 1];
    }
    for (size_t v = 0; v < n; ++v) begin[v + 1] += begin[v];
    edges.resize(dag.edges.size());
    std::vector<int32_t> fill(begin.begin(), begin.end() - 1);
    for (size_t i = 0; i < dag.edges.size(); ++i) {
      edges[static_cast<size_t>(fill[static_cast<size_t>(dag.edges[i].to)]++)] = static_cast<int32_t>(i);
    }
  }
};

// Best path into each node: lexicographic (macs, second), where `second` is
// either the peak RAM so far or the number of steps.
enum class Second { kPeak, kSteps };

struct Label {
  int64_t macs = 0;
  int64_t peak = 0;
  int32_t steps = 0;
  int32_t via = -1;  // last edge
  bool reached = false;
};

std::optional<Setting> Trace(const FusionDag& dag, const std::vector<Label>& labels) {
  const size_t last = static_cast<size_t>(dag.num_nodes - 1);
  if (!labels[last].reached) return std::nullopt;
  Setting s;
  for (int32_t v = dag.num_nodes - 1; v > 0;) {
    const int32_t e = labels[static_cast<size_t>(v)].via;
    s.edges.push_back(e);
    v = dag.edges[static_cast<size_t>(e)].from;
  }
  std::reverse(s.edges.begin(), s.edges.end());
  for (int32_t e : s.edges) {
    const Edge& edge = dag.edges[static_cast<size_t>(e)];
    s.peak_ram_bytes = std::max(s.peak_ram_bytes, edge.ram_bytes);
    s.peak_ram_bytes_with_io = std::max(s.peak_ram_bytes_with_io, edge.ram_bytes_with_io);
    s.macs += edge.macs;
  }
  return s;
}

std::optional<Setting> MinMacDp(const FusionDag& dag, const InEdges& in, int64_t max_edge_ram, Second second) {
  if (dag.num_nodes <= 0) return std::nullopt;
  std::vector<Label> labels(static_cast<size_t>(dag.num_nodes));
  labels[0].reached = true;
  for (int32_t v = 1; v < dag.num_nodes; ++v) {
    Label& best = labels[static_cast<size_t>(v)];
    for (int32_t k = in.begin[static_cast<size_t>(v)]; k < in.begin[static_cast<size_t>(v) + 1]; ++k) {
      const int32_t ei = in.edges[static_cast<size_t>(k)];
      const Edge& e = dag.edges[static_cast<size_t>(ei)];
      const Label& from = labels[static_cast<size_t>(e.from)];
      if (!from.reached || e.ram_bytes > max_edge_ram) continue;
      Label cand{from.macs + e.macs, std::max(from.peak, e.ram_bytes), from.steps + 1, ei, true};
      bool better = !best.reached || cand.macs < best.macs;
      if (best.reached && cand.macs == best.macs) {
        better = second == Second::kPeak ? cand.peak < best.peak : cand.steps < best.steps;
      }
      if (better) best = cand;
    }
  }
  return Trace(dag, labels);
}

// Pass 1 finds the optimal (macs, peak); pass 2 re-solves at that peak for
// the fewest steps (any path under it with equal MACs has the same peak).
std::optional<Setting> MinMacExact(const FusionDag& dag, const InEdges& in, int64_t max_edge_ram) {
  std::optional<Setting> s = MinMacDp(dag, in, max_edge_ram, Second::kPeak);
  if (!s) return s;
  return MinMacDp(dag, in, s->peak_ram_bytes, Second::kSteps);
}

int64_t MinBottleneck(const FusionDag& dag, const InEdges& in) {
  if (dag.num_nodes <= 0) throw Error("the fusion DAG is empty");
  std::vector<int64_t> best(static_cast<size_t>(dag.num_nodes), kNoRamLimit);
  best[0] = 0;
  for (int32_t v = 1; v < dag.num_nodes; ++v) {
    for (int32_t k = in.begin[static_cast<size_t>(v)]; k < in.begin[static_cast<size_t>(v) + 1]; ++k) {
      const Edge& e = dag.edges[static_cast<size_t>(in.edges[static_cast<size_t>(k)])];
      const int64_t from = best[static_cast<size_t>(e.from)];
      if (from == kNoRamLimit) continue;
      best[static_cast<size_t>(v)] = std::min(best[static_cast<size_t>(v)], std::max(from, e.ram_bytes));
    }
  }
  const int64_t result = best.back();
  if (result == kNoRamLimit) throw Error("the fusion DAG has no path from the network input to its output");
  return result;
}

std::string FormatOverhead(double f) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", f);
  return buf;
}

}  // namespace

std::optional<Setting> MinMacSetting(const FusionDag& dag, int64_t max_edge_ram) {
  return MinMacExact(dag, InEdges(dag), max_edge_ram);
}

std::vector<Setting> ParetoFront(const FusionDag& dag) {
  const InEdges in(dag);
  std::vector<Setting> front;
  int64_t threshold = kNoRamLimit;
  while (true) {
    std::optional<Setting> s = MinMacExact(dag, in, threshold);
    if (!s) break;
    threshold = s->peak_ram_bytes - 1;
    front.push_back(std::move(*s));
    if (threshold < 0) break;
  }
  return front;
}

Setting SettingOf(const FusionDag& dag, std::vector<int32_t> edges) {
  Setting s;
  s.edges = std::move(edges);
  for (int32_t e : s.edges) {
    const Edge& edge = dag.edges.at(static_cast<size_t>(e));
    s.peak_ram_bytes = std::max(s.peak_ram_bytes, edge.ram_bytes);
    s.peak_ram_bytes_with_io = std::max(s.peak_ram_bytes_with_io, edge.ram_bytes_with_io);
    s.macs += edge.macs;
  }
  return s;
}

int64_t MinPeakRam(const FusionDag& dag) { return MinBottleneck(dag, InEdges(dag)); }

Setting SolveMinRam(const FusionDag& dag) {
  const InEdges in(dag);
  return *MinMacExact(dag, in, MinBottleneck(dag, in));
}

Setting SolveP2(const FusionDag& dag, int64_t ram_budget) {
  const InEdges in(dag);
  std::optional<Setting> s = MinMacExact(dag, in, ram_budget);
  if (s) return *s;
  throw Error("no fusion setting fits a peak RAM of " + std::to_string(ram_budget) +
              " bytes; the smallest feasible peak RAM is " + std::to_string(MinBottleneck(dag, in)) + " bytes");
}

Setting SolveP1(const FusionDag& dag, double max_overhead) {
  if (std::isnan(max_overhead) || max_overhead <= 0) {
    throw Error("the MAC overhead bound must be a positive number, got " + FormatOverhead(max_overhead));
  }
  if (std::isinf(max_overhead)) return SolveMinRam(dag);
  const InEdges in(dag);
  // Same comparison as the authors' Python: MACs <= F * vanilla in doubles.
  const double mac_budget = max_overhead * static_cast<double>(dag.vanilla_macs);
  auto fits = [&](const Setting& s) { return static_cast<double>(s.macs) <= mac_budget; };

  const std::optional<Setting> fastest = MinMacExact(dag, in, kNoRamLimit);
  if (!fastest) throw Error("the fusion DAG has no path from the network input to its output");
  if (!fits(*fastest)) {
    throw Error("no fusion setting has a MAC overhead of at most " + FormatOverhead(max_overhead) +
                "; the smallest reachable overhead is " + FormatOverhead(fastest->MacOverhead(dag)) + " (" +
                std::to_string(fastest->macs) + " MACs)");
  }
  // The min-MAC cost under a RAM threshold only falls as the threshold
  // rises, so binary-search the smallest edge RAM value that still fits.
  if (dag.edges.empty()) return *fastest;  // a model without ops
  std::vector<int64_t> rams;
  rams.reserve(dag.edges.size());
  for (const Edge& e : dag.edges) rams.push_back(e.ram_bytes);
  std::sort(rams.begin(), rams.end());
  rams.erase(std::unique(rams.begin(), rams.end()), rams.end());
  size_t lo = 0, hi = rams.size() - 1;  // rams[hi] admits every edge, so it fits
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    const std::optional<Setting> s = MinMacDp(dag, in, rams[mid], Second::kPeak);
    if (s && fits(*s)) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return *MinMacExact(dag, in, rams[lo]);
}

}  // namespace msf::search
