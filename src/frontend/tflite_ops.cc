// SPDX-License-Identifier: MIT

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

namespace msf::frontend::detail {

void Importer::ImportConv(const tfl::Operator* op, bool depthwise) {
  ir::Op out_op{depthwise ? OpKind::kDepthwiseConv2D : OpKind::kConv2D, {}, {}, {}, op_index_};
  const TensorId in = Activation8(InputIndex(0));
  const TensorId w = Constant(InputIndex(1), DType::kInt8);
  const int32_t bias_index = InputIndex(2, false);
  const TensorId b = bias_index >= 0 ? Constant(bias_index, DType::kInt32) : ir::kNoTensor;
  const TensorId out = Activation8(OutputIndex());
  const ir::Tensor& ti = graph_.tensor(in);
  const ir::Tensor& tw = graph_.tensor(w);
  const ir::Tensor& to = graph_.tensor(out);
  if (ti.shape.size() != 4 || ti.shape[0] != 1) FailOp("input must be 1xHxWxC");
  if (tw.shape.size() != 4) FailOp("filter must be 4-D");

  ir::ConvAttrs a;
  tfl::Padding padding;
  tfl::ActivationFunctionType act;
  if (depthwise) {
    const auto* o = op->builtin_options_as_DepthwiseConv2DOptions();
    if (o == nullptr) FailOp("missing DepthwiseConv2DOptions");
    padding = o->padding();
    a.stride_w = o->stride_w(), a.stride_h = o->stride_h();
    a.dilation_w = o->dilation_w_factor(), a.dilation_h = o->dilation_h_factor();
    act = o->fused_activation_function();
    if (tw.shape[0] != 1) FailOp("depthwise filter must be 1xKHxKWxC");
    if (tw.shape[3] % ti.C() != 0) FailOp("depthwise output channels are not a multiple of input channels");
    a.depth_multiplier = tw.shape[3] / ti.C();  // TFLite derives it from shapes too
    if (to.C() != tw.shape[3]) FailOp("output channels do not match the filter");
  } else {
    const auto* o = op->builtin_options_as_Conv2DOptions();
    if (o == nullptr) FailOp("missing Conv2DOptions");
    padding = o->padding();
    a.stride_w = o->stride_w(), a.stride_h = o->stride_h();
    a.dilation_w = o->dilation_w_factor(), a.dilation_h = o->dilation_h_factor();
    act = o->fused_activation_function();
    if (tw.shape[3] != ti.C()) FailOp("filter input channels do not match the input (grouped conv is not supported)");
    if (to.C() != tw.shape[0]) FailOp("output channels do not match the filter");
  }
  if (a.stride_h < 1 || a.stride_w < 1 || a.dilation_h < 1 || a.dilation_w < 1) FailOp("stride and dilation must be >= 1");
  a.kernel_h = tw.shape[1];
  a.kernel_w = tw.shape[2];
  a.act = ReadActivation(act);
  a.pad = ResolvePadding(padding, ti.H(), ti.W(), a.kernel_h, a.kernel_w, a.stride_h, a.stride_w,
                         a.dilation_h, a.dilation_w, to.H(), to.W());
  CheckSpatialOutput(ti, to, a.pad, a.kernel_h, a.kernel_w, a.stride_h, a.stride_w, a.dilation_h, a.dilation_w);

  const int32_t cout = to.C();
  const ir::Quant& wq = tw.quant;
  if (wq.scale.empty()) FailOp("filter has no quantisation scales");
  if (wq.scale.size() != 1 && static_cast<int32_t>(wq.scale.size()) != cout) FailOp("filter has a scale count that matches neither 1 nor the output channels");
  // Zero and even negative per-channel scales occur in real files (mcunet-in3);
  // TFLite accepts them and so do we: the multiplier just takes their sign.
  for (float s : wq.scale) if (!std::isfinite(s)) FailOp("filter has a non-finite scale");
  for (int64_t zp : wq.zero_point) if (zp != 0) FailOp("filter zero points must be 0 (symmetric int8 weights)");
  if (b != ir::kNoTensor && graph_.tensor(b).NumElements() != cout) FailOp("bias size does not match the output channels");
  out_op.inputs = {in, w, b};
  out_op.outputs = {out};
  out_op.attrs = a;
  CheckProducedBeforeUse(out_op);
  graph_.ops.push_back(std::move(out_op));
}

void Importer::ImportPool(const tfl::Operator* op, OpKind kind) {
  const auto* o = op->builtin_options_as_Pool2DOptions();
  if (o == nullptr) FailOp("missing Pool2DOptions");
  const TensorId in = Activation8(InputIndex(0));
  const TensorId out = Activation8(OutputIndex());
  const ir::Tensor& ti = graph_.tensor(in);
  const ir::Tensor& to = graph_.tensor(out);
  if (ti.shape.size() != 4 || ti.shape[0] != 1) FailOp("input must be 1xHxWxC");
  if (to.C() != ti.C()) FailOp("pool changes the channel count");
  ir::PoolAttrs a;
  a.filter_h = o->filter_height(), a.filter_w = o->filter_width();
  a.stride_h = o->stride_h(), a.stride_w = o->stride_w();
  if (a.filter_h < 1 || a.filter_w < 1 || a.stride_h < 1 || a.stride_w < 1) FailOp("filter and stride must be >= 1");
  a.act = ReadActivation(o->fused_activation_function());
  a.pad = ResolvePadding(o->padding(), ti.H(), ti.W(), a.filter_h, a.filter_w, a.stride_h, a.stride_w, 1, 1, to.H(), to.W());
  CheckSpatialOutput(ti, to, a.pad, a.filter_h, a.filter_w, a.stride_h, a.stride_w, 1, 1);
  if (ti.quant.Scale() != to.quant.Scale() || ti.quant.ZeroPoint() != to.quant.ZeroPoint()) {
    FailOp("input and output quantisation differ (TFLite int8 pooling requires them equal)");
  }
  if (kind == OpKind::kAveragePool2D) {
    const int64_t cells = std::min<int64_t>(a.filter_h, ti.H()) * std::min<int64_t>(a.filter_w, ti.W());
    if (cells > kMaxSummedCells) {
      FailOp("averaging window of " + std::to_string(cells) +
             " input cells is too large (summed windows are limited to 2^23 cells, so int32 sums cannot overflow)");
    }
  }
  ir::Op out_op{kind, {in}, {out}, a, op_index_};
  CheckProducedBeforeUse(out_op);
  graph_.ops.push_back(std::move(out_op));
}

void Importer::ImportPad() {
  const TensorId in = Activation8(InputIndex(0));
  const std::vector<int32_t> p = IntConstant(InputIndex(1));
  const TensorId out = Activation8(OutputIndex());
  const ir::Tensor& ti = graph_.tensor(in);
  const ir::Tensor& to = graph_.tensor(out);
  if (ti.shape.size() != 4 || ti.shape[0] != 1 || p.size() != 8) FailOp("only 4-D NHWC PAD is supported");
  for (int32_t v : p) if (v < 0) FailOp("negative padding");
  if (p[0] != 0 || p[1] != 0 || p[6] != 0 || p[7] != 0) FailOp("padding of batch or channel dimensions is not supported");
  if (int64_t{ti.H()} + p[2] + p[3] > kMaxSpatialExtent || int64_t{ti.W()} + p[4] + p[5] > kMaxSpatialExtent) {
    FailOp("padding too large (padded extents are limited to 2^24)");
  }
  ir::PadAttrs a;
  a.pad = {p[2], p[3], p[4], p[5]};
  if (to.shape.size() != 4 || to.H() != ti.H() + p[2] + p[3] || to.W() != ti.W() + p[4] + p[5] || to.C() != ti.C()) {
    FailOp("output shape does not match input plus padding");
  }
  if (ti.quant.Scale() != to.quant.Scale() || ti.quant.ZeroPoint() != to.quant.ZeroPoint()) {
    FailOp("input and output quantisation differ");
  }
  ir::Op out_op{OpKind::kPad, {in}, {out}, a, op_index_};
  CheckProducedBeforeUse(out_op);
  graph_.ops.push_back(std::move(out_op));
}

void Importer::ImportAdd(const tfl::Operator* op) {
  const TensorId a_in = Activation8(InputIndex(0));
  const TensorId b_in = Activation8(InputIndex(1));
  const TensorId out = Activation8(OutputIndex());
  if (graph_.tensor(a_in).shape != graph_.tensor(b_in).shape || graph_.tensor(a_in).shape != graph_.tensor(out).shape) {
    FailOp("ADD with broadcasting is not supported (input shapes differ)");
  }
  ir::AddAttrs a;
  if (const auto* o = op->builtin_options_as_AddOptions()) a.act = ReadActivation(o->fused_activation_function());
  // TFLite's int8 ADD (QuantizeMultiplierSmallerThanOneExp) rescales the sum
  // by 2 * max(input scales) / (2^20 * output scale), which must be below 1.
  const double s1 = graph_.tensor(a_in).quant.Scale(), s2 = graph_.tensor(b_in).quant.Scale();
  const double so = graph_.tensor(out).quant.Scale();
  if (!(2 * std::max(s1, s2) / (static_cast<double>(1 << 20) * so) < 1.0)) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "output scale %g is too small for input scales %g and %g", so, s1, s2);
    FailOp(std::string(buf) + " (the int8 ADD needs 2 * max(input scales) < 2^20 * output scale)");
  }
  ir::Op out_op{OpKind::kAdd, {a_in, b_in}, {out}, a, op_index_};
  CheckProducedBeforeUse(out_op);
  graph_.ops.push_back(std::move(out_op));
}

