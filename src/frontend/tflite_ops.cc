// SPDX-License-Identifier: MIT

#include <algorithm>
#include <array>
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

void Importer::Push(ir::Op op) {
  CheckProducedBeforeUse(op);
  graph_.ops.push_back(std::move(op));
}

void Importer::ImportQuantize(OpKind kind) {
  const int32_t in_index = InputIndex(0);
  const int32_t out_index = OutputIndex();
  const tfl::Tensor* tin = FileTensor(in_index);
  const tfl::Tensor* tout = FileTensor(out_index);
  TensorId in, out;
  if (kind == OpKind::kQuantize && tin->type() == tfl::TensorType_FLOAT32) {
    // The float boundary at a model input: float32 in, int8 out.
    if (!IsGraphInput(in_index)) FailOp("QUANTIZE of a float tensor inside the graph has no int8 path");
    in = FloatActivation(in_index);
    out = Activation8(out_index);
  } else if (kind == OpKind::kDequantize) {
    // The float boundary at a model output: int8 in, float32 out.
    if (tout->type() != tfl::TensorType_FLOAT32 || !IsGraphOutput(out_index)) {
      FailOp("DEQUANTIZE inside the graph has no int8 path");
    }
    in = Activation8(in_index);
    out = FloatActivation(out_index);
  } else {
    in = Activation8(in_index);
    out = Activation8(out_index);
  }
  if (graph_.tensor(in).shape != graph_.tensor(out).shape) FailOp("input and output shapes differ");
  Push({kind, {in}, {out}, {}, op_index_});
}

namespace {

bool SameQuant(const ir::Tensor& a, const ir::Tensor& b) {
  return a.quant.Scale() == b.quant.Scale() && a.quant.ZeroPoint() == b.quant.ZeroPoint();
}

}  // namespace

void Importer::ImportResizeNearest(const tfl::Operator* op) {
  const TensorId in = Activation8(InputIndex(0));
  const std::vector<int32_t> size = IntConstant(InputIndex(1));
  const TensorId out = Activation8(OutputIndex());
  const ir::Tensor& ti = graph_.tensor(in);
  const ir::Tensor& to = graph_.tensor(out);
  if (ti.shape.size() != 4 || to.shape.size() != 4) FailOp("needs 4-D NHWC input and output");
  if (size.size() != 2 || size[0] != to.H() || size[1] != to.W() || ti.C() != to.C()) {
    FailOp("the output shape does not match the size tensor");
  }
  // TFLite's kernel copies bytes: the output has the input's quantisation.
  if (!SameQuant(ti, to)) FailOp("input and output quantisation differ (the int8 kernel copies bytes)");
  ir::ResizeAttrs a;
  if (const auto* o = op->builtin_options_as_ResizeNearestNeighborOptions()) {
    a.align_corners = o->align_corners();
    a.half_pixel_centers = o->half_pixel_centers();
  }
  Push({OpKind::kResizeNearest, {in}, {out}, a, op_index_});
}

void Importer::ImportConcat(const tfl::Operator* op) {
  if (op->inputs() == nullptr || op->inputs()->size() < 1) FailOp("expected at least one input");
  const TensorId out = Activation8(OutputIndex());
  const ir::Tensor& to = graph_.tensor(out);
  const int32_t rank = static_cast<int32_t>(to.shape.size());
  ir::ConcatAttrs a;
  int32_t axis = 0;
  if (const auto* o = op->builtin_options_as_ConcatenationOptions()) {
    axis = o->axis();
    if (o->fused_activation_function() != tfl::ActivationFunctionType_NONE) {
      FailOp("a fused activation on CONCATENATION is not supported");
    }
  }
  if (axis < 0) axis += rank;
  if (axis < 0 || axis >= rank) FailOp("axis out of range");
  a.axis = axis + (4 - rank);  // of the left-padded 4-D shape
  std::vector<TensorId> ins;
  int64_t total = 0;
  for (size_t i = 0; i < op->inputs()->size(); ++i) {
    const TensorId t = Activation8(InputIndex(i));
    const ir::Tensor& ti = graph_.tensor(t);
    if (ti.shape.size() != to.shape.size()) FailOp("inputs and output differ in rank");
    for (int32_t d = 0; d < rank; ++d) {
      if (d != axis && ti.shape[static_cast<size_t>(d)] != to.shape[static_cast<size_t>(d)]) {
        FailOp("input " + std::to_string(i) + " differs from the output outside the concatenation axis");
      }
    }
    // TFLite-Micro refuses int8 inputs quantised unlike the output.
    if (!SameQuant(ti, to)) FailOp("input " + std::to_string(i) + " is quantised unlike the output");
    total += ti.shape[static_cast<size_t>(axis)];
    ins.push_back(t);
  }
  if (total != to.shape[static_cast<size_t>(axis)]) FailOp("the inputs' sizes along the axis do not add up");
  Push({OpKind::kConcat, ins, {out}, a, op_index_});
}

