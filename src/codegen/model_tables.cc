// SPDX-License-Identifier: MIT
// model.c: the plan's runtime descriptor tables (kernels, slots, ops, needs,
// actions, steps, the msf_plan) and the static arena. msf_run_plan() runs them;
// codegen emits data, never loops.
#include <algorithm>
#include <cstdio>

#include "codegen/c_files.h"
#include "codegen/c_writer.h"
#include "codegen/target_info.h"
#include "base/error.h"

namespace msf::codegen {
namespace {

// Tripwire: the tables below print every field of these runtime structs.
// A field added to one of them must be added to its emitter, and this list.
[[maybe_unused]] void CheckRuntimeFieldCounts() {
  [[maybe_unused]] auto [k0, k1, k2, k3, k4, k5, k6] = msf_kernel{};
  [[maybe_unused]] auto [q0, q1, q2, q3] = msf_requant{};
  [[maybe_unused]] auto [s0, s1, s2, s3, s4, s5, s6] = msf_slot{};
  [[maybe_unused]] auto [o0, o1, o2] = msf_step_op{};
  [[maybe_unused]] auto [i0, i1] = msf_interval{};
  [[maybe_unused]] auto [a0, a1] = msf_action{};
  [[maybe_unused]] auto [p0, p1, p2, p3, p4] = msf_plan{};
  [[maybe_unused]] auto [t0, t1, t2, t3, t4, t5, t6, t7, t8, t9, t10, t11, t12, t13, t14, t15, t16, t17, t18,
                         t19, t20, t21, t22, t23, t24] = msf_step{};
  [[maybe_unused]] auto [c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15, c16, c17] =
      msf_conv_params{};
  [[maybe_unused]] auto [l0, l1, l2, l3, l4, l5, l6, l7, l8, l9, l10] = msf_pool_params{};
  [[maybe_unused]] auto [d0, d1, d2, d3, d4] = msf_pad_params{};
  [[maybe_unused]] auto [e0, e1, e2, e3, e4, e5, e6, e7, e8, e9, e10, e11] = msf_add_params{};
  [[maybe_unused]] auto [f0, f1, f2, f3, f4, f5, f6] = msf_fc_params{};
  [[maybe_unused]] auto [m0, m1, m2, m3, m4, m5, m6, m7] = msf_mean_params{};
  [[maybe_unused]] auto [x0, x1, x2, x3, x4] = msf_softmax_params{};
  [[maybe_unused]] auto [r0, r1, r2, r3] = msf_requantize_params{};
  [[maybe_unused]] auto [fi0, fi1] = msf_float_io_params{};
  [[maybe_unused]] auto [rz0, rz1, rz2, rz3, rz4, rz5, rz6] = msf_resize_params{};
  [[maybe_unused]] auto [cp0, cp1, cp2, cp3] = msf_concat_part_params{};
  [[maybe_unused]] auto [mu0, mu1, mu2, mu3, mu4, mu5, mu6, mu7] = msf_mul_params{};
  [[maybe_unused]] auto [m40, m41, m42, m43] = msf_mul_4d_params{};
  [[maybe_unused]] auto [lg0, lg1, lg2, lg3] = msf_logistic_params{};
  [[maybe_unused]] auto [hs0, hs1, hs2, hs3, hs4, hs5] = msf_hard_swish_params{};
  [[maybe_unused]] auto [tp0, tp1] = msf_transpose_params{};
  [[maybe_unused]] auto [ri0] = msf_read_input_params{};
}

const char* KernelKindName(uint8_t kind) {
  switch (kind) {
    case MSF_KERNEL_CONV: return "MSF_KERNEL_CONV";
    case MSF_KERNEL_DEPTHWISE_CONV: return "MSF_KERNEL_DEPTHWISE_CONV";
    case MSF_KERNEL_AVGPOOL: return "MSF_KERNEL_AVGPOOL";
    case MSF_KERNEL_MAXPOOL: return "MSF_KERNEL_MAXPOOL";
    case MSF_KERNEL_PAD: return "MSF_KERNEL_PAD";
    case MSF_KERNEL_ADD: return "MSF_KERNEL_ADD";
    case MSF_KERNEL_REQUANTIZE: return "MSF_KERNEL_REQUANTIZE";
    case MSF_KERNEL_FULLY_CONNECTED: return "MSF_KERNEL_FULLY_CONNECTED";
    case MSF_KERNEL_MEAN: return "MSF_KERNEL_MEAN";
    case MSF_KERNEL_SOFTMAX: return "MSF_KERNEL_SOFTMAX";
    case MSF_KERNEL_COPY: return "MSF_KERNEL_COPY";
    case MSF_KERNEL_QUANTIZE_F32: return "MSF_KERNEL_QUANTIZE_F32";
    case MSF_KERNEL_DEQUANTIZE_F32: return "MSF_KERNEL_DEQUANTIZE_F32";
    case MSF_KERNEL_RESIZE_NEAREST: return "MSF_KERNEL_RESIZE_NEAREST";
    case MSF_KERNEL_CONCAT_PART: return "MSF_KERNEL_CONCAT_PART";
    case MSF_KERNEL_MUL: return "MSF_KERNEL_MUL";
    case MSF_KERNEL_MUL_4D: return "MSF_KERNEL_MUL_4D";
    case MSF_KERNEL_LOGISTIC: return "MSF_KERNEL_LOGISTIC";
    case MSF_KERNEL_HARD_SWISH: return "MSF_KERNEL_HARD_SWISH";
    case MSF_KERNEL_TRANSPOSE: return "MSF_KERNEL_TRANSPOSE";
    case MSF_KERNEL_READ_INPUT: return "MSF_KERNEL_READ_INPUT";
    default: break;
  }
  throw Error("internal: kernel kind " + std::to_string(kind) + " has no name");
}

const char* HeadKindName(uint8_t kind) {
  switch (kind) {
    case MSF_HEAD_NONE: return "MSF_HEAD_NONE";
    case MSF_HEAD_AVGPOOL: return "MSF_HEAD_AVGPOOL";
    case MSF_HEAD_MEAN: return "MSF_HEAD_MEAN";
    default: break;
  }
  throw Error("internal: head kind " + std::to_string(kind) + " has no name");
}

std::string SlotOffset(int32_t offset) {
  if (offset == MSF_SLOT_INPUT) return "MSF_SLOT_INPUT";
  if (offset == MSF_SLOT_OUTPUT) return "MSF_SLOT_OUTPUT";
  if (offset < 0) {
    const int32_t k = -offset - 1;
    return Cat({k % 2 == 0 ? "MSF_SLOT_INPUT_N(" : "MSF_SLOT_OUTPUT_N(", std::to_string(k / 2), ")"});
  }
  return CInt(offset);
}

std::string Join(const std::vector<std::string>& items) {
  std::string s;
  for (size_t i = 0; i < items.size(); ++i) s += (i ? ", " : "") + items[i];
  return s;
}

std::string StepName(size_t s) { return Cat({"s", std::to_string(s)}); }

// The params struct a kernel points to: C type and its fields.
struct ParamsInit {
  const char* type = nullptr;  // nullptr: the kernel has no params
  Fields fields;
  // int32 tables the params point to, emitted before them: (name, values).
  std::vector<std::pair<std::string, std::vector<int32_t>>> tables;
};

// A float as an exact C hex literal ("0x1.99999ap-4f").
std::string CFloat(float v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%af", static_cast<double>(v));
  return buf;
}

std::string CIntList(const int32_t* v, size_t n) {
  std::string s = "{";
  for (size_t i = 0; i < n; ++i) s += (i ? ", " : "") + CInt(v[i]);
  return s + "}";
}

Fields MulFields(const msf_mul_params& c) {
  Fields f;
  f.Add("input1_offset", c.input1_offset).Add("input2_offset", c.input2_offset).Add("output_offset", c.output_offset);
  f.Add("output_multiplier", c.output_multiplier).Add("output_shift", c.output_shift);
  f.Add("act_min", c.act_min).Add("act_max", c.act_max).Add("in2_broadcast", c.in2_broadcast);
  return f;
}

// `name`: the kernel's name in model.c (tables are named after it).
ParamsInit KernelParams(const plan::DeviceKernel& d, const std::string& name, const KernelArrays& a) {
  const void* p = d.kernel.params;
  const lower::LoweredOp& l = d.lowered;
  ParamsInit init;
  Fields& f = init.fields;
  if (p == nullptr) return init;
  if (p == &l.float_io) {
    init.type = "msf_float_io_params";
    f.AddRaw("scale", CFloat(l.float_io.scale)).Add("zero_point", l.float_io.zero_point);
  } else if (p == &d.resize) {
    const msf_resize_params& c = d.resize;
    init.type = "msf_resize_params";
    init.tables.push_back({name + "_src_y", l.resize_src_y});
    init.tables.push_back({name + "_src_x", l.resize_src_x});
    f.Add("in_h", c.in_h).Add("in_w", c.in_w).Add("out_h", c.out_h).Add("out_w", c.out_w).Add("c", c.c);
    f.AddRaw("src_y", name + "_src_y").AddRaw("src_x", name + "_src_x");
  } else if (d.part >= 0 && p == &l.concat_parts[static_cast<size_t>(d.part)]) {
    const msf_concat_part_params& c = l.concat_parts[static_cast<size_t>(d.part)];
    init.type = "msf_concat_part_params";
    f.Add("outer_size", c.outer_size).Add("in_block", c.in_block).Add("out_stride", c.out_stride);
    f.Add("out_offset", c.out_offset);
  } else if (p == &l.mul) {
    init.type = "msf_mul_params";
    f = MulFields(l.mul);
  } else if (p == &l.mul_4d) {
    const msf_mul_4d_params& c = l.mul_4d;
    init.type = "msf_mul_4d_params";
    f.AddRaw("mul", CWriter::Braced(MulFields(c.mul)));
    f.AddRaw("in1_shape", CIntList(c.in1_shape, 4)).AddRaw("in2_shape", CIntList(c.in2_shape, 4));
    f.AddRaw("out_shape", CIntList(c.out_shape, 4));
  } else if (p == &l.logistic) {
    const msf_logistic_params& c = l.logistic;
    init.type = "msf_logistic_params";
    f.Add("input_zero_point", c.input_zero_point).Add("input_range_radius", c.input_range_radius);
    f.Add("input_multiplier", c.input_multiplier).Add("input_left_shift", c.input_left_shift);
  } else if (p == &l.hard_swish) {
    const msf_hard_swish_params& c = l.hard_swish;
    init.type = "msf_hard_swish_params";
    f.Add("input_zero_point", c.input_zero_point).Add("output_zero_point", c.output_zero_point);
    f.Add("reluish_multiplier_fixedpoint_int16", c.reluish_multiplier_fixedpoint_int16);
    f.Add("output_multiplier_fixedpoint_int16", c.output_multiplier_fixedpoint_int16);
    f.Add("reluish_multiplier_exponent", c.reluish_multiplier_exponent);
    f.Add("output_multiplier_exponent", c.output_multiplier_exponent);
  } else if (p == &l.read_input) {
    init.type = "msf_read_input_params";
    f.Add("input", l.read_input.input);
  } else if (p == &l.transpose) {
    init.type = "msf_transpose_params";
    f.AddRaw("in_shape", CIntList(l.transpose.in_shape, 4)).AddRaw("perm", CIntList(l.transpose.perm, 4));
  } else if (p == &l.conv) {
    const msf_conv_params& c = l.conv;
    init.type = "msf_conv_params";
    f.Add("in_h", c.in_h).Add("in_w", c.in_w).Add("in_c", c.in_c).Add("out_c", c.out_c);
    f.Add("kernel_h", c.kernel_h).Add("kernel_w", c.kernel_w).Add("stride_h", c.stride_h).Add("stride_w", c.stride_w);
    f.Add("dilation_h", c.dilation_h).Add("dilation_w", c.dilation_w).Add("pad_top", c.pad_top);
    f.Add("pad_left", c.pad_left).Add("depth_multiplier", c.depth_multiplier).Add("input_offset", c.input_offset);
    f.Add("output_offset", c.output_offset).Add("act_min", c.act_min).Add("act_max", c.act_max);
    f.AddRaw("wide_weights", a.wide ? Cat({"msf_", name, "_wide"}) : "0");
  } else if (p == &l.pool) {
    const msf_pool_params& c = l.pool;
    init.type = "msf_pool_params";
    f.Add("in_h", c.in_h).Add("in_w", c.in_w).Add("c", c.c).Add("filter_h", c.filter_h).Add("filter_w", c.filter_w);
    f.Add("stride_h", c.stride_h).Add("stride_w", c.stride_w).Add("pad_top", c.pad_top).Add("pad_left", c.pad_left);
    f.Add("act_min", c.act_min).Add("act_max", c.act_max);
  } else if (p == &d.pad) {
    const msf_pad_params& c = d.pad;
    init.type = "msf_pad_params";
    f.Add("in_h", c.in_h).Add("in_w", c.in_w).Add("pad_top", c.pad_top).Add("pad_left", c.pad_left);
    f.Add("pad_value", c.pad_value);
  } else if (p == &l.add) {
    const msf_add_params& c = l.add;
    init.type = "msf_add_params";
    f.Add("input1_offset", c.input1_offset).Add("input2_offset", c.input2_offset);
    f.Add("output_offset", c.output_offset).Add("left_shift", c.left_shift);
    f.Add("input1_multiplier", c.input1_multiplier).Add("input1_shift", c.input1_shift);
    f.Add("input2_multiplier", c.input2_multiplier).Add("input2_shift", c.input2_shift);
    f.Add("output_multiplier", c.output_multiplier).Add("output_shift", c.output_shift);
    f.Add("act_min", c.act_min).Add("act_max", c.act_max);
  } else if (p == &l.requantize) {
    const msf_requantize_params& c = l.requantize;
    init.type = "msf_requantize_params";
    f.Add("input_zero_point", c.input_zero_point).Add("output_zero_point", c.output_zero_point);
    f.Add("multiplier", c.multiplier).Add("shift", c.shift);
  } else if (p == &l.fc) {
    const msf_fc_params& c = l.fc;
    init.type = "msf_fc_params";
    f.Add("in_features", c.in_features).Add("out_features", c.out_features).Add("input_offset", c.input_offset);
    f.Add("filter_offset", c.filter_offset).Add("output_offset", c.output_offset);
    f.Add("act_min", c.act_min).Add("act_max", c.act_max);
  } else if (p == &l.mean) {
    const msf_mean_params& c = l.mean;
    init.type = "msf_mean_params";
    f.Add("h", c.h).Add("w", c.w).Add("c", c.c).Add("input_zero_point", c.input_zero_point);
    f.Add("output_zero_point", c.output_zero_point).Add("multiplier", c.multiplier).Add("shift", c.shift);
    f.Add("same_quant", c.same_quant);
  } else if (p == &l.softmax) {
    const msf_softmax_params& c = l.softmax;
    init.type = "msf_softmax_params";
    f.Add("input_multiplier", c.input_multiplier).Add("input_left_shift", c.input_left_shift);
    f.Add("diff_min", c.diff_min).Add("rows", c.rows).Add("depth", c.depth);
  } else {
    throw Error("internal: a kernel's params point outside its lowered op");
  }
  return init;
}

class ModelTables {
 public:
  explicit ModelTables(const CFileContext& c)
      : c_(c), g_(c.graph), dp_(c.plan), dsp_(HasDspKernels(c.options.target)) {}