void Importer::ImportMean(const tfl::Operator* op) {
  const TensorId in = Activation8(InputIndex(0));
  std::vector<int32_t> axes = IntConstant(InputIndex(1));
  const TensorId out = Activation8(OutputIndex());
  const ir::Tensor& ti = graph_.tensor(in);
  if (ti.shape.size() != 4 || ti.shape[0] != 1) FailOp("input must be 1xHxWxC");
  for (int32_t& ax : axes) if (ax < 0) ax += 4;
  std::sort(axes.begin(), axes.end());
  if (axes != std::vector<int32_t>{1, 2}) FailOp("only the spatial MEAN over axes {1, 2} is supported");
  ir::MeanAttrs a;
  if (const auto* o = op->builtin_options_as_ReducerOptions()) a.keep_dims = o->keep_dims();
  if (graph_.tensor(out).NumElements() != ti.C()) FailOp("output size does not match the channel count");
  if (int64_t{ti.H()} * ti.W() > kMaxSummedCells) {
    FailOp("MEAN over " + std::to_string(int64_t{ti.H()} * ti.W()) +
           " cells is too large (summed windows are limited to 2^23 cells, so int32 sums cannot overflow)");
  }
  if (int64_t{ti.C()} * 4 > std::numeric_limits<int32_t>::max()) {
    FailOp("MEAN over " + std::to_string(ti.C()) + " channels needs more int32 sums than the device tables address");
  }
  ir::Op out_op{OpKind::kMean, {in}, {out}, a, op_index_};
  CheckProducedBeforeUse(out_op);
  graph_.ops.push_back(std::move(out_op));
}

