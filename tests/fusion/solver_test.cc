// SPDX-License-Identifier: MIT
// The solvers against brute-force enumeration of every path of random small
// DAGs, with few distinct costs so that ties are frequent.
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "base/error.h"
#include "search/solvers.h"
#include "search/strategy.h"

namespace msf::search {
namespace {

using step::StepKind;
using step::Variant;
using step::VariantName;

struct PathCost {
  int64_t peak = 0, macs = 0;
  int steps = 0;
  bool operator==(const PathCost&) const = default;
};

std::ostream& operator<<(std::ostream& os, const PathCost& c) {
  return os << "(peak " << c.peak << ", macs " << c.macs << ", steps " << c.steps << ")";
}

FusionDag RandomDag(std::mt19937& rng) {
  FusionDag dag;
  dag.num_nodes = std::uniform_int_distribution<int>(2, 7)(rng);
  std::uniform_int_distribution<int> ram(1, 6), macs(1, 5), copies(0, 2), coin(0, 9);
  for (int i = 0; i + 1 < dag.num_nodes; ++i) {
    for (int j = i + 1; j < dag.num_nodes; ++j) {
      // Layer edges exist in 9 of 10 cases, fused ones in about half.
      const int n = j == i + 1 ? (coin(rng) == 0 ? 0 : 1) : copies(rng);
      for (int c = 0; c < n; ++c) {
        Edge e;
        e.from = i;
        e.to = j;
        e.kind = j == i + 1 && c == 0 ? StepKind::kLayer : StepKind::kFused;
        e.ram_bytes = ram(rng);
        e.ram_bytes_with_io = e.ram_bytes + ram(rng);
        e.macs = macs(rng);
        dag.edges.push_back(e);
      }
    }
  }
  std::shuffle(dag.edges.begin(), dag.edges.end(), rng);  // the solvers must not rely on order
  dag.vanilla_macs = 2 * (dag.num_nodes - 1);
  return dag;
}

std::vector<PathCost> AllPaths(const FusionDag& dag) {
  std::vector<PathCost> out;
  auto walk = [&](auto&& self, int32_t node, PathCost c) -> void {
    if (node == dag.num_nodes - 1) {
      out.push_back(c);
      return;
    }
    for (const Edge& e : dag.edges) {
      if (e.from != node) continue;
      self(self, e.to, PathCost{std::max(c.peak, e.ram_bytes), c.macs + e.macs, c.steps + 1});
    }
  };
  walk(walk, 0, PathCost{});
  return out;
}

// The lexicographic minimum of `key` over the paths that pass `ok`.
template <typename Ok, typename Key>
std::optional<PathCost> Best(const std::vector<PathCost>& paths, Ok ok, Key key) {
  std::optional<PathCost> best;
  for (const PathCost& p : paths) {
    if (ok(p) && (!best || key(p) < key(*best))) best = p;
  }
  return best;
}

// Checks the setting is a real path and its totals are right.
PathCost CostOf(const FusionDag& dag, const Setting& s) {
  PathCost c;
  int64_t with_io = 0;
  int32_t node = 0;
  for (int32_t i : s.edges) {
    const Edge& e = dag.edges[static_cast<size_t>(i)];
    EXPECT_EQ(e.from, node);
    node = e.to;
    c.peak = std::max(c.peak, e.ram_bytes);
    with_io = std::max(with_io, e.ram_bytes_with_io);
    c.macs += e.macs;
    ++c.steps;
  }
  EXPECT_EQ(node, dag.num_nodes - 1);
  EXPECT_EQ(s.peak_ram_bytes, c.peak);
  EXPECT_EQ(s.peak_ram_bytes_with_io, with_io);
  EXPECT_EQ(s.macs, c.macs);
  return c;
}

auto MacsFirst(const PathCost& p) { return std::make_tuple(p.macs, p.peak, p.steps); }
auto PeakFirst(const PathCost& p) { return std::make_tuple(p.peak, p.macs, p.steps); }

TEST(SolverProperty, MatchesBruteForceOnRandomDags) {
  std::mt19937 rng(20250516);
  int feasible_dags = 0;
  for (int iter = 0; iter < 3000; ++iter) {
    const FusionDag dag = RandomDag(rng);
    SCOPED_TRACE("iteration " + std::to_string(iter));
    const std::vector<PathCost> paths = AllPaths(dag);
    if (paths.empty()) {
      EXPECT_TRUE(ParetoFront(dag).empty());
      EXPECT_FALSE(MinMacSetting(dag).has_value());
      EXPECT_THROW(SolveMinRam(dag), Error);
      EXPECT_THROW(SolveP1(dag, 2.0), Error);
      EXPECT_THROW(SolveP2(dag, 100), Error);
      continue;
    }
    ++feasible_dags;

    // Front: exactly the non-dominated (peak, MACs) points, by decreasing
    // peak, each with the fewest steps any path with that point has.
    std::vector<PathCost> expected;
    for (const PathCost& p : paths) {
      bool dominated = false;
      for (const PathCost& q : paths) {
        dominated |= q.peak <= p.peak && q.macs <= p.macs && (q.peak < p.peak || q.macs < p.macs);
      }
      if (dominated) continue;
      auto same = std::find_if(expected.begin(), expected.end(),
                               [&](const PathCost& e) { return e.peak == p.peak && e.macs == p.macs; });
      if (same == expected.end()) {
        expected.push_back(p);
      } else {
        same->steps = std::min(same->steps, p.steps);
      }
    }
    std::sort(expected.begin(), expected.end(), [](const PathCost& a, const PathCost& b) { return a.peak > b.peak; });
    std::vector<PathCost> front;
    for (const Setting& s : ParetoFront(dag)) front.push_back(CostOf(dag, s));
    EXPECT_EQ(front, expected);

    const int64_t min_peak = Best(paths, [](const PathCost&) { return true; }, PeakFirst)->peak;
    EXPECT_EQ(MinPeakRam(dag), min_peak);
    EXPECT_EQ(CostOf(dag, SolveMinRam(dag)), *Best(paths, [](const PathCost&) { return true; }, PeakFirst));

    for (int64_t budget = 0; budget <= 7; ++budget) {
      const auto want = Best(paths, [&](const PathCost& p) { return p.peak <= budget; }, MacsFirst);
      const auto got = MinMacSetting(dag, budget);
      ASSERT_EQ(got.has_value(), want.has_value()) << "budget " << budget;
      if (!want) {
        try {
          SolveP2(dag, budget);
          ADD_FAILURE() << "expected msf::Error";
        } catch (const Error& e) {
          EXPECT_EQ(std::string(e.what()), "no fusion setting fits a peak RAM of " + std::to_string(budget) +
                                               " bytes; the smallest feasible peak RAM is " +
                                               std::to_string(min_peak) + " bytes");
        }
        continue;
      }
      EXPECT_EQ(CostOf(dag, *got), *want) << "budget " << budget;
      EXPECT_EQ(CostOf(dag, SolveP2(dag, budget)), *want) << "budget " << budget;
    }

    for (double f : {0.5, 1.0, 1.25, 1.5, 2.0, 3.0, std::numeric_limits<double>::infinity()}) {
      const double mac_budget = f * static_cast<double>(dag.vanilla_macs);
      const auto want = Best(paths, [&](const PathCost& p) { return static_cast<double>(p.macs) <= mac_budget; },
                             PeakFirst);
      if (!want) {
        EXPECT_THROW(SolveP1(dag, f), Error) << "F " << f;
        continue;
      }
      EXPECT_EQ(CostOf(dag, SolveP1(dag, f)), *want) << "F " << f;
    }
  }
  EXPECT_GT(feasible_dags, 2000);
}

FusionDag Chain(std::vector<std::tuple<int, int, int64_t, int64_t>> edges, int nodes, int64_t vanilla) {
  FusionDag dag;
  dag.num_nodes = nodes;
  dag.vanilla_macs = vanilla;
  for (auto [from, to, ram, macs] : edges) {
    Edge e;
    e.from = from;
    e.to = to;
    e.kind = to == from + 1 ? StepKind::kLayer : StepKind::kFused;
    e.ram_bytes = e.ram_bytes_with_io = ram;
    e.macs = macs;
    dag.edges.push_back(e);
  }
  return dag;
}

TEST(SolverTies, EqualMacsGoToLowerPeakThenFewerSteps) {
  // Three ways 0 -> 2: two layers (peak 5), a block (peak 5), a block (peak 4); all 10 MACs.
  const FusionDag dag = Chain({{0, 1, 5, 5}, {1, 2, 3, 5}, {0, 2, 5, 10}, {0, 2, 4, 10}}, 3, 10);
  EXPECT_EQ(SolveP2(dag, 100).edges, std::vector<int32_t>{3});
  EXPECT_EQ(SolveP2(dag, 100).peak_ram_bytes, 4);
  // At peak 5 the one-step block wins over the two layers.
  const FusionDag dag2 = Chain({{0, 1, 5, 5}, {1, 2, 3, 5}, {0, 2, 5, 10}}, 3, 10);
  EXPECT_EQ(SolveP2(dag2, 5).edges, std::vector<int32_t>{2});
  EXPECT_EQ(SolveMinRam(dag2).edges, std::vector<int32_t>{2});
}

TEST(SolverTies, P1PrefersLowerMacsAtTheSamePeak) {
  const FusionDag dag = Chain({{0, 1, 9, 5}, {1, 2, 9, 5}, {0, 2, 4, 30}, {0, 2, 4, 20}}, 3, 10);
  const Setting s = SolveP1(dag, std::numeric_limits<double>::infinity());
  EXPECT_EQ(s.peak_ram_bytes, 4);
  EXPECT_EQ(s.macs, 20);
  EXPECT_EQ(SolveP1(dag, 2.0).macs, 20);
  EXPECT_EQ(SolveP1(dag, 1.99).peak_ram_bytes, 9);
}

TEST(SolverErrors, P1ReportsTheSmallestReachableOverhead) {
  const FusionDag dag = Chain({{0, 1, 9, 6}, {1, 2, 9, 6}}, 3, 10);
  try {
    SolveP1(dag, 1.1);
    FAIL() << "expected msf::Error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "no fusion setting has a MAC overhead of at most 1.1; the smallest reachable "
                           "overhead is 1.2 (12 MACs)");
  }
  EXPECT_THROW(SolveP1(dag, 0.0), Error);
  EXPECT_THROW(SolveP1(dag, -1.0), Error);
  EXPECT_THROW(SolveP1(dag, std::numeric_limits<double>::quiet_NaN()), Error);
}

TEST(SolverErrors, RejectsBackwardEdges) {
  const FusionDag dag = Chain({{0, 1, 1, 1}, {1, 0, 1, 1}}, 2, 1);
  EXPECT_THROW(ParetoFront(dag), Error);
  const FusionDag dag2 = Chain({{0, 3, 1, 1}}, 2, 1);
  EXPECT_THROW(SolveMinRam(dag2), Error);
}

TEST(SolverEdgeCases, ModelWithoutOps) {
  FusionDag dag;
  dag.num_nodes = 1;
  EXPECT_TRUE(SolveMinRam(dag).edges.empty());
  EXPECT_TRUE(SolveP1(dag, 1.0).edges.empty());
  EXPECT_TRUE(SolveP2(dag, 0).edges.empty());
  EXPECT_EQ(ParetoFront(dag).size(), 1u);
}

TEST(SolverStrategy, RestrictKeepsTheRightEdges) {
  FusionDag dag = Chain({{0, 1, 1, 1}, {1, 2, 1, 1}, {2, 3, 1, 1}, {0, 2, 1, 1}, {0, 3, 1, 1}, {1, 3, 1, 1}}, 4, 3);
  dag.edges[3].variant = Variant::kRecompute;
  dag.edges[4].variant = Variant::kLineBuffer;
  dag.edges[5].variant = Variant::kRecompute;
  auto froms = [](const FusionDag& d) {
    std::vector<std::pair<int, int>> r;
    for (const Edge& e : d.edges) r.emplace_back(e.from, e.to);
    return r;
  };
  using V = std::vector<std::pair<int, int>>;
  EXPECT_EQ(froms(Restrict(dag, Strategy::kMsf)), (V{{0, 1}, {1, 2}, {2, 3}, {0, 2}, {0, 3}, {1, 3}}));
  EXPECT_EQ(froms(Restrict(dag, Strategy::kLayer)), (V{{0, 1}, {1, 2}, {2, 3}}));
  EXPECT_EQ(froms(Restrict(dag, Strategy::kMcunetV2)), (V{{0, 1}, {1, 2}, {2, 3}, {0, 2}}));
  EXPECT_EQ(froms(Restrict(dag, Strategy::kStreamNet)), (V{{0, 1}, {1, 2}, {2, 3}, {0, 3}}));
  // Without kRecompute edges (paper model) mcunetv2 takes any fused edge from node 0.
  dag.edges[3].variant = dag.edges[5].variant = Variant::kHCache;
  EXPECT_EQ(froms(Restrict(dag, Strategy::kMcunetV2)), (V{{0, 1}, {1, 2}, {2, 3}, {0, 2}, {0, 3}}));
  dag.edges[4].variant = Variant::kHCache;
  EXPECT_THROW(Restrict(dag, Strategy::kStreamNet), Error);
}

TEST(SolverStrategy, NamesRoundTrip) {
  for (Strategy s : {Strategy::kMsf, Strategy::kLayer, Strategy::kMcunetV2, Strategy::kStreamNet}) {
    EXPECT_EQ(ParseStrategy(StrategyName(s)), s);
  }
  EXPECT_THROW(ParseStrategy("MSF"), Error);
  EXPECT_THROW(ParseStrategy(""), Error);
  EXPECT_STREQ(VariantName(Variant::kLineBuffer), "linebuf");
}

}  // namespace
}  // namespace msf::search
