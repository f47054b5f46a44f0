// SPDX-License-Identifier: MIT
#include "frontend/tflite_importer.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <set>
#include <fstream>
#include <limits>
#include <map>
#include <optional>

#include "base/error.h"
#include "base/read_file.h"
#include "frontend/builtin_op_names.h"
#include "lower/lowering.h"
#include "frontend/tflite_importer_internal.h"

namespace msf::frontend {
namespace detail {

ir::Graph Importer::Run() {
  const std::vector<uint8_t>& b = *bytes_;
  if (b.size() < 8) Fail("file too small to be a TFLite model (" + std::to_string(b.size()) + " bytes)");
  if (!flatbuffers::BufferHasIdentifier(b.data(), "TFL3")) Fail("not a TFLite model (file identifier is not TFL3)");
  if (b.size() >= (size_t{1} << 31)) Fail("files of 2 GiB or more are not supported");
  flatbuffers::Verifier verifier(b.data(), b.size(), /*max_depth=*/64, /*max_tables=*/10'000'000);
  if (!tfl::VerifyModelBuffer(verifier)) Fail("corrupt TFLite flatbuffer (structure check failed: truncated or bad offsets)");
  model_ = tfl::GetModel(b.data());
  if (model_->subgraphs() == nullptr || model_->subgraphs()->size() == 0) Fail("model has no subgraph");
  if (model_->subgraphs()->size() != 1) Fail("models with " + std::to_string(model_->subgraphs()->size()) + " subgraphs are not supported");
  subgraph_ = model_->subgraphs()->Get(0);
  if (subgraph_->operators() == nullptr || subgraph_->operators()->size() == 0) Fail("model has no operators");
  if (subgraph_->inputs() == nullptr || subgraph_->inputs()->size() == 0) Fail("model has no input");
  if (subgraph_->outputs() == nullptr || subgraph_->outputs()->size() == 0) Fail("model has no output");
  graph_.file_bytes = bytes_;

  for (uint32_t i = 0; i < subgraph_->operators()->size(); ++i) {
    op_ = subgraph_->operators()->Get(i);
    op_index_ = static_cast<int32_t>(i);
    op_name_.clear();
    const size_t ops_before = graph_.ops.size();
    ImportOp(op_);
    if (graph_.ops.size() > ops_before) {
      CheckKernelParams(graph_.ops.back());
      const TensorId out = graph_.ops.back().output();
      // The model input is the caller's buffer (read-only in the fused executor).
      if (IsGraphInputTensor(out)) FailOp("writes the model input tensor");
      if (!produced_.insert(out).second) FailOp("writes a tensor that was already written");
    }
  }
  op_index_ = -1;
  if (graph_.ops.empty()) Fail("model has no int8 operators");

  for (int32_t in_file : *subgraph_->inputs()) {
    auto in_it = tensor_map_.find(in_file);
    if (in_it == tensor_map_.end()) Fail("the model input " + std::to_string(in_file) + " is not read by any supported op");
    for (TensorId seen : graph_.inputs) {
      if (seen == in_it->second) Fail("model input tensor " + std::to_string(in_file) + " is listed twice");
    }
    graph_.inputs.push_back(in_it->second);
  }
  for (int32_t out_file : *subgraph_->outputs()) {
    auto out_it = tensor_map_.find(out_file);
    if (out_it == tensor_map_.end() || !produced_.count(out_it->second)) {
      Fail("model output tensor " + std::to_string(out_file) + " is not written by any op");
    }
    for (TensorId seen : graph_.outputs) {
      if (seen == out_it->second) Fail("model output tensor " + std::to_string(out_file) + " is listed twice");
    }
    graph_.outputs.push_back(out_it->second);
  }
  return std::move(graph_);
}

}  // namespace detail

using detail::Importer;

ir::Graph ImportTfliteBuffer(std::shared_ptr<const std::vector<uint8_t>> bytes, const std::string& label) {
  Importer importer(std::move(bytes), label);
  ir::Graph g = importer.Run();
  return g;
}

ir::Graph ImportTfliteFile(const std::string& path) {
  auto bytes = std::make_shared<std::vector<uint8_t>>(ReadWholeFile(path, "file"));
  ir::Graph g = ImportTfliteBuffer(std::move(bytes), path);
  const size_t slash = path.find_last_of('/');
  g.name = path.substr(slash == std::string::npos ? 0 : slash + 1);
  return g;
}

}  // namespace msf::frontend