void Importer::ImportFullyConnected(const tfl::Operator* op) {
  const TensorId in = Activation8(InputIndex(0));
  const TensorId w = Constant(InputIndex(1), DType::kInt8);
  const int32_t bias_index = InputIndex(2, false);
  const TensorId b = bias_index >= 0 ? Constant(bias_index, DType::kInt32) : ir::kNoTensor;
  const TensorId out = Activation8(OutputIndex());
  const ir::Tensor& tw = graph_.tensor(w);
  if (tw.shape.size() != 2) FailOp("weights must be 2-D [out, in]");
  const int64_t in_features = tw.shape[1], out_features = tw.shape[0];
  if (graph_.tensor(in).NumElements() != in_features) FailOp("input size does not match the weights (batch > 1 is not supported)");
  if (graph_.tensor(out).NumElements() != out_features) FailOp("output size does not match the weights");
  if (tw.quant.scale.empty()) FailOp("weights have no quantisation scales");
  if (tw.quant.scale.size() != 1 && static_cast<int64_t>(tw.quant.scale.size()) != out_features) FailOp("weights scale count matches neither 1 nor the output size");
  if (tw.quant.scale.size() > 1) {
    for (int64_t zp : tw.quant.zero_point) if (zp != 0) FailOp("per-channel weight zero points must be 0");
  }
  for (int64_t zp : tw.quant.zero_point) if (zp < -128 || zp > 127) FailOp("weight zero point outside int8");
  if (b != ir::kNoTensor && graph_.tensor(b).NumElements() != out_features) FailOp("bias size does not match the output size");
  ir::FullyConnectedAttrs a;
  if (const auto* o = op->builtin_options_as_FullyConnectedOptions()) {
    a.act = ReadActivation(o->fused_activation_function());
    if (o->weights_format() != 0) FailOp("shuffled weight formats are not supported");
  }
  ir::Op out_op{OpKind::kFullyConnected, {in, w, b}, {out}, a, op_index_};
  CheckProducedBeforeUse(out_op);
  graph_.ops.push_back(std::move(out_op));
}

void Importer::ImportReshape() {
  const TensorId in = Activation8(InputIndex(0));
  const TensorId out = Activation8(OutputIndex());
  if (graph_.tensor(in).NumElements() != graph_.tensor(out).NumElements()) FailOp("element counts differ");
  // TFLite's RESHAPE copies bytes and ignores quantisation; some files
  // (mcunet-in3) give the two tensors different parameters, so do we ignore it.
  ir::Op out_op{OpKind::kReshape, {in}, {out}, {}, op_index_};
  CheckProducedBeforeUse(out_op);
  graph_.ops.push_back(std::move(out_op));
}

