// SPDX-License-Identifier: MIT
// The msf-CNN paper's published results for its three networks, copied from
// ../shared/docs/msf-cnn-method.md: section 5.3 (P1: least RAM with F <=
// F_max), 5.4 (P2: fewest MACs within P_max) and 5.5 (baselines read off
// the RAM-latency chart). RAM excludes the network input and output.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace msf::report {

struct PublishedPoint {
  std::string constraint;  // "min-RAM", "F<=1.1", ..., "16k", ...: the report's constraint names
  bool feasible = true;
  int64_t analytic_bytes = 0;  // the authors' cost model
  int64_t tvm_bytes = 0;       // TVM AOT workspace (measured)
  double overhead = 0;         // F = MACs / vanilla MACs, analytic
  double latency_ms = 0;       // nucleo-f767zi (Cortex-M7 @ 216 MHz), 0 = not published
  std::string remark;          // e.g. "same path as F<=1.4"
};

struct PublishedBaseline {
  std::string name;  // "vanilla (TVM)", "MCUNetV2", "StreamNet-2D"
  double ram_kb = 0, latency_ms = 0;
};

struct PublishedNetwork {
  std::string name;  // "MBV2-w0.35 r144", ...
  std::vector<PublishedPoint> points;
  std::vector<PublishedBaseline> baselines;
};

// The three networks; the names above.
const std::vector<PublishedNetwork>& PublishedNetworks();

}  // namespace msf::report
