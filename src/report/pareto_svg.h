// SPDX-License-Identifier: MIT
// A hand-written SVG chart of a RAM/MAC Pareto front: x = peak RAM in kB
// (1 kB = 1000 B), y = MAC overhead F, the front as a staircase (the best F
// reachable within each RAM budget) and baselines as labelled markers.
#pragma once
#include <string>
#include <vector>

namespace msf::report {

struct ChartPoint {
  double ram_kb = 0;
  double overhead = 0;
};

struct ChartBaseline {
  std::string label;  // e.g. "layer-by-layer"
  ChartPoint point;
};

// More point sets, drawn as hollow markers (e.g. a paper's published
// points), optionally joined as a dashed staircase (another front).
struct ChartSeries {
  std::string label;
  std::vector<ChartPoint> points;
  bool staircase = false;
};

struct ChartOptions {
  std::string y_label = "MAC overhead F (x vanilla)";
  std::string front_label = "msf-CNN Pareto front";
  std::vector<ChartSeries> series;
};

// `notes` are printed in small type under the legend (e.g. a missing baseline).
std::string ParetoSvg(const std::string& title, const std::vector<ChartPoint>& front,
                      const std::vector<ChartBaseline>& baselines, const std::vector<std::string>& notes = {},
                      const ChartOptions& options = {});

}  // namespace msf::report
