// SPDX-License-Identifier: MIT
#include "cost/paper_cost_model.h"

#include <string>

#include "base/error.h"

namespace msf::cost {
namespace {

// Python's // (rounds towards -inf), which the authors' formulas rely on.
int64_t FloorDiv(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

[[noreturn]] void NotAChain(size_t op, const std::string& why) {
  throw Error("--cost-model paper needs a plain conv chain such as the zoo: models; op " +
              std::to_string(op) + " " + why);
}

struct Window {
  int32_t kh, kw, sh, sw, dh, dw;
  ir::Pad2D pad;
};

Window WindowOf(const ir::Op& op) {
  if (const auto* c = std::get_if<ir::ConvAttrs>(&op.attrs)) {
    return {c->kernel_h, c->kernel_w, c->stride_h, c->stride_w, c->dilation_h, c->dilation_w, c->pad};
  }
  const ir::PoolAttrs& p = op.pool();
  return {p.filter_h, p.filter_w, p.stride_h, p.stride_w, 1, 1, p.pad};
}

}  // namespace

int64_t PaperLayer::MacsPerElement() const {
  const int64_t window = static_cast<int64_t>(k) * k;
  return type == Type::kConv ? window * c_in : window;
}

int64_t PaperLayer::VanillaMacs() const {
  return MacsPerElement() * h_out * w_out * c_out;
}

int64_t PaperLayer::InputBytes() const { return static_cast<int64_t>(h_in) * w_in * c_in * element_bytes; }

int64_t PaperLayer::OutputBytes() const {
  return static_cast<int64_t>(h_out) * w_out * c_out * element_bytes;
}

std::vector<PaperLayer> PaperLayers(const ir::Graph& g) {
  std::vector<PaperLayer> layers;
  ir::TensorId expected_input = g.inputs.size() == 1 ? g.input() : ir::kNoTensor;
  for (size_t i = 0; i < g.ops.size(); ++i) {
    const ir::Op& op = g.ops[i];
    PaperLayer l;
    switch (op.kind) {
      case ir::OpKind::kConv2D: l.type = PaperLayer::Type::kConv; break;
      case ir::OpKind::kDepthwiseConv2D: l.type = PaperLayer::Type::kDepthwise; break;
      case ir::OpKind::kAveragePool2D:
      case ir::OpKind::kMaxPool2D: l.type = PaperLayer::Type::kPool; break;
      default: NotAChain(i, std::string("is ") + ir::OpKindName(op.kind));
    }
    if (op.input() != expected_input) NotAChain(i, "does not read the previous op's output");
    const Window w = WindowOf(op);
    if (w.kh != w.kw) NotAChain(i, "has a non-square kernel");
    if (w.sh != w.sw) NotAChain(i, "has unequal strides");
    if (w.dh != 1 || w.dw != 1) NotAChain(i, "is dilated");
    if (w.pad.top != w.pad.bottom || w.pad.top != w.pad.left || w.pad.top != w.pad.right) {
      NotAChain(i, "has asymmetric padding");
    }
    const ir::Tensor& in = g.tensor(op.input());
    const ir::Tensor& out = g.tensor(op.output());
    if (ir::DTypeBytes(in.type) != ir::DTypeBytes(out.type)) NotAChain(i, "changes the element type");
    l.k = w.kh;
    l.s = w.sh;
    l.p = w.pad.top;
    l.c_in = in.C();
    l.c_out = out.C();
    l.h_in = in.H();
    l.w_in = in.W();
    l.h_out = out.H();
    l.w_out = out.W();
    l.element_bytes = ir::DTypeBytes(in.type);
    if (l.h_out != (l.h_in + 2 * l.p - l.k) / l.s + 1 || l.w_out != (l.w_in + 2 * l.p - l.k) / l.s + 1) {
      NotAChain(i, "has an output size the paper's formula does not give");
    }
    layers.push_back(l);
    expected_input = op.output();
  }
  if (layers.empty()) throw Error("--cost-model paper needs a plain conv chain; the model has no ops");
  if (g.outputs.size() != 1 || g.output() != expected_input) {
    throw Error("--cost-model paper needs a plain conv chain such as the zoo: models; the last op's "
                "output is not the only network output");
  }
  return layers;
}

PaperBlockCost PaperBlock(const std::vector<PaperLayer>& layers, int32_t first, int32_t last) {
  const int32_t n = static_cast<int32_t>(layers.size());
  if (first < 0 || last < first || last >= n) throw Error("PaperBlock: bad layer range");
  PaperBlockCost c;
  const PaperLayer& head = layers[static_cast<size_t>(first)];
  const PaperLayer& tail = layers[static_cast<size_t>(last)];
  c.input_bytes = head.InputBytes();
  c.output_bytes = tail.OutputBytes();
  for (int32_t l = first; l <= last; ++l) c.vanilla_macs += layers[static_cast<size_t>(l)].VanillaMacs();
  // Network input and output live outside the arena in the paper's accounting.
  const int64_t excluded = (first == 0 ? c.input_bytes : 0) + (last == n - 1 ? c.output_bytes : 0);

  if (first == last) {
    c.ram_bytes_with_io = c.input_bytes + c.output_bytes;
    c.ram_bytes = c.ram_bytes_with_io - excluded;
    c.macs = head.VanillaMacs();
    return c;
  }

  // Input tile T and stride S for one output pixel, backwards (padding ignored).
  int64_t t = 1, s = 1;
  for (int32_t l = last; l >= first; --l) {
    const PaperLayer& L = layers[static_cast<size_t>(l)];
    t = (t - 1) * L.s + L.k;
    s *= L.s;
  }
  c.tile_size = t;
  c.tile_stride = s;
  if (t > head.h_in || t > head.w_in) {
    c.feasible = false;
    return c;
  }

  // Tile buffers k * h * C_in, where h is the height each layer sees for the
  // last tile the authors' simulator visits; the padding branches make it
  // differ from the receptive field near the bottom border.
  const int64_t last_origin = FloorDiv(head.h_in - t, s) * s;
  int64_t h = t, cum_stride = 1;
  for (int32_t l = first; l <= last; ++l) {
    const PaperLayer& L = layers[static_cast<size_t>(l)];
    cum_stride *= L.s;
    const int64_t row = FloorDiv(last_origin, cum_stride);  // includes layer l's stride, as in the original
    const int64_t bytes = static_cast<int64_t>(L.k) * h * L.c_in * L.element_bytes;
    c.tile_heights.push_back(h);
    c.tile_buffer_bytes.push_back(bytes);
    c.tile_buffers_total += bytes;
    int64_t out_h = h - L.k;
    if (row == 0) out_h += L.p;
    if (row + h >= L.h_in) out_h += L.p;
    h = FloorDiv(out_h, L.s) + 1;
  }
  c.ram_bytes_with_io = c.tile_buffers_total + c.input_bytes + c.output_bytes;
  c.ram_bytes = c.ram_bytes_with_io - excluded;

  // MACs: every output column once (column cache), rows recomputed per tile
  // row. outer_h counts padding only for padded layers: a border
  // approximation of the original, kept to match its numbers.
  int64_t tile = t, stride = s;
  for (int32_t l = first; l <= last; ++l) {
    const PaperLayer& L = layers[static_cast<size_t>(l)];
    const int64_t outer_h = FloorDiv(L.h_in + 2 * L.p - tile, stride) + 1;
    const int64_t outer_w = FloorDiv(L.w_in + 2 * L.p - L.k, L.s) + 1;
    const int64_t inner_h = FloorDiv(tile - L.k, L.s) + 1;
    c.macs += outer_h * outer_w * inner_h * L.c_out * L.MacsPerElement();
    tile = inner_h;
    stride /= L.s;
  }
  return c;
}

}  // namespace msf::cost