  std::string Source() const {
    CWriter w;
    w.Line("#include \"model.h\"");
    w.Line("#include \"model_weights.h\"");
    w.Line("#include \"msf_rt/msf_plan.h\"");
    EmitKernels(&w);
    const auto& steps = dp_.steps();
    for (size_t s = 0; s < steps.size(); ++s) EmitStepTables(&w, s);
    EmitSteps(&w);
    const msf_plan& rt = dp_.runtime_plan();
    w.Line();
    w.Initializer("static const msf_plan plan =",
                  Fields()
                      .AddRaw("steps", "steps")
                      .Add("num_steps", rt.num_steps)
                      .Add("arena_bytes", rt.arena_bytes)
                      .Add("num_inputs", rt.num_inputs)
                      .Add("num_outputs", rt.num_outputs));
    w.Line();
    const bool extern_arena = c_.options.arena == ArenaOwner::kExtern;
    if (extern_arena) {
      w.Comment("The arena is the caller's (--arena extern): MSF_MODEL_ARENA_BYTES bytes, aligned to 4.");
      w.Open("int msf_model_invoke(const int8_t *in, int8_t *out, uint8_t *arena)");
      w.Line("if (((uintptr_t)arena & (MSF_MODEL_ARENA_ALIGN - 1u)) != 0u) return (int)MSF_ARG_ERROR;");
    } else {
      w.Comment("One static arena holds every activation, tile, sum and scratch buffer of the plan.");
      w.Line("static uint8_t arena[" + CInt(std::max<int32_t>(rt.arena_bytes, 1)) + "] __attribute__((aligned(4)));");
      w.Line();
      w.Open("int msf_model_invoke(const int8_t *in, int8_t *out)");
    }
    if (g_.inputs.size() == 1 && g_.outputs.size() == 1) {
      w.Line("return (int)msf_run_plan(&plan, in, out, arena);");
    } else {
      // The caller's tensors are the byte strings `in` and `out` cut at the
      // tensors' offsets (graph order), as MSF_MODEL_*_BYTES describe them.
      std::vector<std::string> ins, outs;
      int64_t at = 0;
      for (ir::TensorId t : g_.inputs) {
        ins.push_back("in + " + CInt(at));
        at += g_.tensor(t).Bytes();
      }
      at = 0;
      for (ir::TensorId t : g_.outputs) {
        outs.push_back("out + " + CInt(at));
        at += g_.tensor(t).Bytes();
      }
      w.Line("const void *inputs[" + std::to_string(ins.size()) + "] = {" + Join(ins) + "};");
      w.Line("void *outputs[" + std::to_string(outs.size()) + "] = {" + Join(outs) + "};");
      w.Line("return (int)msf_run_plan_io(&plan, inputs, outputs, arena);");
    }
    w.Close();
    if (g_.input_mode != ir::InputMode::kResident) {
      w.Line();
      w.Comment("The same with the input read row by row through read_rows (no input tensor).");
      w.Open(extern_arena ? "int msf_model_invoke_stream(msf_read_rows_fn read_rows, void *ctx, int8_t *out, uint8_t *arena)"
                          : "int msf_model_invoke_stream(msf_read_rows_fn read_rows, void *ctx, int8_t *out)");
      if (extern_arena) w.Line("if (((uintptr_t)arena & (MSF_MODEL_ARENA_ALIGN - 1u)) != 0u) return (int)MSF_ARG_ERROR;");
      std::vector<std::string> outs;
      int64_t at = 0;
      for (ir::TensorId t : g_.outputs) {
        outs.push_back("out + " + CInt(at));
        at += g_.tensor(t).Bytes();
      }
      w.Line("void *outputs[" + std::to_string(outs.size()) + "] = {" + Join(outs) + "};");
      w.Line("return (int)msf_run_plan_stream(&plan, read_rows, ctx, outputs, arena);");
      w.Close();
    }
    return FileHeader(c_,
                      "The plan as runtime descriptor tables, run by msf_run_plan() (runtime/src/msf_plan_exec.c).") +
           Summary(rt) + w.text();
  }

