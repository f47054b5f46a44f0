// SPDX-License-Identifier: MIT
#include "lower/lowering.h"

#include <cstring>

#include "base/error.h"
#include "lower/quantize_multiplier.h"
#include "lower/runtime_params.h"

namespace msf::lower {
namespace {

void ActivationRange(ir::Activation act, const ir::Tensor& out, int32_t* lo, int32_t* hi) {
  lower::CalculateActivationRangeQuantized(act, out.quant.Scale(), out.quant.ZeroPoint(), lo, hi);
}

// Per-channel (or per-tensor) multipliers: effective scale = in_scale *
// w_scale[c] / out_scale in double, as TFLite's convolutions and its fully
// connected layer (GetQuantizedConvolutionMultipler) both compute it.
void ChannelMultipliers(const ir::Tensor& in, const ir::Tensor& w, const ir::Tensor& out,
                        int32_t channels, LoweredOp* l) {
  const size_t n = w.quant.IsPerChannel() ? static_cast<size_t>(channels) : 1;
  std::vector<float> filter_scales(n);
  for (size_t c = 0; c < n; ++c) filter_scales[c] = w.quant.Scale(c);
  ConvPerChannelMultipliers(in.quant.Scale(), filter_scales, out.quant.Scale(), &l->multipliers, &l->shifts);
}

void CopyConstants(const ir::Graph& g, const ir::Op& op, LoweredOp* l) {
  const ir::Tensor& w = g.tensor(op.input(1));
  l->weights.resize(w.data_size);
  std::memcpy(l->weights.data(), w.data, w.data_size);
  if (op.inputs.size() > 2 && op.input(2) != ir::kNoTensor) {
    const ir::Tensor& b = g.tensor(op.input(2));
    l->bias.resize(b.data_size / sizeof(int32_t));
    std::memcpy(l->bias.data(), b.data, l->bias.size() * sizeof(int32_t));
  }
}

// The shape part of the kernels' parameters (no quantisation, no
// constants): all the *_buffer_size() queries read, so scratch sizes come
// from shapes alone.
msf_conv_params ConvShape(const ir::Graph& g, const ir::Op& op) {
  const ir::Tensor& in = g.tensor(op.input());
  const ir::Tensor& out = g.tensor(op.output());
  const ir::ConvAttrs& a = op.conv();
  msf_conv_params p{};
  p.in_h = in.H(), p.in_w = in.W(), p.in_c = in.C(), p.out_c = out.C();
  p.kernel_h = a.kernel_h, p.kernel_w = a.kernel_w;
  p.stride_h = a.stride_h, p.stride_w = a.stride_w;
  p.dilation_h = a.dilation_h, p.dilation_w = a.dilation_w;
  p.pad_top = a.pad.top, p.pad_left = a.pad.left;
  p.depth_multiplier = a.depth_multiplier;
  return p;
}

msf_pool_params PoolShape(const ir::Graph& g, const ir::Op& op) {
  const ir::Tensor& in = g.tensor(op.input());
  const ir::PoolAttrs& a = op.pool();
  msf_pool_params p{};
  p.in_h = in.H(), p.in_w = in.W(), p.c = in.C();
  p.filter_h = a.filter_h, p.filter_w = a.filter_w;
  p.stride_h = a.stride_h, p.stride_w = a.stride_w;
  p.pad_top = a.pad.top, p.pad_left = a.pad.left;
  return p;
}

msf_fc_params FcShape(const ir::Graph& g, const ir::Op& op) {
  const ir::Tensor& w = g.tensor(op.input(1));
  msf_fc_params p{};
  p.in_features = w.shape[1], p.out_features = w.shape[0];
  return p;
}

}  // namespace

msf_view WholeView(const ir::Tensor& t, int8_t* data) {
  return {data, 0, 0, t.H(), t.W(), t.C(), 0, 0};
}

msf_rect WholeRect(const ir::Tensor& t) { return {0, 0, t.H(), t.W()}; }

LoweredOp Lower(const ir::Graph& g, const ir::Op& op) {
  LoweredOp l;
  l.kind = op.kind;
  const ir::Tensor& in = g.tensor(op.input());
  const ir::Tensor& out = g.tensor(op.output());
  switch (op.kind) {
    case ir::OpKind::kConv2D:
    case ir::OpKind::kDepthwiseConv2D: {
      const ir::ConvAttrs& a = op.conv();
      msf_conv_params& p = l.conv;
      p = ConvShape(g, op);
      p.input_offset = -in.quant.ZeroPoint();
      p.output_offset = out.quant.ZeroPoint();
      ActivationRange(a.act, out, &p.act_min, &p.act_max);
      ChannelMultipliers(in, g.tensor(op.input(1)), out, out.C(), &l);
      CopyConstants(g, op, &l);
      // Per-layer work of the fast kernels, once here, never per patch call.
      l.eff_bias.resize(static_cast<size_t>(p.out_c));
      if (op.kind == ir::OpKind::kConv2D) {
        msf_conv_s8_eff_bias(&p, l.weights.data(), l.BiasOrNull(), l.eff_bias.data());
      } else {
        msf_depthwise_conv_s8_eff_bias(&p, l.weights.data(), l.BiasOrNull(), l.eff_bias.data());
      }
      break;
    }
    case ir::OpKind::kAveragePool2D:
    case ir::OpKind::kMaxPool2D: {
      msf_pool_params& p = l.pool;
      p = PoolShape(g, op);
      ActivationRange(op.pool().act, out, &p.act_min, &p.act_max);
      break;
    }
    case ir::OpKind::kPad: {
      const ir::PadAttrs& a = std::get<ir::PadAttrs>(op.attrs);
      l.pad_top = a.pad.top, l.pad_left = a.pad.left;
      l.pad_value = static_cast<int8_t>(in.quant.ZeroPoint());
      break;
    }
    case ir::OpKind::kAdd: {
      const ir::Tensor& in2 = g.tensor(op.input(1));
      int32_t lo, hi;
      ActivationRange(std::get<ir::AddAttrs>(op.attrs).act, out, &lo, &hi);
      l.add = lower::MakeAddParams(in.quant.Scale(), in.quant.ZeroPoint(), in2.quant.Scale(),
                                   in2.quant.ZeroPoint(), out.quant.Scale(), out.quant.ZeroPoint(), lo, hi);
      break;
    }
    case ir::OpKind::kFullyConnected: {
      const ir::Tensor& w = g.tensor(op.input(1));
      msf_fc_params& p = l.fc;
      p = FcShape(g, op);
      p.input_offset = -in.quant.ZeroPoint();
      p.filter_offset = w.quant.IsPerChannel() ? 0 : -w.quant.ZeroPoint();
      p.output_offset = out.quant.ZeroPoint();
      ActivationRange(std::get<ir::FullyConnectedAttrs>(op.attrs).act, out, &p.act_min, &p.act_max);
      ChannelMultipliers(in, w, out, w.shape[0], &l);
      CopyConstants(g, op, &l);
      break;
    }
    case ir::OpKind::kMean:
      l.mean = lower::MakeMeanParams(in.quant.Scale(), in.quant.ZeroPoint(), out.quant.Scale(),
                                     out.quant.ZeroPoint(), in.H(), in.W(), in.C());
      break;
    case ir::OpKind::kSoftmax: {
      const int32_t depth = in.shape.empty() ? 1 : in.shape.back();
      l.softmax = lower::MakeSoftmaxParams(std::get<ir::SoftmaxAttrs>(op.attrs).beta, in.quant.Scale(),
                                           static_cast<int32_t>(in.NumElements() / depth), depth);
      break;
    }
    case ir::OpKind::kQuantize:
      l.requantize = lower::MakeRequantizeParams(in.quant.Scale(), in.quant.ZeroPoint(), out.quant.Scale(),
                                                 out.quant.ZeroPoint());
      break;
    case ir::OpKind::kReshape:
      break;
    case ir::OpKind::kDequantize:
      throw Error("DEQUANTIZE has no int8 path");
  }
  return l;
}

}  // namespace msf::lower

