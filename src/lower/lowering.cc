// SPDX-License-Identifier: MIT
#include "lower/lowering.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "base/error.h"
#include "ir/input_readers.h"
#include "ir/resize_nearest.h"
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

void LowerConcat(const ir::Graph& g, const ir::Op& op, LoweredOp* l) {
  const int32_t axis = std::get<ir::ConcatAttrs>(op.attrs).axis;
  const std::array<int32_t, 4> out = g.tensor(op.output()).Shape4();
  int32_t outer = 1, inner = 1;
  for (int d = 0; d < axis; ++d) outer *= out[static_cast<size_t>(d)];
  for (int d = axis + 1; d < 4; ++d) inner *= out[static_cast<size_t>(d)];
  const int32_t out_stride = out[static_cast<size_t>(axis)] * inner;
  int32_t offset = 0;
  for (ir::TensorId t : op.inputs) {
    const int32_t size = g.tensor(t).Shape4()[static_cast<size_t>(axis)];
    l->concat_axis_sizes.push_back(size);
    l->concat_parts.push_back({outer, size * inner, out_stride, offset});
    offset += size * inner;
  }
  l->concat_outer = outer, l->concat_inner = inner;
}

// How MUL's inputs meet the view kernel (shapes only): the broadcast of the
// second input over the first (MSF_MUL_BCAST_*), as given (`direct`) or with
// the inputs swapped; -1 where the view kernel does not apply.
struct MulLayout {
  int direct = -1, swapped = -1;
  bool NeedsGeneral() const { return direct < 0 && swapped < 0; }
};

MulLayout MulLayoutOf(const ir::Graph& g, const ir::Op& op) {
  const std::array<int32_t, 4> sa = g.tensor(op.input(0)).Shape4(), sb = g.tensor(op.input(1)).Shape4();
  const std::array<int32_t, 4> so = g.tensor(op.output()).Shape4();
  // The first input has the output's shape; the second the same, [1,1,1,C]
  // (over H and W), or one channel.
  const auto broadcast_of = [&so](const std::array<int32_t, 4>& x, const std::array<int32_t, 4>& y) -> int {
    if (x != so) return -1;
    if (y == so) return MSF_MUL_BCAST_NONE;
    if (y[0] == 1 && y[1] == 1 && y[2] == 1 && y[3] == so[3]) return MSF_MUL_BCAST_HW;
    if (y[0] == so[0] && y[1] == so[1] && y[2] == so[2] && y[3] == 1) return MSF_MUL_BCAST_C;
    return -1;
  };
  return {broadcast_of(sa, sb), broadcast_of(sb, sa)};
}

