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
    case ir::OpKind::kQuantize: {
      const int32_t n = static_cast<int32_t>(in.NumElements());
      if (in.type == ir::DType::kFloat32) {
        return Check(msf_quantize_f32_s8(l.float_io.scale, l.float_io.zero_point,
                                         reinterpret_cast<const float*>(inputs[0]), output, n), op);
      }
      return Check(msf_requantize_s8(&l.requantize, inputs[0], output, n), op);
    }
    case ir::OpKind::kReshape:
    case ir::OpKind::kReadInput:  // the whole input, as a resident run reads it
      std::memcpy(output, inputs[0], static_cast<size_t>(in.Bytes()));
      return;
    case ir::OpKind::kDequantize:
      return Check(msf_dequantize_s8_f32(l.float_io.scale, l.float_io.zero_point, inputs[0],
                                         reinterpret_cast<float*>(output), static_cast<int32_t>(in.NumElements())), op);
    case ir::OpKind::kResizeNearest: {
      const msf_resize_params p = l.ResizeParams();
      return Check(msf_resize_nearest_s8(&p, &in_view, &rect, &out_view), op);
    }
    case ir::OpKind::kConcat:
      // All inputs in one call (plans run one part per input: a cross-check).
      return Check(msf_concat_s8(static_cast<int32_t>(inputs.size()), inputs.data(), l.concat_axis_sizes.data(),
                                 l.concat_outer, l.concat_inner, output), op);
    case ir::OpKind::kMul:
      // The general broadcast always (plans run the view kernel where it applies).
      return Check(msf_mul_s8_broadcast4d(&l.mul_4d.mul, l.mul_4d.in1_shape, inputs[0], l.mul_4d.in2_shape,
                                          inputs[1], l.mul_4d.out_shape, output), op);
    case ir::OpKind::kLogistic:
      return Check(msf_logistic_s8(&l.logistic, &in_view, &rect, &out_view), op);
    case ir::OpKind::kHardSwish:
      return Check(msf_hard_swish_s8(&l.hard_swish, &in_view, &rect, &out_view), op);
    case ir::OpKind::kTranspose:
      return Check(msf_transpose_s8(l.transpose.in_shape, l.transpose.perm, inputs[0], output), op);
  }
}

std::vector<std::vector<int8_t>> RunReferenceAll(const ir::Graph& g, const std::vector<int8_t>& input) {
  int64_t input_bytes = 0;
  for (ir::TensorId t : g.inputs) input_bytes += g.tensor(t).Bytes();
  if (static_cast<int64_t>(input.size()) != input_bytes) {
    throw Error("input has " + std::to_string(input.size()) + " bytes, the model expects " +
                std::to_string(input_bytes));
  }
  // Every tensor's bytes (int8, or float32 at a float boundary).
  std::vector<std::vector<int8_t>> values(g.tensors.size());
  size_t at = 0;
  for (ir::TensorId t : g.inputs) {
    const size_t n = static_cast<size_t>(g.tensor(t).Bytes());
    values[static_cast<size_t>(t)].assign(input.begin() + static_cast<std::ptrdiff_t>(at),
                                          input.begin() + static_cast<std::ptrdiff_t>(at + n));
    at += n;
  }
  for (const ir::Op& op : g.ops) {
    std::vector<const int8_t*> ins;
    for (ir::TensorId t : op.inputs) {
      if (t == ir::kNoTensor || g.tensor(t).IsConstant()) continue;
      ins.push_back(values[static_cast<size_t>(t)].data());
    }
    std::vector<int8_t>& out = values[static_cast<size_t>(op.output())];
    out.assign(static_cast<size_t>(g.tensor(op.output()).Bytes()), 0);
    RunOpWhole(g, op, ins, out.data());
  }
  return values;
}

std::vector<int8_t> RunReference(const ir::Graph& g, const std::vector<int8_t>& input) {
  const std::vector<std::vector<int8_t>> values = RunReferenceAll(g, input);
  std::vector<int8_t> out;
  for (ir::TensorId t : g.outputs) {
    const std::vector<int8_t>& v = values[static_cast<size_t>(t)];
    out.insert(out.end(), v.begin(), v.end());
  }
  return out;
}

}  // namespace msf::exec