namespace msf::lower {

int64_t ScratchBytes(const ir::Graph& g, const ir::Op& op) {
  switch (op.kind) {
    case ir::OpKind::kConv2D: {
      const msf_conv_params p = ConvShape(g, op);
      return msf_conv_s8_buffer_size(&p);
    }
    case ir::OpKind::kDepthwiseConv2D: {
      const msf_conv_params p = ConvShape(g, op);
      return msf_depthwise_conv_s8_buffer_size(&p);
    }
    case ir::OpKind::kAveragePool2D:
    case ir::OpKind::kMaxPool2D: {
      const msf_pool_params p = PoolShape(g, op);
      return msf_pool_s8_buffer_size(&p);
    }
    case ir::OpKind::kFullyConnected: {
      const msf_fc_params p = FcShape(g, op);
      return msf_fully_connected_s8_buffer_size(&p);
    }
    case ir::OpKind::kMean: {
      const ir::Tensor& in = g.tensor(op.input());
      msf_mean_params p{};
      p.h = in.H(), p.w = in.W(), p.c = in.C();
      const int32_t bytes = msf_mean_s8_buffer_size(&p);  // -1: beyond int32 (refused at import)
      if (bytes < 0) throw Error("MEAN over " + std::to_string(p.c) + " channels: its int32 sums do not fit the device tables");
      return bytes;
    }
    default: return 0;
  }
}

}  // namespace msf::lower