 private:
  std::string Summary(const msf_plan& p) const {
    CWriter w;
    int fused = 0;
    for (const msf_step& st : dp_.steps()) fused += st.fused ? 1 : 0;
    w.Comment(std::to_string(p.num_steps) + " steps (" + std::to_string(fused) + " fused), " +
              std::to_string(dp_.kernels().size()) + " kernels, arena " + std::to_string(p.arena_bytes) + " bytes");
    return w.text();
  }

  size_t KernelIndex(const msf_kernel* k) const { return dp_.KernelIndex(k); }

  void EmitKernels(CWriter* w) const {
    const auto& kernels = dp_.kernels();
    w->Line();
    w->Comment("Kernel parameters: one struct per graph op.");
    for (size_t k = 0; k < kernels.size(); ++k) {
      const ParamsInit p = KernelParams(kernels[k], KernelName(k), ArraysOf(kernels[k], dsp_));
      if (p.type == nullptr) continue;
      for (const auto& [table, values] : p.tables) {
        w->IntArray("static const int32_t " + table + "[" + std::to_string(values.size()) + "] =", values);
      }
      w->Initializer("static const " + std::string(p.type) + " " + KernelName(k) + "_params =", p.fields);
    }
    w->Line();
    w->Open("static const msf_kernel kernels[" + std::to_string(kernels.size()) + "] =");
    for (size_t k = 0; k < kernels.size(); ++k) {
      const plan::DeviceKernel& d = kernels[k];
      const msf_kernel& kn = d.kernel;
      const KernelArrays a = ArraysOf(d, dsp_);
      const ParamsInit p = KernelParams(d, KernelName(k), a);
      const std::string n = "msf_" + KernelName(k);
      w->Comment(KernelName(k) + ": " + OpText(g_, d.op));
      Fields requant;
      requant.AddRaw("multiplier", a.multiplier ? n + "_multiplier" : "0")
          .AddRaw("shift", a.shift ? n + "_shift" : "0")
          .Add("per_channel", kn.requant.per_channel)
          .Add("verified", kn.requant.verified);
      Fields f;
      f.AddRaw("kind", KernelKindName(kn.kind))
          .AddRaw("params", p.type ? Cat({"&", KernelName(k), "_params"}) : "0")
          .AddRaw("requant", CWriter::Braced(requant))
          .AddRaw("weights", a.weights ? n + "_weights" : "0")
          .AddRaw("bias", a.bias ? n + "_bias" : "0")
          .AddRaw("eff_bias", a.eff_bias ? n + "_eff_bias" : "0")
          .Add("count", kn.count);
      w->Initializer("", f, ",");
    }
    w->Close("};");
  }