void LowerMul(const ir::Graph& g, const ir::Op& op, LoweredOp* l) {
  const ir::Tensor& a = g.tensor(op.input(0));
  const ir::Tensor& b = g.tensor(op.input(1));
  const ir::Tensor& out = g.tensor(op.output());
  int32_t lo, hi;
  ActivationRange(std::get<ir::MulAttrs>(op.attrs).act, out, &lo, &hi);
  const std::array<int32_t, 4> sa = a.Shape4(), sb = b.Shape4(), so = out.Shape4();
  const MulLayout layout = MulLayoutOf(g, op);
  const int direct = layout.direct, swapped = layout.swapped;
  l->mul_swapped = direct < 0 && swapped >= 0;
  const ir::Tensor& first = l->mul_swapped ? b : a;
  const ir::Tensor& second = l->mul_swapped ? a : b;
  l->mul = MakeMulParams(first.quant.Scale(), first.quant.ZeroPoint(), second.quant.Scale(), second.quant.ZeroPoint(),
                         out.quant.Scale(), out.quant.ZeroPoint(), lo, hi);
  l->mul.in2_broadcast = l->mul_swapped ? swapped : std::max(direct, 0);
  l->mul_is_4d = layout.NeedsGeneral();
  // The general kernel takes the inputs in graph order.
  l->mul_4d.mul = MakeMulParams(a.quant.Scale(), a.quant.ZeroPoint(), b.quant.Scale(), b.quant.ZeroPoint(),
                                out.quant.Scale(), out.quant.ZeroPoint(), lo, hi);
  for (int d = 0; d < 4; ++d) {
    l->mul_4d.in1_shape[d] = sa[static_cast<size_t>(d)];
    l->mul_4d.in2_shape[d] = sb[static_cast<size_t>(d)];
    l->mul_4d.out_shape[d] = so[static_cast<size_t>(d)];
  }
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
        l.wide_weights.resize(static_cast<size_t>(msf_conv_s8_wide_weights_size(&p)));
        if (!l.wide_weights.empty()) msf_conv_s8_wide_weights(&p, l.weights.data(), l.wide_weights.data());
      } else {
        msf_depthwise_conv_s8_eff_bias(&p, l.weights.data(), l.BiasOrNull(), l.eff_bias.data());
      }
      {
        const msf_requant q = l.Requant();
        l.requant_narrow = q.verified != 0 &&
                           msf_requant_narrow_ok(&p, &q, l.weights.data(), l.BiasOrNull(), l.eff_bias.data(),
                                                 op.kind == ir::OpKind::kDepthwiseConv2D ? 1 : 0) != 0;
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
      if (in.type == ir::DType::kFloat32) {  // the float model input
        l.float_io = {out.quant.Scale(), out.quant.ZeroPoint()};
        break;
      }
      l.requantize = lower::MakeRequantizeParams(in.quant.Scale(), in.quant.ZeroPoint(), out.quant.Scale(),
                                                 out.quant.ZeroPoint());
      break;
    case ir::OpKind::kReshape:
      break;
    case ir::OpKind::kDequantize:  // a float model output
      l.float_io = {in.quant.Scale(), in.quant.ZeroPoint()};
      break;
    case ir::OpKind::kResizeNearest: {
      const ir::ResizeAttrs& a = std::get<ir::ResizeAttrs>(op.attrs);
      l.resize_src_y = ir::ResizeNearestIndices(in.H(), out.H(), a.align_corners, a.half_pixel_centers);
      l.resize_src_x = ir::ResizeNearestIndices(in.W(), out.W(), a.align_corners, a.half_pixel_centers);
      l.resize = {in.H(), in.W(), out.H(), out.W(), in.C(), nullptr, nullptr};
      break;
    }
    case ir::OpKind::kConcat: LowerConcat(g, op, &l); break;
    case ir::OpKind::kReadInput: l.read_input.input = ir::ReaderInputIndex(g, op); break;
    case ir::OpKind::kMul: LowerMul(g, op, &l); break;
    case ir::OpKind::kLogistic:
      l.logistic = MakeLogisticParams(in.quant.Scale(), in.quant.ZeroPoint());
      break;
    case ir::OpKind::kHardSwish:
      l.hard_swish = MakeHardSwishParams(in.quant.Scale(), in.quant.ZeroPoint(), out.quant.Scale(), out.quant.ZeroPoint());
      break;
    case ir::OpKind::kTranspose: {
      const std::array<int32_t, 4> shape = in.Shape4();
      const ir::TransposeAttrs& a = std::get<ir::TransposeAttrs>(op.attrs);
      for (int d = 0; d < 4; ++d) l.transpose.in_shape[d] = shape[static_cast<size_t>(d)], l.transpose.perm[d] = a.perm[static_cast<size_t>(d)];
      break;
    }
  }
  return l;
}

}  // namespace msf::lower

namespace msf::lower {

int KernelKindOf(const ir::Graph& g, const ir::Op& op) {
  switch (op.kind) {
    case ir::OpKind::kConv2D: return MSF_KERNEL_CONV;
    case ir::OpKind::kDepthwiseConv2D: return MSF_KERNEL_DEPTHWISE_CONV;
    case ir::OpKind::kAveragePool2D: return MSF_KERNEL_AVGPOOL;
    case ir::OpKind::kMaxPool2D: return MSF_KERNEL_MAXPOOL;
    case ir::OpKind::kPad: return MSF_KERNEL_PAD;
    case ir::OpKind::kAdd: return MSF_KERNEL_ADD;
    case ir::OpKind::kQuantize:
      return g.tensor(op.input()).type == ir::DType::kFloat32 ? MSF_KERNEL_QUANTIZE_F32 : MSF_KERNEL_REQUANTIZE;
    case ir::OpKind::kDequantize: return MSF_KERNEL_DEQUANTIZE_F32;
    case ir::OpKind::kFullyConnected: return MSF_KERNEL_FULLY_CONNECTED;
    case ir::OpKind::kMean: return MSF_KERNEL_MEAN;
    case ir::OpKind::kSoftmax: return MSF_KERNEL_SOFTMAX;
    case ir::OpKind::kReshape: return MSF_KERNEL_COPY;
    case ir::OpKind::kResizeNearest: return MSF_KERNEL_RESIZE_NEAREST;
    case ir::OpKind::kConcat: return MSF_KERNEL_CONCAT_PART;
    case ir::OpKind::kMul: return MulLayoutOf(g, op).NeedsGeneral() ? MSF_KERNEL_MUL_4D : MSF_KERNEL_MUL;
    case ir::OpKind::kLogistic: return MSF_KERNEL_LOGISTIC;
    case ir::OpKind::kHardSwish: return MSF_KERNEL_HARD_SWISH;
    case ir::OpKind::kTranspose: return MSF_KERNEL_TRANSPOSE;
    case ir::OpKind::kReadInput: return MSF_KERNEL_READ_INPUT;
  }
  throw Error(std::string("internal: no runtime kernel for ") + ir::OpKindName(op.kind));
}

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
