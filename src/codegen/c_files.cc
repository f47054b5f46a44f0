// SPDX-License-Identifier: MIT
#include "codegen/c_files.h"

#include "codegen/c_writer.h"
#include "codegen/generated_note.h"
#include "codegen/target_info.h"
#include "base/error.h"
#include "base/text_format.h"

namespace msf::codegen {

std::string FileHeader(const CFileContext& c, std::string_view what) {
  CWriter w;
  w.Line("/* SPDX-License-Identifier: MIT */");
  w.Comment(std::string(kGeneratedNote) + " " + std::string(what));
  w.Comment("model: " + c.options.model_label + ", plan: " + c.options.plan_label +
            ", target: " + Info(c.options.target).name);
  return w.text();
}

std::string OpText(const ir::Graph& g, int32_t op) {
  const ir::Op& o = g.ops[static_cast<size_t>(op)];
  std::string s = "op " + std::to_string(op) + " " + ir::OpKindName(o.kind) + " ";
  s += ShapeString(g.tensor(o.input()).shape) + " -> " + ShapeString(g.tensor(o.output()).shape);
  return s;
}

std::string KernelName(size_t k) { return Cat({"k", std::to_string(k)}); }

std::string Cat(std::initializer_list<std::string_view> parts) {
  std::string s;
  for (std::string_view p : parts) s += p;
  return s;
}

KernelArrays ArraysOf(const plan::DeviceKernel& d, bool dsp) {
  const msf_kernel& k = d.kernel;
  const lower::LoweredOp& l = d.lowered;
  KernelArrays a;
  a.weights = k.weights != nullptr;
  a.bias = k.bias != nullptr;
  a.eff_bias = k.eff_bias != nullptr;
  a.multiplier = k.requant.multiplier != nullptr && !l.multipliers.empty();
  a.shift = k.requant.shift != nullptr && !l.shifts.empty();
  a.wide = dsp && k.params == &l.conv && l.conv.wide_weights != nullptr;
  if ((a.weights && k.weights != l.weights.data()) || (a.bias && k.bias != l.bias.data()) ||
      (a.eff_bias && k.eff_bias != l.eff_bias.data()) ||
      (a.multiplier && k.requant.multiplier != l.multipliers.data()) ||
      (a.shift && k.requant.shift != l.shifts.data()) || (a.wide && l.conv.wide_weights != l.wide_weights.data())) {
    throw Error("internal: a kernel's constant arrays are not its lowered op's");
  }
  return a;
}

std::string WeightsHeaderFile(const CFileContext& c) {
  CWriter w;
  w.Line("#ifndef MSF_MODEL_WEIGHTS_H");
  w.Line("#define MSF_MODEL_WEIGHTS_H");
  w.Line("#include <stdint.h>");
  w.Line();
  const auto& kernels = c.plan.kernels();
  for (size_t k = 0; k < kernels.size(); ++k) {
    const plan::DeviceKernel& d = kernels[k];
    const KernelArrays a = ArraysOf(d, HasDspKernels(c.options.target));
    if (!a.any()) continue;
    w.Comment(KernelName(k) + ": " + OpText(c.graph, d.op));
    const std::string n = "msf_" + KernelName(k);
    if (a.weights) w.Line("extern const int8_t " + n + "_weights[" + std::to_string(d.lowered.weights.size()) + "];");
    if (a.bias) w.Line("extern const int32_t " + n + "_bias[" + std::to_string(d.lowered.bias.size()) + "];");
    if (a.eff_bias) {
      w.Line("extern const int32_t " + n + "_eff_bias[" + std::to_string(d.lowered.eff_bias.size()) + "];");
    }
    if (a.multiplier) {
      w.Line("extern const int32_t " + n + "_multiplier[" + std::to_string(d.lowered.multipliers.size()) + "];");
    }
    if (a.shift) w.Line("extern const int32_t " + n + "_shift[" + std::to_string(d.lowered.shifts.size()) + "];");
    if (a.wide) w.Line("extern const int32_t " + n + "_wide[" + std::to_string(d.lowered.wide_weights.size()) + "];");
  }
  w.Line();
  w.Line("#endif /* MSF_MODEL_WEIGHTS_H */");
  return FileHeader(c, "Constant kernel data (flash).") + w.text();
}

std::string WeightsSourceFile(const CFileContext& c) {
  CWriter w;
  w.Line("#include \"model_weights.h\"");
  const auto& kernels = c.plan.kernels();
  for (size_t k = 0; k < kernels.size(); ++k) {
    const plan::DeviceKernel& d = kernels[k];
    const KernelArrays a = ArraysOf(d, HasDspKernels(c.options.target));
    if (!a.any()) continue;
    const std::string n = "msf_" + KernelName(k);
    w.Line();
    w.Comment(KernelName(k) + ": " + OpText(c.graph, d.op));
    const lower::LoweredOp& l = d.lowered;
    if (a.weights) w.IntArray("const int8_t " + n + "_weights[" + std::to_string(l.weights.size()) + "] =", l.weights);
    if (a.bias) w.IntArray("const int32_t " + n + "_bias[" + std::to_string(l.bias.size()) + "] =", l.bias);
    if (a.eff_bias) {
      w.IntArray("const int32_t " + n + "_eff_bias[" + std::to_string(l.eff_bias.size()) + "] =", l.eff_bias);
    }
    if (a.multiplier) {
      w.IntArray("const int32_t " + n + "_multiplier[" + std::to_string(l.multipliers.size()) + "] =", l.multipliers);
    }
    if (a.shift) w.IntArray("const int32_t " + n + "_shift[" + std::to_string(l.shifts.size()) + "] =", l.shifts);
    if (a.wide) {
      w.IntArray("const int32_t " + n + "_wide[" + std::to_string(l.wide_weights.size()) + "] =", l.wide_weights);
    }
  }
  return FileHeader(c, "Constant kernel data (flash).") + w.text();
}

// "1x96x96x1 int8" or, for several tensors, "1x4x5x18 float32 + 1x8x10x18 float32".
std::string TensorsText(const ir::Graph& g, const std::vector<ir::TensorId>& tensors) {
  std::string s;
  for (size_t i = 0; i < tensors.size(); ++i) {
    const ir::Tensor& t = g.tensor(tensors[i]);
    s += (i ? " + " : "") + ShapeString(t.shape) + " " + ir::DTypeName(t.type);
  }
  return s;
}

std::string ModelHeaderFile(const CFileContext& c, int64_t input_bytes, int64_t output_bytes) {
  const ir::Graph& g = c.graph;
  CWriter w;
  w.Line("#ifndef MSF_MODEL_H");
  w.Line("#define MSF_MODEL_H");
  w.Line("#include <stdint.h>");
  w.Line();
  w.Line("#define MSF_MODEL_INPUT_BYTES " + CInt(input_bytes) + " /* " + TensorsText(g, g.inputs) + " */");
  w.Line("#define MSF_MODEL_OUTPUT_BYTES " + CInt(output_bytes) + " /* " + TensorsText(g, g.outputs) + " */");
  const bool extern_arena = c.options.arena == ArenaOwner::kExtern;
  w.Line("#define MSF_MODEL_ARENA_BYTES " + CInt(c.plan.runtime_plan().arena_bytes) +
         (extern_arena ? " /* the planned arena (the caller's, see msf_model_invoke) */"
                       : " /* the planned arena (static RAM, model.c) */"));
  w.Line("#define MSF_MODEL_ARENA_ALIGN 4u");
  if (extern_arena) w.Line("#define MSF_MODEL_ARENA_EXTERN 1");
  w.Line();
  w.Comment("Runs the model: in and out are the caller's buffers (never in the arena), 4-aligned,");
  w.Comment("holding the tensors above concatenated in order (float32 ones little-endian).");
  w.Comment("Returns 0 on success, a nonzero msf_status if the runtime rejected an argument.");
  if (extern_arena) {
    w.Comment("arena: MSF_MODEL_ARENA_BYTES bytes aligned to MSF_MODEL_ARENA_ALIGN, owned by the caller");
    w.Comment("(its contents need not survive between calls).");
    w.Line("int msf_model_invoke(const int8_t *in, int8_t *out, uint8_t *arena);");
  } else {
    w.Line("int msf_model_invoke(const int8_t *in, int8_t *out);");
  }
  if (g.input_mode != ir::InputMode::kResident) {
    const bool stream = g.input_mode == ir::InputMode::kStream;
    w.Line();
    w.Line(std::string("#define MSF_MODEL_INPUT_") + (stream ? "STREAM" : "REREAD") + " 1");
    w.Comment("Per input: rows, columns, bytes per pixel, and its offset in msf_model_input.");
    std::string shapes;
    int64_t at = 0;
    for (ir::TensorId t : g.inputs) {
      const ir::Tensor& in = g.tensor(t);
      shapes += std::string(shapes.empty() ? "" : ", ") + "{" + CInt(in.H()) + ", " + CInt(in.W()) + ", " +
                CInt(in.Bytes() / (int64_t{in.H()} * in.W())) + ", " + CInt(at) + "}";
      at += in.Bytes();
    }
    w.Line("#define MSF_MODEL_NUM_INPUTS " + std::to_string(g.inputs.size()));
    w.Line("#define MSF_MODEL_INPUT_SHAPES {" + shapes + "}");
    w.Comment(stream ? "The input comes from a sensor: msf_model_invoke_stream asks read_rows for each row"
                     : "The input is read through read_rows; rows may be asked for more than once");
    w.Comment(stream ? "once, in order, full width, into the arena (msf_read_rows_fn, msf_rt/msf_plan.h)."
                     : "(a frame buffer the firmware can read again), into the arena (msf_read_rows_fn).");
    w.Line("#include \"msf_rt/msf_plan.h\"");
    w.Line(extern_arena ? "int msf_model_invoke_stream(msf_read_rows_fn read_rows, void *ctx, int8_t *out, uint8_t *arena);"
                        : "int msf_model_invoke_stream(msf_read_rows_fn read_rows, void *ctx, int8_t *out);");
  }
  w.Line();
  w.Comment(c.options.input ? "The input tensor embedded with --embed-input (model_input.c, flash)."
                            : "An all-zero input tensor (model_input.c, flash): no --embed-input was given.");
  w.Line("extern const int8_t msf_model_input[MSF_MODEL_INPUT_BYTES];");
  w.Line();
  w.Line("#endif /* MSF_MODEL_H */");
  return FileHeader(c, "The model's interface.") + w.text();
}

std::string ModelInputFile(const CFileContext& c) {
  CWriter w;
  w.Line("#include \"model.h\"");
  w.Line();
  if (c.options.input) {
    w.IntArray("const int8_t msf_model_input[MSF_MODEL_INPUT_BYTES] __attribute__((aligned(4))) =", *c.options.input);
  } else {
    w.Line("const int8_t msf_model_input[MSF_MODEL_INPUT_BYTES] __attribute__((aligned(4))) = {0};");
  }
  return FileHeader(c, "The input tensor.") + w.text();
}

}  // namespace msf::codegen