  static std::string OpInit(const msf_step_op& op, size_t kernel) {
    return CWriter::Braced(Fields()
                               .AddRaw("kernel", Cat({"&kernels[", std::to_string(kernel), "]"}))
                               .AddRaw("in", Cat({"{", CInt(op.in[0]), ", ", CInt(op.in[1]), "}"}))
                               .Add("out", op.out));
  }

  void EmitOps(CWriter* w, const std::string& name, const std::vector<msf_step_op>& ops) const {
    w->Open("static const msf_step_op " + name + "[" + std::to_string(ops.size()) + "] =");
    for (size_t i = 0; i < ops.size(); ++i) {
      const size_t k = KernelIndex(ops[i].kernel);
      w->Line(OpInit(ops[i], k) + ", /* " + std::to_string(i) + ": " + CText(OpText(g_, dp_.kernels()[k].op)) +
              " */");
    }
    w->Close("};");
  }

  void EmitStepTables(CWriter* w, size_t s) const {
    const plan::DeviceStep& d = dp_.device_steps()[s];
    const msf_step& st = dp_.steps()[s];
    const std::string n = StepName(s);
    w->Line();
    std::string what = "step " + std::to_string(s) + ": ";
    if (st.fused) {
      what += "fused, " + std::to_string(d.ops.size()) + " ops, " + std::to_string(st.row_patches) + "x" +
              std::to_string(st.col_patches) + " patches" + (st.row_actions ? ", rows streamed" : "") +
              (st.col_actions ? ", columns streamed" : "");
      if (st.head_kind != MSF_HEAD_NONE) what += ", global pool head";
    } else {
      what += "layer";
    }
    w->Comment(what);
    w->Open("static const msf_slot " + n + "_slots[" + std::to_string(d.slots.size()) + "] =");
    for (size_t i = 0; i < d.slots.size(); ++i) {
      const msf_slot& sl = d.slots[i];
      Fields f;
      f.AddRaw("offset", SlotOffset(sl.offset)).Add("h", sl.h).Add("w", sl.w).Add("c", sl.c);
      f.Add("ring_y", sl.ring_y).Add("ring_x", sl.ring_x).Add("whole", sl.whole);
      w->Line(CWriter::Braced(f) + ", /* " + std::to_string(i) + " */");
    }
    w->Close("};");
    EmitOps(w, n + "_ops", d.ops);
    if (!d.head_ops.empty()) EmitOps(w, n + "_head_ops", d.head_ops);
    const auto intervals = [&](const std::string& name, const std::vector<msf_interval>& v, const char* note) {
      if (v.empty()) return;
      w->Comment(note);
      std::vector<std::string> items;
      for (const msf_interval& iv : v) items.push_back(Cat({"{", CInt(iv.lo), ", ", CInt(iv.hi), "}"}));
      w->List("static const msf_interval " + name + "[" + std::to_string(v.size()) + "] =", items);
    };
    intervals(n + "_row_need", d.row_need, "rows [lo, hi) each slot needs per patch: [slot * row_patches + patch]");
    intervals(n + "_col_need", d.col_need, "columns [lo, hi) each slot needs per patch: [slot * col_patches + patch]");
    const auto actions = [&](const std::string& name, const std::vector<msf_action>& v, const char* note) {
      if (v.empty()) return;
      w->Comment(note);
      std::vector<std::string> items;
      for (const msf_action& a : v) {
        items.push_back(Cat({"{", CInt(a.op), ", {", CInt(a.cells.lo), ", ", CInt(a.cells.hi), "}}"}));
      }
      w->List("static const msf_action " + name + "[" + std::to_string(v.size()) + "] =", items);
    };
    actions(n + "_row_actions", d.row_actions, "streamed rows: {op, rows [lo, hi)} in order");
    actions(n + "_col_actions", d.col_actions, "streamed columns: {op, columns [lo, hi)} in order");
  }

