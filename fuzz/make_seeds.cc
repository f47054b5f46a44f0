// SPDX-License-Identifier: MIT
// Writes raw seed inputs for the fuzz targets into OUT/<target>/:
//   tflite_import: small valid .tflite files (random int8 CNNs from
//     tests/support/random_graph, written with every supported op kind, SAME
//     and VALID padding, explicit PADs, float I/O boundaries) and corrupted
//     variants of them (truncations, bit flips, patched fields);
//   plan_json: plans of the plan target's models (Pareto fronts, the
//     baselines, broken variants);
//   budget_parse: RAM budgets and overhead factors, good and bad.
//   calibration_json: the compiled-in latency models, and variants with
//     coefficients out of range or of the wrong type.
// tools/run-fuzz.sh --make-seeds minimises them into fuzz/seeds/ with
// libFuzzer's -merge=1, so only inputs that add coverage are kept.
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "search/exact_dag.h"
#include "cost/latency_model.h"
#include "plan/plan_json.h"
#include "search/solvers.h"
#include "search/strategy.h"
#include "fuzz/harness.h"
#include "frontend/builtin_op_names.h"
#include "support/random_graph.h"
#include "support/tflite_builder.h"

namespace msf {
namespace {

namespace fs = std::filesystem;
namespace tfl = msf::tfl;
using test::TfliteBuilder;

void Write(const fs::path& path, const std::vector<uint8_t>& bytes) {
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

void WriteText(const fs::path& path, const std::string& text) { Write(path, std::vector<uint8_t>(text.begin(), text.end())); }

tfl::ActivationFunctionType Act(ir::Activation a) {
  switch (a) {
    case ir::Activation::kRelu: return tfl::ActivationFunctionType_RELU;
    case ir::Activation::kRelu6: return tfl::ActivationFunctionType_RELU6;
    case ir::Activation::kNone: break;
  }
  return tfl::ActivationFunctionType_NONE;
}

// TFLite's SAME padding of one axis.
std::pair<int32_t, int32_t> SamePad(int32_t in, int32_t out, int32_t k, int32_t s) {
  const int32_t total = std::max((out - 1) * s + k - in, 0);
  return {total / 2, total - total / 2};
}

// Writes an IR graph as a .tflite file; nullopt if a pool's padding has no
// TFLite form. `float_io` wraps it in float QUANTIZE / DEQUANTIZE ops.
std::optional<std::vector<uint8_t>> ToTflite(const ir::Graph& g, bool float_io) {
  TfliteBuilder b;
  std::vector<int32_t> index(g.tensors.size(), -1);
  const auto tensor = [&](ir::TensorId id) -> int32_t {
    if (id == ir::kNoTensor) return -1;
    int32_t& i = index[static_cast<size_t>(id)];
    if (i >= 0) return i;
    const ir::Tensor& t = g.tensor(id);
    const tfl::TensorType type = t.type == ir::DType::kInt32 ? tfl::TensorType_INT32 : tfl::TensorType_INT8;
    std::vector<uint8_t> data;
    if (t.IsConstant()) data.assign(t.data, t.data + t.data_size);
    i = b.Tensor(t.name, t.shape, type, t.quant.scale, t.quant.zero_point, data, t.quant.axis);
    return i;
  };
  int32_t net_in = tensor(g.input());
  if (float_io) {
    const ir::Tensor& t = g.tensor(g.input());
    const int32_t f = b.Tensor("float_in", t.shape, tfl::TensorType_FLOAT32);
    b.Op(frontend::kQuantize, {f}, {net_in});
    net_in = f;
  }
  for (const ir::Op& op : g.ops) {
    const int32_t in = tensor(op.input());
    const int32_t out = tensor(op.output());
    const ir::Tensor& ti = g.tensor(op.input());
    const ir::Tensor& to = g.tensor(op.output());
    switch (op.kind) {
      case ir::OpKind::kConv2D:
      case ir::OpKind::kDepthwiseConv2D: {
        const ir::ConvAttrs a = op.conv();
        tfl::Padding padding = tfl::Padding_VALID;
        int32_t src = in;
        const auto [pt, pb] = SamePad(ti.H(), to.H(), a.kernel_h, a.stride_h);
        const auto [pl, pr] = SamePad(ti.W(), to.W(), a.kernel_w, a.stride_w);
        if (a.pad.top == pt && a.pad.bottom == pb && a.pad.left == pl && a.pad.right == pr && !a.pad.IsZero()) {
          padding = tfl::Padding_SAME;
        } else if (!a.pad.IsZero()) {  // explicit PAD + VALID (folded back by Canonicalize)
          const int32_t pads = b.Tensor("pads", {4, 2}, tfl::TensorType_INT32, {}, {},
                                        test::Int32Bytes({0, 0, a.pad.top, a.pad.bottom, a.pad.left, a.pad.right, 0, 0}));
          src = b.Tensor("padded", {1, ti.H() + a.pad.top + a.pad.bottom, ti.W() + a.pad.left + a.pad.right, ti.C()},
                         tfl::TensorType_INT8, ti.quant.scale, ti.quant.zero_point);
          b.Op(frontend::kPad, {in, pads}, {src});
        }
        const int32_t w = tensor(op.input(1)), bias = op.inputs.size() > 2 ? tensor(op.input(2)) : -1;
        if (op.kind == ir::OpKind::kConv2D) {
          b.Op(frontend::kConv2D, {src, w, bias}, {out}, tfl::BuiltinOptions_Conv2DOptions, [=](auto& fbb) {
            return tfl::CreateConv2DOptions(fbb, padding, a.stride_w, a.stride_h, Act(a.act)).Union();
          });
        } else {
          b.Op(frontend::kDepthwiseConv2D, {src, w, bias}, {out}, tfl::BuiltinOptions_DepthwiseConv2DOptions,
               [=](auto& fbb) {
                 return tfl::CreateDepthwiseConv2DOptions(fbb, padding, a.stride_w, a.stride_h, a.depth_multiplier,
                                                          Act(a.act)).Union();
               });
        }
        break;
      }
      case ir::OpKind::kAveragePool2D:
      case ir::OpKind::kMaxPool2D: {
        const ir::PoolAttrs a = op.pool();
        tfl::Padding padding = tfl::Padding_VALID;
        if (!a.pad.IsZero()) {
          const auto [pt, pb] = SamePad(ti.H(), to.H(), a.filter_h, a.stride_h);
          const auto [pl, pr] = SamePad(ti.W(), to.W(), a.filter_w, a.stride_w);
          if (a.pad.top != pt || a.pad.bottom != pb || a.pad.left != pl || a.pad.right != pr) return std::nullopt;
          padding = tfl::Padding_SAME;
        }
        b.Op(op.kind == ir::OpKind::kMaxPool2D ? frontend::kMaxPool2D : frontend::kAveragePool2D, {in}, {out},
             tfl::BuiltinOptions_Pool2DOptions, [=](auto& fbb) {
               return tfl::CreatePool2DOptions(fbb, padding, a.stride_w, a.stride_h, a.filter_w, a.filter_h,
                                               Act(a.act)).Union();
             });
        break;
      }
      case ir::OpKind::kPad: {
        const ir::Pad2D p = std::get<ir::PadAttrs>(op.attrs).pad;
        const int32_t pads = b.Tensor("pads", {4, 2}, tfl::TensorType_INT32, {}, {},
                                      test::Int32Bytes({0, 0, p.top, p.bottom, p.left, p.right, 0, 0}));
        b.Op(frontend::kPad, {in, pads}, {out});
        break;
      }
      case ir::OpKind::kAdd: {
        const ir::Activation act = std::get<ir::AddAttrs>(op.attrs).act;
        b.Op(frontend::kAdd, {in, tensor(op.input(1))}, {out}, tfl::BuiltinOptions_AddOptions,
             [=](auto& fbb) { return tfl::CreateAddOptions(fbb, Act(act)).Union(); });
        break;
      }
      case ir::OpKind::kMean: {
        const bool keep = std::get<ir::MeanAttrs>(op.attrs).keep_dims;
        const int32_t axes = b.Tensor("axes", {2}, tfl::TensorType_INT32, {}, {}, test::Int32Bytes({1, 2}));
        b.Op(frontend::kMean, {in, axes}, {out}, tfl::BuiltinOptions_ReducerOptions,
             [=](auto& fbb) { return tfl::CreateReducerOptions(fbb, keep).Union(); });
        break;
      }
      case ir::OpKind::kFullyConnected: {
        const ir::Activation act = std::get<ir::FullyConnectedAttrs>(op.attrs).act;
        const int32_t bias = op.inputs.size() > 2 ? tensor(op.input(2)) : -1;
        b.Op(frontend::kFullyConnected, {in, tensor(op.input(1)), bias}, {out}, tfl::BuiltinOptions_FullyConnectedOptions,
             [=](auto& fbb) { return tfl::CreateFullyConnectedOptions(fbb, Act(act)).Union(); });
        break;
      }
      case ir::OpKind::kReshape: {
        const int32_t shape = b.Tensor("shape", {static_cast<int32_t>(to.shape.size())}, tfl::TensorType_INT32, {}, {},
                                       test::Int32Bytes(to.shape));
        b.Op(frontend::kReshape, {in, shape}, {out});
        break;
      }
      case ir::OpKind::kSoftmax: {
        const float beta = std::get<ir::SoftmaxAttrs>(op.attrs).beta;
        b.Op(frontend::kSoftmax, {in}, {out}, tfl::BuiltinOptions_SoftmaxOptions,
             [=](auto& fbb) { return tfl::CreateSoftmaxOptions(fbb, beta).Union(); });
        break;
      }
      case ir::OpKind::kQuantize: b.Op(frontend::kQuantize, {in}, {out}); break;
      case ir::OpKind::kDequantize:
      // The random chains the seeds come from never hold these (the branching
      // graphs of the property tests do; tests/exec/graph_ops_test.cc writes
      // them as .tflite files).
      case ir::OpKind::kResizeNearest:
      case ir::OpKind::kConcat:
      case ir::OpKind::kMul:
      case ir::OpKind::kLogistic:
      case ir::OpKind::kHardSwish:
      case ir::OpKind::kTranspose:
      case ir::OpKind::kReadInput:  // msf's own (streamed inputs), never in a .tflite file
        return std::nullopt;
    }
  }
  int32_t net_out = tensor(g.output());
  if (float_io) {
    const int32_t f = b.Tensor("float_out", g.tensor(g.output()).shape, tfl::TensorType_FLOAT32);
    b.Op(frontend::kDequantize, {net_out}, {f});
    net_out = f;
  }
  return b.Finish({net_in}, {net_out});
}

void TfliteSeeds(const fs::path& dir) {
  fs::create_directories(dir);
  std::mt19937 rng(2024);
  int written = 0;
  for (uint64_t seed = 1; seed <= 36; ++seed) {
    const std::optional<std::vector<uint8_t>> model = ToTflite(test::RandomGraph(seed), seed % 5 == 0);
    if (!model) continue;
    const std::string base = "random" + std::to_string(seed);
    Write(dir / (base + ".tflite"), *model);
    ++written;
    // Corrupted variants: truncations and single/multi bit flips anywhere.
    for (size_t len : {model->size() / 2, model->size() - 1, size_t{64}}) {
      Write(dir / (base + "_trunc" + std::to_string(len) + ".tflite"),
            std::vector<uint8_t>(model->begin(), model->begin() + static_cast<long>(std::min(len, model->size()))));
    }
    for (int k = 0; k < 12; ++k) {
      std::vector<uint8_t> bytes = *model;
      for (int f = 0; f <= k % 3; ++f) bytes[rng() % bytes.size()] ^= static_cast<uint8_t>(1u << (rng() % 8));
      Write(dir / (base + "_flip" + std::to_string(k) + ".tflite"), bytes);
    }
    // 32-bit little-endian words replaced with boundary values.
    for (int k = 0; k < 6; ++k) {
      std::vector<uint8_t> bytes = *model;
      const uint32_t values[] = {0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 65536};
      const size_t at = (rng() % (bytes.size() / 4)) * 4;
      std::memcpy(bytes.data() + at, &values[k], 4);
      Write(dir / (base + "_word" + std::to_string(k) + ".tflite"), bytes);
    }
  }
  std::printf("tflite_import: %d models and their corrupted variants\n", written);
}

void PlanSeeds(const fs::path& dir) {
  fs::create_directories(dir);
  int written = 0;
  const std::vector<ir::Graph>& models = fuzz::PlanModels();
  for (size_t m = 0; m < models.size(); ++m) {
    search::ExactOptions options;
    options.max_block_ops = 8;
    const search::FusionDag dag = search::BuildExactDag(models[m], options);
    std::vector<std::pair<std::string, search::FusionDag>> dags = {{"msf", dag}};
    for (search::Strategy st : {search::Strategy::kMcunetV2, search::Strategy::kStreamNet, search::Strategy::kLayer}) {
      try {
        dags.emplace_back(search::StrategyName(st), search::Restrict(dag, st));
      } catch (const std::exception&) {
      }
    }
    for (const auto& [strategy, d] : dags) {
      const std::vector<search::Setting> front = search::ParetoFront(d);
      for (size_t i = 0; i < front.size(); i += std::max<size_t>(1, front.size() / 4)) {
        plan::Plan p = plan::MakePlan(d, front[i]);
        p.model = "plan-model-" + std::to_string(m);
        p.strategy = strategy;
        p.cost_model = "exact";
        const std::string name = "m" + std::to_string(m) + "_" + strategy + "_" + std::to_string(i);
        WriteText(dir / (name + ".json"), plan::PlanToJsonText(p));
        // The same plan with every RAM / MAC number 0: the totals stay
        // consistent while the fuzzer mutates the steps' ops, variants and
        // patches, so its mutants reach the arena planner and the executor.
        for (plan::PlanStep& s : p.steps) s.ram_bytes = s.ram_bytes_with_io = s.macs = 0;
        p.peak_ram_bytes = p.peak_ram_bytes_with_io = p.macs = 0;
        WriteText(dir / (name + "_zero.json"), plan::PlanToJsonText(p));
        written += 2;
      }
    }
  }
  // Broken plans: the loader's error paths.
  const char* broken[] = {
      "", "{", "[]", "null", "{\"model\": 1}", "{\"steps\": []}",
      R"({"model":"m","strategy":"msf","cost_model":"exact","objective":{"kind":"min_ram"},"peak_ram_bytes":1,)"
      R"("peak_ram_bytes_with_io":1,"macs":0,"vanilla_macs":0,"mac_overhead":0,"num_ops":1,)"
      R"("steps":[{"ops":[0,0],"kind":"layer","variant":null,"patch":null,"ram_bytes":1,"macs":0}]})",
      R"({"model":"m","strategy":"msf","cost_model":"exact","objective":{"kind":"max_overhead","value":"inf"},)"
      R"("peak_ram_bytes":1,"peak_ram_bytes_with_io":1,"macs":0,"vanilla_macs":0,"mac_overhead":0,"num_ops":2,)"
      R"("steps":[{"ops":[0,1],"kind":"fused","variant":"hcache","patch":[-1,2],"ram_bytes":1,"macs":0}]})",
  };
  int k = 0;
  for (const char* text : broken) WriteText(dir / ("broken" + std::to_string(k++) + ".json"), text);
  std::printf("plan_json: %d plans, %d broken\n", written, k);
}

void BudgetSeeds(const fs::path& dir) {
  fs::create_directories(dir);
  const char* texts[] = {"64000", "64k", "64kB", "64KiB", "1MiB", "2MB", "0", "-5", "", "inf", "1.3", "1e1",
                         "9223372036854775807", "9223372036854775808", "9223372036854775807KiB", "nan", "0x10",
                         "1e400", "-inf", "Infinity", "12 ", " 12", "64kb"};
  int k = 0;
  for (const char* t : texts) WriteText(dir / ("b" + std::to_string(k++) + ".txt"), t);
  std::printf("budget_parse: %d strings\n", k);
}

void CalibrationSeeds(const fs::path& dir) {
  fs::create_directories(dir);
  int k = 0;
  for (const std::string& target : cost::CalibratedTargets()) {
    const std::string good = cost::LatencyModelToJson(cost::BuiltinLatencyModel(target));
    WriteText(dir / (target + ".json"), good);
    // The first per_mac with a value that is too large, negative, huge but
    // valid, or not a number.
    const size_t at = good.find("\"per_mac\": ");
    const size_t value = at + std::strlen("\"per_mac\": ");
    const size_t end = good.find_first_of(",\n}", value);
    for (const char* v : {"1e19", "1e9", "1000000001", "-1", "1e308", "\"12\"", "null", "true"}) {
      WriteText(dir / ("c" + std::to_string(k++) + ".json"), good.substr(0, value) + v + good.substr(end));
    }
  }
  std::printf("calibration_json: %d files\n", k + 3);
}

}  // namespace
}  // namespace msf

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: msf_fuzz_make_seeds OUT_DIR\n");
    return 2;
  }
  const std::filesystem::path out = argv[1];
  msf::TfliteSeeds(out / "tflite_import");
  msf::PlanSeeds(out / "plan_json");
  msf::BudgetSeeds(out / "budget_parse");
  msf::CalibrationSeeds(out / "calibration_json");
  return 0;
}
