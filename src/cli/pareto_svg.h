// SPDX-License-Identifier: MIT
// A hand-written SVG chart of a RAM/MAC Pareto front: x = peak RAM in kB
// (1 kB = 1000 B), y = MAC overhead F, the front as a staircase (the best F
// reachable within each RAM budget) and baselines as labelled markers.
#pragma once
#include <string>
#include <vector>

namespace msf::cli {

struct ChartPoint {
  double ram_kb = 0;
  double overhead = 0;
};

struct ChartBaseline {
  std::string label;  // e.g. "layer-by-layer"
  ChartPoint point;
};

// `notes` are printed in small type under the legend (e.g. a missing baseline).
std::string ParetoSvg(const std::string& title, const std::vector<ChartPoint>& front,
                      const std::vector<ChartBaseline>& baselines, const std::vector<std::string>& notes = {});

}  // namespace msf::cli