void Importer::ImportSoftmax(const tfl::Operator* op) {
  const TensorId in = Activation8(InputIndex(0));
  const TensorId out = Activation8(OutputIndex());
  if (graph_.tensor(in).shape != graph_.tensor(out).shape) FailOp("input and output shapes differ");
  ir::SoftmaxAttrs a;
  if (const auto* o = op->builtin_options_as_SoftmaxOptions()) a.beta = o->beta();
  if (!std::isfinite(a.beta) || a.beta <= 0.0f) FailOp("beta must be positive");
  // TFLite's PreprocessSoftmaxScaling needs beta * input_scale * 2^26 > 1.
  const double beta_scale = static_cast<double>(a.beta) * graph_.tensor(in).quant.Scale();
  if (!(beta_scale * static_cast<double>(1 << 26) > 1.0)) {
    char buf[128];
    std::snprintf(buf, sizeof buf, "beta * input scale = %g is too small", beta_scale);
    FailOp(std::string(buf) + " (the int8 SOFTMAX needs it above 2^-26)");
  }
  const ir::Quant& oq = graph_.tensor(out).quant;
  if (oq.Scale() != 1.0f / 256 || oq.ZeroPoint() != -128) FailOp("int8 softmax output must have scale 1/256 and zero point -128");
  ir::Op out_op{OpKind::kSoftmax, {in}, {out}, a, op_index_};
  CheckProducedBeforeUse(out_op);
  graph_.ops.push_back(std::move(out_op));
}

void Importer::ImportQuantize(OpKind kind) {
  const int32_t in_index = InputIndex(0);
  const int32_t out_index = OutputIndex();
  const tfl::Tensor* tin = FileTensor(in_index);
  const tfl::Tensor* tout = FileTensor(out_index);
  const auto is_graph_io = [](const flatbuffers::Vector<int32_t>* v, int32_t t) {
    if (v == nullptr) return false;
    for (int32_t x : *v) if (x == t) return true;
    return false;
  };
  // Float I/O boundary: run the int8 core and report the float quantisation.
  if (kind == OpKind::kQuantize && tin->type() == tfl::TensorType_FLOAT32 &&
      is_graph_io(subgraph_->inputs(), in_index)) {
    peeled_[in_index] = out_index;
    graph_.notes.push_back("float input '" + (tin->name() ? tin->name()->str() : std::string()) +
                           "' is quantised by op " + std::to_string(op_index_) +
                           "; msf takes the int8 tensor as the model input");
    return;
  }
  if (kind == OpKind::kDequantize && tout->type() == tfl::TensorType_FLOAT32 &&
      is_graph_io(subgraph_->outputs(), out_index)) {
    peeled_[out_index] = in_index;
    graph_.notes.push_back("float output is dequantised by op " + std::to_string(op_index_) +
                           "; msf returns the int8 tensor as the model output");
    return;
  }
  if (kind == OpKind::kDequantize) FailOp("DEQUANTIZE inside the graph has no int8 path");
  const TensorId in = Activation8(in_index);
  const TensorId out = Activation8(out_index);
  if (graph_.tensor(in).shape != graph_.tensor(out).shape) FailOp("input and output shapes differ");
  ir::Op out_op{OpKind::kQuantize, {in}, {out}, {}, op_index_};
  CheckProducedBeforeUse(out_op);
  graph_.ops.push_back(std::move(out_op));
}

void Importer::ImportOp(const tfl::Operator* op) {
  const auto* codes = model_->operator_codes();
  if (codes == nullptr || op->opcode_index() >= codes->size()) {
    Fail("op " + std::to_string(op_index_) + ": opcode index " + std::to_string(op->opcode_index()) + " out of range");
  }
  const tfl::OperatorCode* code = codes->Get(op->opcode_index());
  // The builtin code is the larger of the two fields (schema v3a convention).
  const int32_t builtin = std::max<int32_t>(code->deprecated_builtin_code(), code->builtin_code());
  op_name_ = BuiltinOpName(builtin);
  if (builtin == kCustom) {
    op_name_ = "CUSTOM '" + (code->custom_code() ? code->custom_code()->str() : std::string()) + "'";
  }
  switch (builtin) {
    case kConv2D: return ImportConv(op, false);
    case kDepthwiseConv2D: return ImportConv(op, true);
    case kAveragePool2D: return ImportPool(op, OpKind::kAveragePool2D);
    case kMaxPool2D: return ImportPool(op, OpKind::kMaxPool2D);
    case kPad: return ImportPad();
    case kAdd: return ImportAdd(op);
    case kMean: return ImportMean(op);
    case kFullyConnected: return ImportFullyConnected(op);
    case kReshape: return ImportReshape();
    case kSoftmax: return ImportSoftmax(op);
    case kQuantize: return ImportQuantize(OpKind::kQuantize);
    case kDequantize: return ImportQuantize(OpKind::kDequantize);
    default: FailOp("unsupported op");
  }
}

}  // namespace msf::frontend::detail
