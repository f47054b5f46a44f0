// SPDX-License-Identifier: MIT
#include "exec/reference_executor.h"

#include <cstring>
#include <string>

#include "base/error.h"
#include "lower/lowering.h"

namespace msf::exec {
using lower::LoweredOp;
using lower::Lower;
using lower::WholeView;
using lower::WholeRect;
namespace {

void Check(msf_status s, const ir::Op& op) {
  if (s != MSF_OK) throw Error(std::string("kernel rejected its arguments in ") + ir::OpKindName(op.kind));
}

}  // namespace

void RunOpWhole(const ir::Graph& g, const ir::Op& op, const std::vector<const int8_t*>& inputs, int8_t* output) {
  const LoweredOp l = Lower(g, op);
  const ir::Tensor& in = g.tensor(op.input());
  const ir::Tensor& out = g.tensor(op.output());
  const msf_view in_view = WholeView(in, const_cast<int8_t*>(inputs[0]));
  msf_view out_view = WholeView(out, output);
  const msf_rect rect = WholeRect(out);
  const msf_requant q = l.Requant();
  switch (op.kind) {
    case ir::OpKind::kConv2D:
      return Check(msf_conv_s8_ref(&l.conv, &q, &in_view, l.weights.data(), l.BiasOrNull(), &rect, &out_view), op);
    case ir::OpKind::kDepthwiseConv2D:
      return Check(msf_depthwise_conv_s8_ref(&l.conv, &q, &in_view, l.weights.data(), l.BiasOrNull(), &rect, &out_view), op);
    case ir::OpKind::kAveragePool2D:
      return Check(msf_avgpool_s8(&l.pool, &in_view, &rect, &out_view), op);
    case ir::OpKind::kMaxPool2D:
      return Check(msf_maxpool_s8(&l.pool, &in_view, &rect, &out_view), op);
    case ir::OpKind::kPad:
      return Check(msf_pad_s8(in.H(), in.W(), l.pad_top, l.pad_left, l.pad_value, &in_view, &rect, &out_view), op);
    case ir::OpKind::kAdd: {
      const msf_view in2 = WholeView(g.tensor(op.input(1)), const_cast<int8_t*>(inputs[1]));
      return Check(msf_add_s8(&l.add, &in_view, &in2, &rect, &out_view), op);
    }
    case ir::OpKind::kFullyConnected:
      return Check(msf_fully_connected_s8(&l.fc, &q, inputs[0], l.weights.data(), l.BiasOrNull(), output), op);
    case ir::OpKind::kMean: {
      std::vector<int32_t> scratch(static_cast<size_t>(in.C()));
      return Check(msf_mean_s8(&l.mean, inputs[0], scratch.data(), output), op);
    }
    case ir::OpKind::kSoftmax:
      return Check(msf_softmax_s8(&l.softmax, inputs[0], output), op);
    case ir::OpKind::kQuantize:
      return Check(msf_requantize_s8(&l.requantize, inputs[0], output, static_cast<int32_t>(in.NumElements())), op);
    case ir::OpKind::kReshape:
      std::memcpy(output, inputs[0], static_cast<size_t>(in.NumElements()));
      return;
    case ir::OpKind::kDequantize:
      throw Error("DEQUANTIZE has no int8 path");
  }
}

std::vector<std::vector<int8_t>> RunReferenceAll(const ir::Graph& g, const std::vector<int8_t>& input) {
  const ir::Tensor& in = g.tensor(g.input());
  if (static_cast<int64_t>(input.size()) != in.NumElements()) {
    throw Error("input has " + std::to_string(input.size()) + " bytes, the model expects " +
                std::to_string(in.NumElements()));
  }
  std::vector<std::vector<int8_t>> values(g.tensors.size());
  values[static_cast<size_t>(g.input())] = input;
  for (const ir::Op& op : g.ops) {
    std::vector<const int8_t*> ins;
    for (ir::TensorId t : op.inputs) {
      if (t == ir::kNoTensor || g.tensor(t).IsConstant()) continue;
      ins.push_back(values[static_cast<size_t>(t)].data());
    }
    std::vector<int8_t>& out = values[static_cast<size_t>(op.output())];
    out.assign(static_cast<size_t>(g.tensor(op.output()).NumElements()), 0);
    RunOpWhole(g, op, ins, out.data());
  }
  return values;
}

std::vector<int8_t> RunReference(const ir::Graph& g, const std::vector<int8_t>& input) {
  return RunReferenceAll(g, input)[static_cast<size_t>(g.output())];
}

}  // namespace msf::exec
