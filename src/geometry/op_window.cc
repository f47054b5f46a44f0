// SPDX-License-Identifier: MIT
#include "geometry/op_window.h"

#include <algorithm>

#include "ir/resize_nearest.h"

namespace msf::geometry {

bool IsGlobalPool(const ir::Graph& g, const ir::Op& op) {
  if (op.kind == ir::OpKind::kMean) return true;
  if (op.kind != ir::OpKind::kAveragePool2D) return false;
  const ir::Tensor& in = g.tensor(op.input());
  const ir::PoolAttrs& a = op.pool();
  return a.filter_h == in.H() && a.filter_w == in.W() && a.pad.IsZero() &&
         g.tensor(op.output()).H() == 1 && g.tensor(op.output()).W() == 1;
}

bool IsSpatialOp(const ir::Graph& g, const ir::Op& op) {
  switch (op.kind) {
    case ir::OpKind::kConv2D:
    case ir::OpKind::kDepthwiseConv2D:
    case ir::OpKind::kPad:
    case ir::OpKind::kAdd:
    case ir::OpKind::kLogistic:
    case ir::OpKind::kHardSwish:
    case ir::OpKind::kReadInput:  // a tile of it is the rows (and columns) asked for
      return g.tensor(op.output()).shape.size() == 4;
    case ir::OpKind::kMul:  // elementwise only: a broadcast operand is no tile of the block
      return g.tensor(op.output()).shape.size() == 4 && g.tensor(op.input(0)).shape == g.tensor(op.output()).shape &&
             g.tensor(op.input(1)).shape == g.tensor(op.output()).shape;
    case ir::OpKind::kQuantize:  // also float32 -> int8: the float model input is read whole, never tiled
      return g.tensor(op.output()).shape.size() == 4;
    case ir::OpKind::kAveragePool2D:
    case ir::OpKind::kMaxPool2D:
      return !IsGlobalPool(g, op);
    case ir::OpKind::kResizeNearest:  // its window is the index table (AxisWindow::source)
      return g.tensor(op.output()).shape.size() == 4;
    default:
      return false;
  }
}

AxisWindow OpAxisWindow(const ir::Graph& g, const ir::Op& op, Axis axis) {
  const bool h = axis == Axis::kH;
  const ir::Tensor& in = g.tensor(op.input());
  AxisWindow w;
  w.in_size = h ? in.H() : in.W();
  switch (op.kind) {
    case ir::OpKind::kConv2D:
    case ir::OpKind::kDepthwiseConv2D: {
      const ir::ConvAttrs& a = op.conv();
      w.kernel = h ? a.kernel_h : a.kernel_w;
      w.stride = h ? a.stride_h : a.stride_w;
      w.dilation = h ? a.dilation_h : a.dilation_w;
      w.pad_before = h ? a.pad.top : a.pad.left;
      break;
    }
    case ir::OpKind::kAveragePool2D:
    case ir::OpKind::kMaxPool2D: {
      const ir::PoolAttrs& a = op.pool();
      w.kernel = h ? a.filter_h : a.filter_w;
      w.stride = h ? a.stride_h : a.stride_w;
      w.pad_before = h ? a.pad.top : a.pad.left;
      break;
    }
    case ir::OpKind::kPad: {
      const ir::PadAttrs& a = std::get<ir::PadAttrs>(op.attrs);
      w.pad_before = h ? a.pad.top : a.pad.left;
      break;
    }
    case ir::OpKind::kResizeNearest: {
      const ir::ResizeAttrs& a = std::get<ir::ResizeAttrs>(op.attrs);
      const ir::Tensor& out = g.tensor(op.output());
      w.source = std::make_shared<const std::vector<int32_t>>(
          ir::ResizeNearestIndices(w.in_size, h ? out.H() : out.W(), a.align_corners, a.half_pixel_centers));
      break;
    }
    default:
      break;  // elementwise: identity window
  }
  return w;
}

}  // namespace msf::geometry