void Importer::ImportMul(const tfl::Operator* op) {
  const TensorId a_in = Activation8(InputIndex(0));
  const TensorId b_in = Activation8(InputIndex(1));
  const TensorId out = Activation8(OutputIndex());
  const std::array<int32_t, 4> sa = graph_.tensor(a_in).Shape4(), sb = graph_.tensor(b_in).Shape4();
  const std::array<int32_t, 4> so = graph_.tensor(out).Shape4();
  for (size_t d = 0; d < 4; ++d) {
    const bool a_ok = sa[d] == so[d] || sa[d] == 1, b_ok = sb[d] == so[d] || sb[d] == 1;
    if (!a_ok || !b_ok || std::max(sa[d], sb[d]) != so[d]) FailOp("input shapes do not broadcast to the output shape");
  }
  ir::MulAttrs a;
  if (const auto* o = op->builtin_options_as_MulOptions()) a.act = ReadActivation(o->fused_activation_function());
  Push({OpKind::kMul, {a_in, b_in}, {out}, a, op_index_});
}

void Importer::ImportUnary(OpKind kind) {
  const TensorId in = Activation8(InputIndex(0));
  const TensorId out = Activation8(OutputIndex());
  if (graph_.tensor(in).shape != graph_.tensor(out).shape) FailOp("input and output shapes differ");
  if (kind == OpKind::kLogistic) {
    // The int8 kernel writes scale 1/256, zero point -128 (TFLite's requirement).
    const ir::Tensor& t = graph_.tensor(out);
    if (t.quant.ZeroPoint() != -128 || t.quant.Scale() != 1.0f / 256.0f) {
      FailOp("the output must be quantised with scale 1/256 and zero point -128");
    }
  }
  Push({kind, {in}, {out}, {}, op_index_});
}

void Importer::ImportTranspose() {
  const TensorId in = Activation8(InputIndex(0));
  const std::vector<int32_t> perm = IntConstant(InputIndex(1));
  const TensorId out = Activation8(OutputIndex());
  const ir::Tensor& ti = graph_.tensor(in);
  const ir::Tensor& to = graph_.tensor(out);
  const size_t rank = ti.shape.size();
  if (perm.size() != rank || to.shape.size() != rank) FailOp("the permutation does not match the input rank");
  ir::TransposeAttrs a;
  std::array<bool, 4> used{};
  const int32_t pad = 4 - static_cast<int32_t>(rank);
  for (size_t d = 0; d < rank; ++d) {
    const int32_t p = perm[d];
    if (p < 0 || p >= static_cast<int32_t>(rank) || used[static_cast<size_t>(p)]) FailOp("the permutation is invalid");
    used[static_cast<size_t>(p)] = true;
    if (to.shape[d] != ti.shape[static_cast<size_t>(p)]) FailOp("the output shape does not match the permutation");
    a.perm[d + static_cast<size_t>(pad)] = p + pad;
  }
  if (!SameQuant(ti, to)) FailOp("input and output quantisation differ (the int8 kernel moves bytes)");
  Push({OpKind::kTranspose, {in}, {out}, a, op_index_});
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
    case kResizeNearestNeighbor: return ImportResizeNearest(op);
    case kConcatenation: return ImportConcat(op);
    case kMul: return ImportMul(op);
    case kLogistic: return ImportUnary(OpKind::kLogistic);
    case kHardSwish: return ImportUnary(OpKind::kHardSwish);
    case kTranspose: return ImportTranspose();
    default: FailOp("unsupported op");
  }
}

}  // namespace msf::frontend::detail
