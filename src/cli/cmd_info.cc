// SPDX-License-Identifier: MIT
// `msf info`: the op list with shapes and MACs, and layer-by-layer peak RAM.
#include <cstdio>
#include <memory>
#include <optional>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/format.h"
#include "frontend/model_loader.h"
#include "base/error.h"
#include "ir/analysis.h"
#include "step/step_memory.h"

namespace msf::cli {
namespace {

using nlohmann::json;

std::string Geometry(const ir::Op& op) {
  char buf[96];
  if (const auto* c = std::get_if<ir::ConvAttrs>(&op.attrs)) {
    std::snprintf(buf, sizeof buf, "k%dx%d s%d p%d,%d,%d,%d %s", c->kernel_h, c->kernel_w, c->stride_h,
                  c->pad.top, c->pad.bottom, c->pad.left, c->pad.right, ir::ActivationName(c->act));
    return buf;
  }
  if (const auto* p = std::get_if<ir::PoolAttrs>(&op.attrs)) {
    std::snprintf(buf, sizeof buf, "k%dx%d s%d p%d,%d,%d,%d", p->filter_h, p->filter_w, p->stride_h,
                  p->pad.top, p->pad.bottom, p->pad.left, p->pad.right);
    return buf;
  }
  if (const auto* p = std::get_if<ir::PadAttrs>(&op.attrs)) {
    std::snprintf(buf, sizeof buf, "p%d,%d,%d,%d", p->pad.top, p->pad.bottom, p->pad.left, p->pad.right);
    return buf;
  }
  return "";
}

// "1x96x96x1 int8 (scale 0.0039, zero point -128)", or "... float32".
std::string IoText(const ir::Tensor& t) {
  std::string s = ShapeString(t.shape) + " " + ir::DTypeName(t.type);
  if (t.type != ir::DType::kInt8) return s;
  char buf[96];
  std::snprintf(buf, sizeof buf, " (scale %.8g, zero point %d)", t.quant.Scale(), t.quant.ZeroPoint());
  return s + buf;
}

json TensorJson(const ir::Tensor& t) {
  return {{"name", t.name}, {"shape", t.shape}, {"type", ir::DTypeName(t.type)},
          {"scale", t.quant.scale.empty() ? 0.0 : t.quant.Scale()}, {"zero_point", t.quant.ZeroPoint()}};
}

struct InfoArgs {
  std::string model;
  std::optional<std::string> json;
};

int RunInfo(const InfoArgs& a) {
  if (a.json) CheckNotAnInput(*a.json, {a.model});
  const ir::Graph g = frontend::LoadModel(a.model);
  // The layer steps the planner and the executor use, so this peak is
  // `msf plan --strategy layer --min-ram`'s.
  const step::LayerByLayer layers = step::LayerByLayerRam(g);
  const int64_t macs = ir::TotalMacs(g);

  const ir::Tensor& in = g.tensor(g.input());
  std::printf("model: %s\n", g.name.c_str());
  std::printf("input: %s\n", IoText(in).c_str());
  for (ir::TensorId o : g.outputs) std::printf("output: %s\n", IoText(g.tensor(o)).c_str());
  std::printf("%4s %6s  %-18s %-14s %-14s %-26s %12s %10s\n", "#", "tflite", "op", "input", "output",
              "geometry", "MACs", "RAM bytes");
  json ops = json::array();
  for (size_t i = 0; i < g.ops.size(); ++i) {
    const ir::Op& op = g.ops[i];
    const int64_t op_macs = ir::OpMacs(g, op);
    const std::string src = op.source_index >= 0 ? std::to_string(op.source_index) : "-";
    std::printf("%4zu %6s  %-18s %-14s %-14s %-26s %12s %10s\n", i, src.c_str(), ir::OpKindName(op.kind),
                ShapeString(g.tensor(op.input()).shape).c_str(), ShapeString(g.tensor(op.output()).shape).c_str(),
                Geometry(op).c_str(), Thousands(op_macs).c_str(), Thousands(layers.bytes[i]).c_str());
    json inputs = json::array();
    for (ir::TensorId t : op.inputs) {
      if (t != ir::kNoTensor && !g.tensor(t).IsConstant()) inputs.push_back(g.tensor(t).shape);
    }
    ops.push_back({{"index", i}, {"source_index", op.source_index}, {"type", ir::OpKindName(op.kind)},
                   {"inputs", inputs}, {"output", g.tensor(op.output()).shape}, {"geometry", Geometry(op)},
                   {"macs", op_macs}, {"ram_bytes", layers.bytes[i]}, {"ram_bytes_with_io", layers.bytes_with_io[i]}});
  }
  std::printf("total MACs: %s\n", Thousands(macs).c_str());
  std::printf("layer-by-layer peak RAM: %s bytes (op %d; network input/output not counted)\n",
              Thousands(layers.peak).c_str(), layers.peak_op);
  std::printf("layer-by-layer peak RAM with input/output: %s bytes\n", Thousands(layers.peak_with_io).c_str());
  for (const std::string& note : g.notes) std::printf("note: %s\n", note.c_str());

  if (const auto& path = a.json) {
    json j = {{"model", g.name}, {"input", TensorJson(in)}, {"ops", ops}, {"total_macs", macs},
              {"vanilla_peak_ram_bytes", layers.peak}, {"vanilla_peak_op", layers.peak_op},
              {"vanilla_peak_ram_bytes_with_io", layers.peak_with_io}, {"notes", g.notes}};
    json outs = json::array();
    for (ir::TensorId o : g.outputs) outs.push_back(TensorJson(g.tensor(o)));
    j["outputs"] = outs;
    WriteTextFile(*path, j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
  }
  return 0;
}

}  // namespace

void AddInfo(CLI::App& parent, std::vector<Command>* commands) {
  auto a = std::make_shared<InfoArgs>();
  CLI::App* app = parent.add_subcommand("info", "ops, shapes, MACs, layer-by-layer peak RAM");
  AddModel(app, &a->model);
  AddText(app, "--json", "FILE", "write the same as JSON", &a->json);
  commands->push_back({app, [a] { return RunInfo(*a); }});
}

}  // namespace msf::cli