  std::string HeadMean(const msf_step& st) const {
    if (st.head_mean == nullptr) return "0";
    const auto& kernels = dp_.kernels();
    for (size_t k = 0; k < kernels.size(); ++k) {
      if (kernels[k].kernel.params == st.head_mean) return Cat({"&", KernelName(k), "_params"});
    }
    throw Error("internal: a fused step's MEAN head is not a kernel's params");
  }

  void EmitSteps(CWriter* w) const {
    const auto& steps = dp_.steps();
    w->Line();
    w->Open("static const msf_step steps[" + std::to_string(steps.size()) + "] =");
    for (size_t s = 0; s < steps.size(); ++s) {
      const msf_step& st = steps[s];
      const plan::DeviceStep& d = dp_.device_steps()[s];
      const std::string n = StepName(s);
      // The tables' pointers must be exactly the ones DevicePlan set.
      const auto table = [&](const void* ptr, const void* data, const std::string& name) -> std::string {
        if (ptr == nullptr) return "0";
        if (ptr != data) throw Error("internal: step " + std::to_string(s) + " points outside its tables");
        return name;
      };
      Fields f;
      f.Add("fused", st.fused)
          .AddRaw("slots", table(st.slots, d.slots.data(), n + "_slots"))
          .Add("num_slots", st.num_slots)
          .AddRaw("ops", table(st.ops, d.ops.data(), n + "_ops"))
          .Add("num_ops", st.num_ops)
          .Add("out_slot", st.out_slot)
          .Add("row_patches", st.row_patches)
          .Add("col_patches", st.col_patches)
          .AddRaw("row_need", table(st.row_need, d.row_need.data(), n + "_row_need"))
          .AddRaw("col_need", table(st.col_need, d.col_need.data(), n + "_col_need"))
          .AddRaw("row_actions", table(st.row_actions, d.row_actions.data(), n + "_row_actions"))
          .AddRaw("col_actions", table(st.col_actions, d.col_actions.data(), n + "_col_actions"))
          .Add("num_row_actions", st.num_row_actions)
          .Add("num_col_actions", st.num_col_actions)
          .AddRaw("head_kind", HeadKindName(st.head_kind))
          .Add("sums_offset", st.sums_offset)
          .Add("head_count", st.head_count)
          .Add("head_act_min", st.head_act_min)
          .Add("head_act_max", st.head_act_max)
          .AddRaw("head_mean", HeadMean(st))
          .Add("pooled_slot", st.pooled_slot)
          .AddRaw("head_ops", table(st.head_ops, d.head_ops.data(), n + "_head_ops"))
          .Add("num_head_ops", st.num_head_ops)
          .Add("scratch_offset", st.scratch_offset)
          .Add("row_reader", st.row_reader);
      w->Comment("step " + std::to_string(s));
      w->Initializer("", f, ",");
    }
    w->Close("};");
  }

  const CFileContext& c_;
  const ir::Graph& g_;
  const plan::DevicePlan& dp_;
  const bool dsp_;  // the target's kernels read the host-widened weights
};

}  // namespace

std::string ModelSourceFile(const CFileContext& c) { return ModelTables(c).Source(); }

}  // namespace msf::codegen
