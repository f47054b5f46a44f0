// SPDX-License-Identifier: MIT
// The solvers on the paper-model DAGs against every published optimum of
// msf-cnn-method.md: section 5.3 (P1), 5.4 (P2), 6 (result.json, with the
// per-block costs of 6.1) and 2.1 (the MCUNetV2-style heuristic).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "base/error.h"
#include "fusion/paper_fixtures.h"
#include "fusion/paper_section6_blocks.h"
#include "search/solvers.h"
#include "search/strategy.h"

namespace msf {
namespace {

using search::FusionDag;
using search::Setting;
using test::PaperDagOf;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr const char* kMbv2 = "mbv2-w0.35-r144";
constexpr const char* kVww = "mcunet-vww-5fps-r80";
constexpr const char* k320 = "mcunet-320kb-r176";

// A published overhead printed with a few decimals must equal ours rounded
// the same way: |ours - printed| <= half a unit in its last printed place.
void ExpectPrintedOverhead(double ours, const std::string& printed) {
  const size_t dot = printed.find('.');
  const int decimals = dot == std::string::npos ? 0 : static_cast<int>(printed.size() - dot - 1);
  EXPECT_LE(std::fabs(ours - std::strtod(printed.c_str(), nullptr)), 0.5 * std::pow(10.0, -decimals) * (1 + 1e-9))
      << "ours " << ours << " printed " << printed;
}

std::vector<std::pair<int, int>> Ranges(const FusionDag& dag, const Setting& s) {
  std::vector<std::pair<int, int>> r;
  for (int32_t e : s.edges) r.emplace_back(dag.edges[static_cast<size_t>(e)].from, dag.edges[static_cast<size_t>(e)].to - 1);
  return r;
}

// Objective: P1 with F (kind 'F'; value inf allowed) or P2 with a budget in
// kB (kind 'K', x1000 as the authors' -c2 does).
struct Row {
  const char* model;
  char kind;
  double value;
  int64_t peak, macs;
  const char* overhead;  // as printed
  int steps;             // 0: not published for this row
};

Setting Solve(const Row& r) {
  const FusionDag& dag = PaperDagOf(r.model);
  return r.kind == 'F' ? search::SolveP1(dag, r.value) : search::SolveP2(dag, static_cast<int64_t>(r.value * 1000));
}

// Sections 5.3, 5.4 and 6 (result.json), including the "same as" rows and the
// [C only] F 1.6 rows. Overheads are printed as in section 6 where it has them.
const Row kRows[] = {
    {kMbv2, 'F', kInf, 7887, 31758160, "1.67948263", 13},
    {kMbv2, 'F', 1.1, 67905, 20751538, "1.09741394", 17},
    {kMbv2, 'F', 1.2, 67905, 20751538, "1.09741394", 17},
    {kMbv2, 'F', 1.3, 21288, 24536110, "1.29755535", 22},
    {kMbv2, 'F', 1.4, 15340, 26132080, "1.38195583", 20},
    {kMbv2, 'F', 1.5, 15340, 26132080, "1.38195583", 20},
    {kMbv2, 'F', 1.6, 13926, 29560000, "1.56323624", 18},
    {kMbv2, 'K', 16, 15340, 26132080, "1.38195583", 20},
    {kMbv2, 'K', 32, 25674, 23700946, "1.25338896", 24},
    {kMbv2, 'K', 64, 63741, 23249938, "1.22953808", 16},
    {kMbv2, 'K', 128, 83065, 19265890, "1.01884768", 21},
    {kMbv2, 'K', 256, 181440, 18909490, "1", 20},
    {kMbv2, 'K', 320, 181440, 18909490, "1", 20},
    {kMbv2, 'K', 512, 181440, 18909490, "1", 20},
    {kVww, 'F', kInf, 12000, 22655616, "1.9567", 17},
    {kVww, 'F', 1.1, 32792, 12024576, "1.0385", 21},
    {kVww, 'F', 1.2, 26128, 12888576, "1.1131", 22},
    {kVww, 'F', 1.3, 17760, 15000576, "1.2956", 16},
    {kVww, 'F', 1.4, 13376, 15576576, "1.3453", 18},
    {kVww, 'F', 1.5, 13376, 15576576, "1.3453", 18},
    {kVww, 'F', 1.6, 13376, 15576576, "1.3453", 0},
    {kVww, 'K', 16, 13376, 15576576, "1.3453", 18},
    {kVww, 'K', 32, 26128, 12888576, "1.1131", 22},
    {kVww, 'K', 64, 38576, 11839616, "1.0226", 20},
    {kVww, 'K', 128, 89600, 11578496, "1", 20},
    {kVww, 'K', 256, 89600, 11578496, "1", 20},
    {kVww, 'K', 320, 89600, 11578496, "1", 20},
    {kVww, 'K', 512, 89600, 11578496, "1", 20},
    {k320, 'F', kInf, 42643, 219971376, "2.69488483503689", 18},
    {k320, 'F', 1.1, 190096, 84987824, "1.04119182334152", 26},
    {k320, 'F', 1.2, 186736, 97490864, "1.19436744782759", 24},
    {k320, 'F', 1.3, 186032, 102109104, "1.25094583164677", 23},
    {k320, 'F', 1.4, 156672, 111725744, "1.36875996624585", 21},
    {k320, 'F', 1.5, 94184, 118754480, "1.45486950649748", 22},
    {k320, 'F', 1.6, 73056, 127395376, "1.5607", 0},
    {k320, 'K', 64, 62880, 164842544, "2.01949762770271", 18},
    {k320, 'K', 128, 94184, 118754480, "1.45486950649748", 22},
    {k320, 'K', 256, 247808, 81625520, "1", 26},
    {k320, 'K', 320, 247808, 81625520, "1", 26},
    {k320, 'K', 512, 247808, 81625520, "1", 26},
};

TEST(PaperResults, P1AndP2RowsOfSections5And6) {
  for (const Row& r : kRows) {
    SCOPED_TRACE(std::string(r.model) + " " + r.kind + " " + std::to_string(r.value));
    const FusionDag& dag = PaperDagOf(r.model);
    const Setting s = Solve(r);
    EXPECT_EQ(s.peak_ram_bytes, r.peak);
    EXPECT_EQ(s.macs, r.macs);
    EXPECT_EQ(s.macs - dag.vanilla_macs, r.macs - dag.vanilla_macs);  // "Redundant"
    ExpectPrintedOverhead(s.MacOverhead(dag), r.overhead);
    // Fewest-steps tie-breaking may pick a different path than the authors'
    // Dijkstra when the optimum is not unique, but never a longer one.
    if (r.steps > 0) {
      EXPECT_LE(static_cast<int>(s.edges.size()), r.steps);
    }
  }
}

TEST(PaperResults, P2IsInfeasibleFor320KAt16kAnd32k) {
  for (int64_t budget : {16000, 32000}) {
    try {
      search::SolveP2(PaperDagOf(k320), budget);
      FAIL() << "expected msf::Error";
    } catch (const Error& e) {
      EXPECT_EQ(std::string(e.what()), "no fusion setting fits a peak RAM of " + std::to_string(budget) +
                                           " bytes; the smallest feasible peak RAM is 42643 bytes");
    }
  }
}

// The authors' P2 accepts a threshold only if it is strictly below P_max; we
// use <=. No finite edge of the three DAGs costs exactly a published budget,
// so the two readings give the same optimum for every published row.
TEST(PaperResults, P2BudgetIsNeverAnEdgeRamSoLessAndLessEqualAgree) {
  for (const char* model : {kMbv2, kVww, k320}) {
    const FusionDag& dag = PaperDagOf(model);
    for (int64_t kb : {16, 32, 64, 128, 256, 320, 512}) {
      for (const search::Edge& e : dag.edges) EXPECT_NE(e.ram_bytes, kb * 1000) << model;
      const auto le = search::MinMacSetting(dag, kb * 1000);
      const auto lt = search::MinMacSetting(dag, kb * 1000 - 1);
      ASSERT_EQ(le.has_value(), lt.has_value());
      if (le) {
        EXPECT_EQ(le->peak_ram_bytes, lt->peak_ram_bytes);
        EXPECT_EQ(le->macs, lt->macs);
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Section 6.1: every block of every stored configuration.

struct Block {
  int first, last;
  int64_t t = 0, s = 0, ram = 0, macs = 0;  // t == 0 for a single layer
};

struct Config {
  std::string model;
  char kind;
  double value;
  int64_t peak, macs;
  std::vector<Block> blocks;
};

std::string ZooName(const std::string& paper_name) {
  if (paper_name == "MBV2-w0.35-r144") return kMbv2;
  if (paper_name == "MCUNetv2-vww-5fps-r80") return kVww;
  if (paper_name == "MCUNet-320KB-ImageNet-r176") return k320;
  ADD_FAILURE() << "unknown model " << paper_name;
  return "";
}

// "## MODEL F Inf peak=P total_mac=M" or "## MODEL 64 K [...] peak=..." then
// one line "[a-b]T=t,S=s,m=ram,mac=macs; [c]m=ram,mac=macs; ...".
std::vector<Config> ParseSection6() {
  std::vector<Config> configs;
  std::istringstream text(test::kPaperSection6Blocks);
  std::string line;
  while (std::getline(text, line)) {
    if (line.rfind("## ", 0) == 0) {
      std::istringstream h(line.substr(3));
      Config c;
      std::string name, a, b;
      h >> name >> a >> b;
      c.model = ZooName(name);
      if (a == "F") {
        c.kind = 'F';
        c.value = b == "Inf" ? kInf : std::stod(b);
      } else {
        c.kind = 'K';
        c.value = std::stod(a);
      }
      c.peak = std::stoll(line.substr(line.find("peak=") + 5));
      c.macs = std::stoll(line.substr(line.find("total_mac=") + 10));
      configs.push_back(c);
    } else if (line.find('[') != std::string::npos) {
      std::istringstream items(line);
      std::string item;
      while (std::getline(items, item, ';')) {
        Block blk;
        const size_t open = item.find('['), close = item.find(']');
        const std::string range = item.substr(open + 1, close - open - 1);
        const size_t dash = range.find('-');
        blk.first = std::stoi(range.substr(0, dash));
        blk.last = dash == std::string::npos ? blk.first : std::stoi(range.substr(dash + 1));
        if (item.find("T=") != std::string::npos) {
          blk.t = std::stoll(item.substr(item.find("T=") + 2));
          blk.s = std::stoll(item.substr(item.find("S=") + 2));
        }
        blk.ram = std::stoll(item.substr(item.find("m=") + 2));
        blk.macs = std::stoll(item.substr(item.find("mac=") + 4));
        configs.back().blocks.push_back(blk);
      }
    }
  }
  return configs;
}

const search::Edge* FindEdge(const FusionDag& dag, int first, int last) {
  for (const search::Edge& e : dag.edges) {
    if (e.from == first && e.to == last + 1) return &e;
  }
  return nullptr;
}

// Number of min-MAC paths using only edges <= max_ram (saturating).
int64_t CountMinMacPaths(const FusionDag& dag, int64_t max_ram) {
  const size_t n = static_cast<size_t>(dag.num_nodes);
  std::vector<int64_t> best(n, std::numeric_limits<int64_t>::max()), count(n, 0);
  best[0] = 0;
  count[0] = 1;
  for (int32_t v = 1; v < dag.num_nodes; ++v) {
    for (const search::Edge& e : dag.edges) {
      if (e.to != v || e.ram_bytes > max_ram || count[static_cast<size_t>(e.from)] == 0) continue;
      const int64_t m = best[static_cast<size_t>(e.from)] + e.macs;
      if (m < best[static_cast<size_t>(v)]) {
        best[static_cast<size_t>(v)] = m;
        count[static_cast<size_t>(v)] = count[static_cast<size_t>(e.from)];
      } else if (m == best[static_cast<size_t>(v)]) {
        count[static_cast<size_t>(v)] = std::min<int64_t>(1000, count[static_cast<size_t>(v)] + count[static_cast<size_t>(e.from)]);
      }
    }
  }
  return count.back();
}

TEST(PaperResults, EveryBlockAndPathOfSection6_1) {
  const std::vector<Config> configs = ParseSection6();
  ASSERT_EQ(configs.size(), 28u);
  int unique = 0;
  for (const Config& c : configs) {
    SCOPED_TRACE(c.model + " " + c.kind + " " + std::to_string(c.value));
    const FusionDag& dag = PaperDagOf(c.model);
    const std::vector<cost::PaperLayer>& layers = test::PaperLayersOf(c.model);
    // The published path: contiguous blocks from layer 0 to the last, each an
    // edge of our DAG with exactly the published T, S, RAM and MACs.
    int next = 0;
    int64_t peak = 0, macs = 0;
    std::vector<std::pair<int, int>> ranges;
    for (const Block& b : c.blocks) {
      EXPECT_EQ(b.first, next);
      next = b.last + 1;
      ranges.emplace_back(b.first, b.last);
      const search::Edge* e = FindEdge(dag, b.first, b.last);
      ASSERT_NE(e, nullptr) << "[" << b.first << "," << b.last << "]";
      EXPECT_EQ(e->ram_bytes, b.ram) << "[" << b.first << "," << b.last << "]";
      EXPECT_EQ(e->macs, b.macs) << "[" << b.first << "," << b.last << "]";
      if (b.t > 0) {
        const cost::PaperBlockCost pc = cost::PaperBlock(layers, b.first, b.last);
        EXPECT_EQ(pc.tile_size, b.t);
        EXPECT_EQ(pc.tile_stride, b.s);
      } else {
        EXPECT_EQ(b.first, b.last);
      }
      peak = std::max(peak, b.ram);
      macs += b.macs;
    }
    EXPECT_EQ(next, dag.num_nodes - 1);
    EXPECT_EQ(peak, c.peak);
    EXPECT_EQ(macs, c.macs);

    // Our optimum has the same (peak, MACs); where it is the only optimal
    // path, also the same fusion ranges.
    const Setting s = c.kind == 'F' ? search::SolveP1(dag, c.value)
                                    : search::SolveP2(dag, static_cast<int64_t>(c.value * 1000));
    EXPECT_EQ(s.peak_ram_bytes, c.peak);
    EXPECT_EQ(s.macs, c.macs);
    if (CountMinMacPaths(dag, c.peak) == 1) {
      ++unique;
      std::printf("[          ] unique optimum: %s %c %g\n", c.model.c_str(), c.kind, c.value);
      EXPECT_EQ(Ranges(dag, s), ranges);
    }
  }
  // Ties are common (e.g. repeated identical MBConv blocks), but not universal.
  EXPECT_GT(unique, 0);
  std::printf("[          ] %d of %zu section 6.1 optima are unique paths\n", unique, configs.size());
}

// ---------------------------------------------------------------------------
// Section 2.1: the authors' MCUNetV2-style heuristic (one first-stage block
// from node 0, then layer by layer, min peak RAM) is our mcunetv2 strategy
// under the paper cost model.

TEST(PaperResults, HeuristicRowsOfSection2_1) {
  struct Heuristic {
    const char* model;
    int first_stage_last;
    int64_t peak, macs;
    const char* overhead;
  };
  const Heuristic rows[] = {
      {kMbv2, 21, 32076, 30050014, "1.5891"},
      {kVww, 17, 24000, 18014016, "1.5558"},
      {k320, 23, 90307, 265301232, "3.2502"},
  };
  for (const Heuristic& h : rows) {
    SCOPED_TRACE(h.model);
    const FusionDag dag = search::Restrict(PaperDagOf(h.model), search::Strategy::kMcunetV2);
    const Setting s = search::SolveMinRam(dag);
    EXPECT_EQ(s.peak_ram_bytes, h.peak);
    EXPECT_EQ(s.macs, h.macs);
    ExpectPrintedOverhead(s.MacOverhead(dag), h.overhead);
    // The published path, first stage then single layers, costs exactly that.
    const search::Edge* stage = FindEdge(dag, 0, h.first_stage_last);
    ASSERT_NE(stage, nullptr);
    int64_t peak = stage->ram_bytes, macs = stage->macs;
    for (int l = h.first_stage_last + 1; l < dag.num_nodes - 1; ++l) {
      peak = std::max(peak, FindEdge(dag, l, l)->ram_bytes);
      macs += FindEdge(dag, l, l)->macs;
    }
    EXPECT_EQ(peak, h.peak);
    EXPECT_EQ(macs, h.macs);
    // Ours has the same shape; for MBV2 it is [0,22] instead of [0,21] + [22]:
    // a tie in both RAM and MACs that fewest-steps breaks the other way.
    const std::vector<std::pair<int, int>> r = Ranges(dag, s);
    ASSERT_FALSE(r.empty());
    EXPECT_EQ(r[0].first, 0);
    for (size_t i = 1; i < r.size(); ++i) EXPECT_EQ(r[i].first, r[i].second);
    if (CountMinMacPaths(dag, h.peak) == 1) {
      EXPECT_EQ(r[0].second, h.first_stage_last);
    }
    if (std::string(h.model) == kMbv2) {
      EXPECT_EQ(r[0].second, 22);
    }
  }
}

TEST(PaperResults, LayerStrategyIsTheVanillaNetwork) {
  const std::pair<const char*, int64_t> peaks[] = {{kMbv2, 194400}, {kVww, 96000}, {k320, 309760}};
  for (const auto& [model, peak] : peaks) {
    const FusionDag dag = search::Restrict(PaperDagOf(model), search::Strategy::kLayer);
    const Setting s = search::SolveMinRam(dag);
    EXPECT_EQ(s.peak_ram_bytes, peak) << model;
    EXPECT_EQ(s.macs, dag.vanilla_macs) << model;
    EXPECT_EQ(static_cast<int>(s.edges.size()), dag.num_nodes - 1);
  }
}

TEST(PaperResults, StreamNetNeedsTheExactCostModel) {
  try {
    search::Restrict(PaperDagOf(kMbv2), search::Strategy::kStreamNet);
    FAIL() << "expected msf::Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("exact cost model"), std::string::npos);
  }
}

// The front's two ends are the F = inf and the min-MAC optima, and every
// published optimum lies on it.
TEST(PaperResults, ParetoFrontContainsEveryPublishedOptimum) {
  for (const char* model : {kMbv2, kVww, k320}) {
    SCOPED_TRACE(model);
    const FusionDag& dag = PaperDagOf(model);
    const std::vector<Setting> front = search::ParetoFront(dag);
    ASSERT_FALSE(front.empty());
    EXPECT_EQ(front.front().macs, dag.vanilla_macs);
    EXPECT_EQ(front.back().peak_ram_bytes, search::SolveMinRam(dag).peak_ram_bytes);
    std::map<int64_t, int64_t> points;
    for (const Setting& s : front) points[s.peak_ram_bytes] = s.macs;
    for (const Row& r : kRows) {
      if (std::string(r.model) != model) continue;
      ASSERT_TRUE(points.count(r.peak)) << r.peak;
      EXPECT_EQ(points[r.peak], r.macs);
    }
  }
}

}  // namespace
}  // namespace msf
