// SPDX-License-Identifier: MIT
#include "search/strategy.h"

#include <algorithm>
#include <string>

#include "base/error.h"

namespace msf::search {

using step::StepKind;
using step::Variant;
namespace {

constexpr Strategy kAll[] = {Strategy::kMsf, Strategy::kLayer, Strategy::kMcunetV2, Strategy::kStreamNet};

bool HasVariant(const FusionDag& dag, Variant v) {
  return std::any_of(dag.edges.begin(), dag.edges.end(), [v](const Edge& e) { return e.variant == v; });
}

}  // namespace

const char* StrategyName(Strategy s) {
  switch (s) {
    case Strategy::kMsf: return "msf";
    case Strategy::kLayer: return "layer";
    case Strategy::kMcunetV2: return "mcunetv2";
    case Strategy::kStreamNet: return "streamnet";
  }
  return "?";
}

Strategy ParseStrategy(std::string_view name) {
  for (Strategy s : kAll) {
    if (name == StrategyName(s)) return s;
  }
  throw Error("unknown strategy '" + std::string(name) + "' (expected msf, layer, mcunetv2 or streamnet)");
}

FusionDag Restrict(const FusionDag& dag, Strategy s) {
  if (s == Strategy::kMsf) return dag;
  bool any_first_stage = false;  // whether the strategy cares which variant node 0 uses
  Variant first_stage = Variant::kNone;
  if (s == Strategy::kMcunetV2) {
    any_first_stage = !HasVariant(dag, Variant::kRecompute);
    first_stage = Variant::kRecompute;
  } else if (s == Strategy::kStreamNet) {
    if (!HasVariant(dag, Variant::kLineBuffer)) {
      throw Error("strategy streamnet needs line-buffer fused blocks, which only the exact cost model has "
                  "(use --cost-model exact)");
    }
    first_stage = Variant::kLineBuffer;
  }
  FusionDag out;
  out.num_nodes = dag.num_nodes;
  out.vanilla_macs = dag.vanilla_macs;
  for (const Edge& e : dag.edges) {
    const bool keep = e.kind == StepKind::kLayer ||
                      (s != Strategy::kLayer && e.from == 0 && (any_first_stage || e.variant == first_stage));
    if (keep) out.edges.push_back(e);
  }
  return out;
}

}  // namespace msf::search
