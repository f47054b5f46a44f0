// SPDX-License-Identifier: MIT
// Building the fusion DAG and solving its whole Pareto front: the paper zoo
// (paper and exact cost models), the matching real models from
// ../shared/models (exact), and synthetic chains of 100-1000 layers (exact).
#include <benchmark/benchmark.h>

#include <filesystem>
#include <string>
#include <vector>

#include "search/exact_dag.h"
#include "search/paper_dag.h"
#include "search/solvers.h"
#include "ir/graph.h"
#include "frontend/model_loader.h"
#include "frontend/paper_zoo.h"

namespace {

using msf::search::FusionDag;

const char* const kZoo[] = {"zoo:mbv2-w0.35-r144", "zoo:mcunet-vww-5fps-r80", "zoo:mcunet-320kb-r176"};
const char* const kRealModels[] = {"mcunet_imagenet/mbv2-w0.35-r144_imagenet.tflite",
                                   "mcunet_vww/mcunet-5fps_vww.tflite",
                                   "mcunet_imagenet/mcunet-320kb-1mb_imagenet.tflite"};

// "w12" (appended: gcc 12's -Wrestrict misfires on "w" + std::string).
std::string TensorName(char kind, int i) {
  std::string s(1, kind);
  return s.append(std::to_string(i));
}

// An inverted-residual-like chain without residuals: a 3x3 s2 stem, then
// PW expand (16 -> 48), DW 3x3, PW project (48 -> 16) repeated at 32x32.
msf::ir::Graph SyntheticChain(int num_ops) {
  msf::ir::Graph g;
  g.name = "chain" + std::to_string(num_ops);
  const msf::ir::Quant q{{1.0f}, {0}, 0};
  msf::ir::TensorId x = g.AddActivation("input", {1, 64, 64, 3}, q);
  g.inputs = {x};
  int h = 64, c = 3;
  for (int i = 0; i < num_ops; ++i) {
    msf::ir::ConvAttrs a;
    msf::ir::OpKind kind = msf::ir::OpKind::kConv2D;
    int cout = 16;
    if (i == 0) {
      a.kernel_h = a.kernel_w = 3;
      a.stride_h = a.stride_w = 2;
      a.pad = {1, 1, 1, 1};
    } else if (i % 3 == 1) {
      cout = 48;
    } else if (i % 3 == 2) {
      kind = msf::ir::OpKind::kDepthwiseConv2D;
      a.kernel_h = a.kernel_w = 3;
      a.pad = {1, 1, 1, 1};
      cout = c;
    }
    const bool dw = kind == msf::ir::OpKind::kDepthwiseConv2D;
    const std::vector<int32_t> fshape = dw ? std::vector<int32_t>{1, 3, 3, c}
                                           : std::vector<int32_t>{cout, a.kernel_h, a.kernel_w, c};
    size_t fbytes = 1;
    for (int32_t d : fshape) fbytes *= static_cast<size_t>(d);
    const auto w = g.AddConstant(TensorName('w', i), msf::ir::DType::kInt8, fshape,
                                 std::vector<uint8_t>(fbytes, 1), q);
    const auto b = g.AddConstant(TensorName('b', i), msf::ir::DType::kInt32, {cout},
                                 std::vector<uint8_t>(static_cast<size_t>(cout) * 4, 0), q);
    h = (h + a.pad.top + a.pad.bottom - a.kernel_h) / a.stride_h + 1;
    c = cout;
    const auto y = g.AddActivation(TensorName('t', i), {1, h, h, c}, q);
    g.ops.push_back({kind, {x, w, b}, {y}, a, i});
    x = y;
  }
  g.outputs = {x};
  return g;
}

void Report(benchmark::State& state, const FusionDag& dag, size_t front_points) {
  state.counters["ops"] = dag.num_nodes - 1;
  state.counters["edges"] = static_cast<double>(dag.edges.size());
  if (front_points > 0) state.counters["front"] = static_cast<double>(front_points);
}

void BuildPaper(benchmark::State& state, std::string model) {
  const msf::ir::Graph g = msf::frontend::LoadModel(model);
  FusionDag dag;
  for (auto _ : state) benchmark::DoNotOptimize(dag = msf::search::BuildPaperDag(g));
  Report(state, dag, 0);
}

void FrontOf(benchmark::State& state, const FusionDag& dag) {
  size_t points = 0;
  for (auto _ : state) {
    const auto front = msf::search::ParetoFront(dag);
    points = front.size();
    benchmark::DoNotOptimize(front.data());
  }
  Report(state, dag, points);
}

void FrontPaper(benchmark::State& state, std::string model) {
  FrontOf(state, msf::search::BuildPaperDag(msf::frontend::LoadModel(model)));
}

void BuildExact(benchmark::State& state, const msf::ir::Graph& g) {
  FusionDag dag;
  for (auto _ : state) benchmark::DoNotOptimize(dag = msf::search::BuildExactDag(g));
  Report(state, dag, 0);
}

// Real models: skipped (with a message) when ../shared/models is absent.
bool LoadReal(benchmark::State& state, const std::string& rel, msf::ir::Graph* g) {
  const std::string path = std::string(MSF_MODELS_DIR) + "/" + rel;
  if (!std::filesystem::exists(path)) {
    state.SkipWithError(("model not found: " + path).c_str());
    return false;
  }
  *g = msf::frontend::LoadModel(path);
  return true;
}

void RegisterAll() {
  for (const char* m : kZoo) {
    const std::string name = std::string(m).substr(4);
    benchmark::RegisterBenchmark(("paper/build_dag/" + name).c_str(), BuildPaper, std::string(m))
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("paper/pareto_front/" + name).c_str(), FrontPaper, std::string(m))
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("exact/build_dag/" + name).c_str(),
                                 [m](benchmark::State& s) { BuildExact(s, msf::frontend::LoadModel(m)); })
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("exact/pareto_front/" + name).c_str(), [m](benchmark::State& s) {
      FrontOf(s, msf::search::BuildExactDag(msf::frontend::LoadModel(m)));
    })->Unit(benchmark::kMillisecond);
  }
  for (const char* rel : kRealModels) {
    const std::string name = std::filesystem::path(rel).stem().string();
    benchmark::RegisterBenchmark(("exact/build_dag/" + name).c_str(), [rel](benchmark::State& s) {
      msf::ir::Graph g;
      if (LoadReal(s, rel, &g)) BuildExact(s, g);
    })->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("exact/pareto_front/" + name).c_str(), [rel](benchmark::State& s) {
      msf::ir::Graph g;
      if (LoadReal(s, rel, &g)) FrontOf(s, msf::search::BuildExactDag(g));
    })->Unit(benchmark::kMillisecond);
  }
  for (int n : {100, 300, 1000}) {
    const std::string name = "chain" + std::to_string(n);
    benchmark::RegisterBenchmark(("exact/build_dag/" + name).c_str(),
                                 [n](benchmark::State& s) { BuildExact(s, SyntheticChain(n)); })
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("exact/pareto_front/" + name).c_str(), [n](benchmark::State& s) {
      FrontOf(s, msf::search::BuildExactDag(SyntheticChain(n)));
    })->Unit(benchmark::kMillisecond);
  }
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  RegisterAll();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
