// SPDX-License-Identifier: MIT
// The latency model: its JSON form, the calibrations compiled into msf (the
// same as calibration/*.json), its arithmetic, the instruction DAG, the
// kernels' window counts it is fed with, and the NNLS fit.
#include "cost/latency_model.h"
#include "search/instruction_dag.h"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <numeric>
#include <string>

#include "calib/bench_graph.h"
#include "calib/nnls.h"
#include "base/error.h"
#include "search/exact_dag.h"
#include "step/step_memory.h"
#include "frontend/model_loader.h"
#include "lower/lowering.h"

namespace msf {
namespace {

TEST(LatencyModel, BuiltinCalibrationsAreTheRepositoryFiles) {
  for (const std::string& target : cost::CalibratedTargets()) {
    const cost::LatencyModel builtin = cost::BuiltinLatencyModel(target);
    const cost::LatencyModel file =
        cost::ReadLatencyModelFile(std::string(MSF_SOURCE_DIR) + "/calibration/" + target + ".json");
    EXPECT_EQ(builtin.target, target);
    EXPECT_EQ(builtin.Coefficients(), file.Coefficients()) << target << ": rebuild msf after make calibrate";
    // A 1x1 convolution costs something per output element. (At K = 8 its MACs
    // per output element are fixed, so the fit may put their cost in per_tap.)
    const size_t conv = 1;  // MSF_KERNEL_CONV
    EXPECT_GT(builtin.kernel[conv].per_mac + builtin.kernel[conv].per_tap, 0) << target;
    EXPECT_NE(builtin.note.find("msf calibrate"), std::string::npos) << target;
  }
  EXPECT_THROW(cost::BuiltinLatencyModel("host"), Error);
}

TEST(LatencyModel, JsonRoundTrips) {
  cost::LatencyModel m = cost::BuiltinLatencyModel("rv32imac");
  std::vector<double> c(m.Coefficients().size());
  for (size_t i = 0; i < c.size(); ++i) c[i] = 0.25 * static_cast<double>(i);
  m.SetCoefficients(c);
  const cost::LatencyModel back = cost::LatencyModelFromJson(cost::LatencyModelToJson(m));
  EXPECT_EQ(back.Coefficients(), c);
  EXPECT_EQ(back.target, "rv32imac");
  EXPECT_EQ(cost::LatencyModel::FeatureNames().size(), c.size());
}

TEST(LatencyModel, BadJsonIsOneLineError) {
  const std::string good = cost::LatencyModelToJson(cost::BuiltinLatencyModel("cortex-m4"));
  const auto replaced = [&](const std::string& from, const std::string& to) {
    std::string s = good;
    const size_t at = s.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return s.replace(at, from.size(), to);
  };
  for (const std::string& bad : {std::string("{"), std::string("[]"), replaced("\"unit\": \"instructions\"", "\"unit\": \"cycles\""),
                                 replaced("\"per_invoke\"", "\"per_invoice\""), replaced("\"conv\"", "\"convolution\""),
                                 replaced("\"per_invoke\": ", "\"per_invoke\": -")}) {
    try {
      cost::LatencyModelFromJson(bad);
      ADD_FAILURE() << "accepted: " << bad.substr(0, 80);
    } catch (const Error& e) {
      EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << e.what();
      EXPECT_EQ(std::string(e.what()).rfind("invalid latency model", 0), 0u) << e.what();
    }
  }
}

TEST(LatencyModel, CalibrationsWithoutTheNewerTermsPredictWithoutThem) {
  // Models fitted before per_wide_byte, per_loop_mac, per_k16_mac and
  // per_border_byte existed read 0 for them.
  cost::LatencyModel full = cost::BuiltinLatencyModel("cortex-m4");
  for (cost::KernelCost& k : full.kernel) k.per_wide_byte = 1, k.per_loop_mac = 2, k.per_k16_mac = 3, k.per_border_byte = 4;
  nlohmann::json j = nlohmann::json::parse(cost::LatencyModelToJson(full));
  for (auto& [family, fields] : j["kernels"].items()) {
    fields.erase("per_wide_byte"), fields.erase("per_loop_mac"), fields.erase("per_k16_mac"), fields.erase("per_border_byte");
  }
  const std::string text = j.dump();
  for (const char* field : {"per_wide_byte", "per_loop_mac", "per_k16_mac", "per_border_byte"}) {
    ASSERT_EQ(text.find(field), std::string::npos) << field;
  }
  const cost::LatencyModel m = cost::LatencyModelFromJson(text);
  for (const cost::KernelCost& k : m.kernel) {
    EXPECT_EQ(k.per_wide_byte + k.per_loop_mac + k.per_k16_mac + k.per_border_byte, 0);
  }
  EXPECT_EQ(m.kernel[1].per_mac, full.kernel[1].per_mac);
}

TEST(LatencyModel, PredictionIsTheLinearForm) {
  cost::LatencyModel m;
  m.per_layer_step = 100, m.per_fused_step = 300, m.per_iteration = 7;
  m.kernel[1] = {2, 3, 5, 11, 13, 37, 41, 53, 61, 67, 71, 89, 101, 107, 113};    // conv
  m.kernel[2] = {17, 19, 23, 29, 31, 43, 47, 59, 73, 79, 83, 97, 103, 109, 127};  // depthwise
  step::StepWork w;
  w.executed_macs[1] = 1000, w.taps[1] = 100, w.tap_rows[1] = 30, w.out_bytes[1] = 10, w.calls[1] = 2;
  w.pixels[1] = 5, w.border_pixels[1] = 3, w.tail_elems[1] = 8, w.lines[1] = 4, w.lone_macs[1] = 9;
  w.clamp_bytes[1] = 12, w.wide_bytes[1] = 15, w.loop_macs[1] = 600, w.k16_macs[1] = 320;
  w.border_bytes[1] = 24;
  w.executed_macs[2] = 90, w.taps[2] = 90, w.tap_rows[2] = 30, w.out_bytes[2] = 10, w.calls[2] = 4;
  w.pixels[2] = 7, w.border_pixels[2] = 1, w.tail_elems[2] = 6, w.lines[2] = 3, w.lone_macs[2] = 2;
  w.clamp_bytes[2] = 14, w.wide_bytes[2] = 16, w.loop_macs[2] = 7, w.k16_macs[2] = 5;
  w.border_bytes[2] = 18;
  w.calls[0] = 6;
  w.macs[1] = 999999;  // nominal MACs (padding included) are not a feature
  const double conv = 2 * 1000 + 3 * 100 + 5 * 30 + 11 * 10 + 13 * 2 + 37 * 5 + 41 * 3 + 53 * 8 + 61 * 4 + 67 * 9 +
                      71 * 12 + 89 * 15 + 101 * 600 + 107 * 320 + 113 * 24;
  const double dw = 17 * 90 + 19 * 90 + 23 * 30 + 29 * 10 + 31 * 4 + 43 * 7 + 47 * 1 + 59 * 6 + 73 * 3 + 79 * 2 +
                    83 * 14 + 97 * 16 + 103 * 7 + 109 * 5 + 127 * 18;
  EXPECT_DOUBLE_EQ(m.PredictStep(w, step::StepKind::kLayer), 100 + conv + dw + 7 * 6);
  EXPECT_DOUBLE_EQ(m.PredictStep(w, step::StepKind::kFused), 300 + conv + dw + 7 * 6);
}

TEST(LatencyModel, InstructionDagHoldsPredictions) {
  const ir::Graph g = frontend::LoadModel("zoo:mcunet-vww-5fps-r80");
  const search::FusionDag dag = search::BuildExactDag(g);
  const cost::LatencyModel m = cost::BuiltinLatencyModel("rv32imac");
  const search::FusionDag idag = search::InstructionDag(dag, m);
  ASSERT_EQ(idag.edges.size(), dag.edges.size());
  int64_t vanilla = 0;
  for (size_t i = 0; i < dag.edges.size(); ++i) {
    EXPECT_EQ(idag.edges[i].ram_bytes, dag.edges[i].ram_bytes);
    EXPECT_EQ(idag.edges[i].macs, std::llround(m.PredictStep(dag.edges[i].work, dag.edges[i].kind)));
    if (dag.edges[i].kind == step::StepKind::kLayer) vanilla += idag.edges[i].macs;
  }
  EXPECT_EQ(idag.vanilla_macs, vanilla);
  EXPECT_NEAR(static_cast<double>(vanilla) + m.per_invoke, cost::PredictVanilla(g, m), 1.0 * g.ops.size());
}

// In-input taps and rows of one layer op, counted pixel by pixel.
struct BruteWindow {
  int64_t taps = 0, rows = 0, pixels = 0, border = 0;
};
BruteWindow CountWindow(int in, int out, int k, int s, int pad, int64_t channels) {
  BruteWindow b;
  for (int oy = 0; oy < out; ++oy) {
    for (int ox = 0; ox < out; ++ox) {
      const int64_t taps_before = b.taps;
      ++b.pixels;
      for (int ky = 0; ky < k; ++ky) {
        const int iy = oy * s - pad + ky;
        if (iy < 0 || iy >= in) continue;
        b.rows += channels;
        for (int kx = 0; kx < k; ++kx) {
          const int ix = ox * s - pad + kx;
          b.taps += (ix >= 0 && ix < in) ? channels : 0;
        }
      }
      if (b.taps - taps_before != int64_t{k} * k * channels) ++b.border;
    }
  }
  return b;
}

TEST(LatencyWork, LayerWindowCountsSkipPadding) {
  ir::GraphBuilder b = calib::BenchGraphBuilder("window", {1, 7, 7, 3}, 1);
  b.Conv(5, 3, 2).Depthwise(5, 1);
  const ir::Graph g = calib::TakeBenchGraph(b);
  const step::GraphLiveness live = step::ComputeLiveness(g);
  for (int32_t op = 0; op < 2; ++op) {
    const step::StepSpec spec{op, op + 1, step::StepKind::kLayer, step::Variant::kNone, 0, 0};
    const step::StepWork w = step::StepWorkOf(g, live, *step::DescribeStep(g, live, spec), spec);
    // a 3x3 convolution runs the window path, a 5x5 depthwise is off the
    // unrolled 3x3 path: each its own work kind
    const size_t k = static_cast<size_t>(op == 0 ? step::kWorkConvKxk : step::kWorkDepthwiseGeneral);
    const BruteWindow expect = op == 0 ? CountWindow(7, 4, 3, 2, 1, 5) : CountWindow(4, 4, 5, 1, 2, 5);
    EXPECT_EQ(w.taps[k], expect.taps) << op;
    EXPECT_EQ(w.tap_rows[k], expect.rows) << op;
    EXPECT_EQ(w.pixels[k], expect.pixels) << op;
    EXPECT_EQ(w.border_pixels[k], expect.border) << op;
    EXPECT_EQ(w.border_bytes[k], expect.border * 5) << op;  // 5 output channels
    EXPECT_GT(w.border_pixels[k], 0) << op;
    // tails: conv rows of 3 taps x 3 channels = 9 elements -> 1 scalar; depthwise 5 channels -> 1
    EXPECT_EQ(w.tail_elems[k], op == 0 ? expect.rows * 1 : expect.taps / 5 * 1) << op;
    EXPECT_EQ(w.executed_macs[k], op == 0 ? expect.taps * 3 : expect.taps) << op;
    EXPECT_LT(w.executed_macs[k], w.macs[k]) << "padding taps are skipped";
    EXPECT_EQ(w.calls[k], 1);
  }
}

TEST(LatencyWork, FusedWindowCountsCoverRecomputation) {
  ir::GraphBuilder b = calib::BenchGraphBuilder("fused", {1, 12, 12, 4}, 2);
  b.Conv(8, 1, 1).Depthwise(3, 1).Conv(4, 1, 1, ir::Activation::kNone);
  const ir::Graph g = calib::TakeBenchGraph(b);
  const step::GraphLiveness live = step::ComputeLiveness(g);
  const step::StepSpec layer{1, 2, step::StepKind::kLayer, step::Variant::kNone, 0, 0};
  const step::StepWork lw = step::StepWorkOf(g, live, *step::DescribeStep(g, live, layer), layer);
  for (step::Variant v : {step::Variant::kRecompute, step::Variant::kHCache, step::Variant::kLineBuffer}) {
    const step::StepSpec spec{0, 3, step::StepKind::kFused, v, 2, 2};
    const std::optional<step::StepMemory> m = step::DescribeStep(g, live, spec);
    ASSERT_TRUE(m.has_value());
    const step::StepWork w = step::StepWorkOf(g, live, *m, spec);
    // Depthwise: every tap of a computed cell that is inside the map; at
    // least the layer's (recomputation adds), and MACs = taps.
    EXPECT_GE(w.taps[2], lw.taps[2]) << step::VariantName(v);
    EXPECT_EQ(w.executed_macs[2], w.taps[2]);
    EXPECT_EQ(w.executed_macs[1], w.macs[1]) << "1x1 convolutions have no padding";
    if (v == step::Variant::kLineBuffer) {
      EXPECT_EQ(w.taps[2], lw.taps[2]) << "line buffers recompute nothing";
    }
  }
}

TEST(LatencyWork, LinesLonePixelsAndClamps) {
  // 7x7 output: convolutions walk it row by row (7 lines; the unpadded
  // pool's 5x5 output, 5); 49 interior pixels of the 1x1 convolution pair
  // up but one; the 3x3 one has 5x5 interior pixels, an odd count too.
  ir::GraphBuilder b = calib::BenchGraphBuilder("lines", {1, 7, 7, 32}, 3, calib::BenchStage::kClamped);
  b.Conv(6, 1, 1).Conv(5, 3, 1, ir::Activation::kNone).Pool(ir::OpKind::kMaxPool2D, 3, 1);
  const ir::Graph g = calib::TakeBenchGraph(b);
  const step::GraphLiveness live = step::ComputeLiveness(g);
  const auto work = [&](const step::StepSpec& spec) {
    return step::StepWorkOf(g, live, *step::DescribeStep(g, live, spec), spec);
  };
  const size_t conv = 1, kxk = step::kWorkConvKxk, pool = 4;  // MSF_KERNEL_MAX_POOL
  for (int32_t op = 0; op < 3; ++op) {
    const step::StepWork w = work({op, op + 1, step::StepKind::kLayer, step::Variant::kNone, 0, 0});
    const size_t k = op == 0 ? conv : op == 1 ? kxk : pool;
    EXPECT_EQ(w.lines[k], op == 2 ? 5 : 7) << op;
    EXPECT_EQ(w.lone_macs[k], op == 0 ? 32 * 6 : op == 1 ? 9 * 6 * 5 : 0) << op;
    // ReLU6 outputs at a scale above 6/255 (zero point -128) clamp
    // two-sided; a linear convolution saturates to int8 only.
    EXPECT_EQ(w.clamp_bytes[k], op == 0 ? 7 * 7 * 6 : 0) << op;
  }
  // An hcache block with 3-row patches calls the convolutions on cells of
  // one column (or a few, where the stream starts) and 3 or more rows:
  // they walk columns, far fewer lines than rows; the pool walks the rows.
  const step::StepSpec spec{0, 3, step::StepKind::kFused, step::Variant::kHCache, 3, 3};
  const step::StepWork w = work(spec);
  EXPECT_GE(w.lines[conv], w.calls[conv]);
  EXPECT_LT(w.lines[conv] * 2, w.pixels[conv]);
  EXPECT_GT(w.lines[pool], w.calls[pool]);
}

TEST(LatencyWork, WideRequantisationBytes) {
  // The same layers on each output stage (calib::BenchStage): every shift a
  // right shift (narrow), channel 0's multiplier at 1 (a left shift: wide),
  // a ReLU6 range narrower than int8 (clamped). Lowering decides the path,
  // the work counts follow; clamped bytes count as clamps only.
  for (calib::BenchStage stage : {calib::BenchStage::kNarrow, calib::BenchStage::kWide, calib::BenchStage::kClamped}) {
    const bool wide = stage == calib::BenchStage::kWide, clamps = stage == calib::BenchStage::kClamped;
    ir::GraphBuilder b = calib::BenchGraphBuilder("wide", {1, 8, 8, 8}, 4, stage);
    b.Conv(16, 1, 1, ir::Activation::kNone).Depthwise(3, 1, 1, ir::Activation::kNone).Conv(40, 1, 1);
    const ir::Graph g = calib::TakeBenchGraph(b);
    const step::GraphLiveness live = step::ComputeLiveness(g);
    for (int32_t op = 0; op < 3; ++op) {
      const lower::LoweredOp l = lower::Lower(g, g.ops[static_cast<size_t>(op)]);
      EXPECT_EQ(l.NarrowRequantPath(), !wide) << op;
      EXPECT_EQ(live.wide_requant[static_cast<size_t>(op)], wide ? 1 : 0) << op;
      const step::StepSpec spec = step::LayerStep(op);
      const step::StepWork w = step::StepWorkOf(g, live, *step::DescribeStep(g, live, spec), spec);
      const size_t k = op == 1 ? 2 : 1;  // depthwise, conv
      const int64_t bytes = g.tensor(g.ops[static_cast<size_t>(op)].output()).Bytes();
      ASSERT_EQ(w.out_bytes[k], bytes);
      const bool clamped = clamps && op == 2;  // the ReLU6 layer
      EXPECT_EQ(w.clamp_bytes[k], clamped ? bytes : 0) << op;
      EXPECT_EQ(w.wide_bytes[k], wide ? bytes : 0) << op;
    }
    // A fused block counts the bytes of every computed cell: the depthwise
    // halos recompute the first convolution's.
    const step::StepSpec fused{0, 3, step::StepKind::kFused, step::Variant::kRecompute, 2, 2};
    const step::StepWork w = step::StepWorkOf(g, live, *step::DescribeStep(g, live, fused), fused);
    EXPECT_GT(w.out_bytes[1], 8 * 8 * (16 + 40));
    EXPECT_EQ(w.clamp_bytes[1], clamps ? 8 * 8 * 40 : 0);
    EXPECT_EQ(w.wide_bytes[1], wide ? w.out_bytes[1] : 0);
    EXPECT_EQ(w.wide_bytes[2], wide ? w.out_bytes[2] : 0);
  }
}

TEST(LatencyWork, LoopMacsOfConvolutionsWithoutFixedLengthPairs) {
  // The runtime's pixel pairs run unrolled for 1x1 over 8 or 16 channels and
  // for the full-range 3x3 stem over 3; every other convolution loops, and so
  // do the stem's border pixels. K = 16 has its own term.
  struct Case {
    int32_t in_c, k;
    calib::BenchStage stage;
    bool loops;
  };
  for (const Case& c : {Case{8, 1, calib::BenchStage::kNarrow, false}, Case{16, 1, calib::BenchStage::kClamped, false},
                        Case{12, 1, calib::BenchStage::kNarrow, true}, Case{3, 3, calib::BenchStage::kNarrow, false},
                        Case{3, 3, calib::BenchStage::kClamped, true}, Case{4, 3, calib::BenchStage::kNarrow, true}}) {
    ir::GraphBuilder b = calib::BenchGraphBuilder("loops", {1, 6, 6, c.in_c}, 5, c.stage);
    b.Conv(6, c.k, 1).Depthwise(3, 1);
    const ir::Graph g = calib::TakeBenchGraph(b);
    const step::GraphLiveness live = step::ComputeLiveness(g);
    const size_t k = static_cast<size_t>(c.k == 1 ? 1 : step::kWorkConvKxk);
    for (const step::StepSpec& spec : {step::LayerStep(0), step::StepSpec{0, 2, step::StepKind::kFused,
                                                                         step::Variant::kHCache, 2, 2}}) {
      const step::StepWork w = step::StepWorkOf(g, live, *step::DescribeStep(g, live, spec), spec);
      ASSERT_GT(w.executed_macs[k], 0);
      const int64_t interior_macs = (w.pixels[k] - w.border_pixels[k]) * c.k * c.k * c.in_c * 6;
      EXPECT_EQ(w.loop_macs[k], c.loops ? w.executed_macs[k] : w.executed_macs[k] - interior_macs) << c.in_c << " " << c.k;
      if (!c.loops && c.k == 1) {
        EXPECT_EQ(w.loop_macs[k], 0);
      }
      if (!c.loops && c.k == 3 && spec.kind == step::StepKind::kLayer) {
        // 6x6 outputs, 4x4 interior: 16 x 16 in-input taps, 16 x 9 of them interior, x 3 x 6.
        EXPECT_EQ(w.executed_macs[k], 16 * 16 * 3 * 6);
        EXPECT_EQ(w.loop_macs[k], (16 * 16 - 16 * 9) * 3 * 6);
      }
      EXPECT_EQ(w.k16_macs[k], !c.loops && c.in_c == 16 ? w.executed_macs[k] : 0) << c.in_c << " " << c.k;
      EXPECT_EQ(w.loop_macs[2] + w.k16_macs[2], 0) << "depthwise";
    }
  }
}

TEST(LatencyWork, ReshapeMovesBytesOnlyBetweenDifferentBuffers) {
  // A RESHAPE shares its input's storage: after a convolution it is in place
  // (the runtime's copy sees one buffer and skips), while a RESHAPE of the
  // model input into the model output copies between the caller's buffers.
  const size_t copy = MSF_KERNEL_COPY;
  for (bool after_conv : {true, false}) {
    ir::GraphBuilder b = calib::BenchGraphBuilder("reshape", {1, 1, 1, 64}, 3);
    if (after_conv) b.Conv(10, 1, 1, ir::Activation::kNone);
    b.Flatten();
    const ir::Graph g = calib::TakeBenchGraph(b);
    const step::GraphLiveness live = step::ComputeLiveness(g);
    const int32_t op = static_cast<int32_t>(g.ops.size()) - 1;
    ASSERT_EQ(g.ops[static_cast<size_t>(op)].kind, ir::OpKind::kReshape);
    const step::StepSpec spec = step::LayerStep(op);
    const step::StepWork w = step::StepWorkOf(g, live, *step::DescribeStep(g, live, spec), spec);
    EXPECT_EQ(step::WorkKindOf(g, g.ops[static_cast<size_t>(op)]), MSF_KERNEL_COPY);
    EXPECT_EQ(w.calls[copy], 1);
    EXPECT_EQ(w.out_bytes[copy], after_conv ? 0 : 64) << after_conv;
    const step::WholeBuffer in = step::WholeBufferOf(g, live, g.ops[static_cast<size_t>(op)].input());
    const step::WholeBuffer out = step::WholeBufferOf(g, live, g.ops[static_cast<size_t>(op)].output());
    EXPECT_EQ(out.kind, step::WholeBuffer::Kind::kOutput);
    EXPECT_EQ(in == out, after_conv);
  }
}

TEST(LatencyNnls, RecoversNonNegativeCoefficients) {
  // 6 x 3 system with an exact non-negative solution.
  const std::vector<double> a = {1, 0, 2, 0, 1, 1, 3, 1, 0, 1, 1, 1, 2, 0, 5, 0, 4, 1};
  const std::vector<double> x = {2.5, 0.0, 1.25};
  std::vector<double> b(6, 0.0);
  for (size_t i = 0; i < 6; ++i) {
    for (size_t j = 0; j < 3; ++j) b[i] += a[i * 3 + j] * x[j];
  }
  const std::vector<double> got = calib::SolveNnls(a, 6, 3, b);
  for (size_t j = 0; j < 3; ++j) EXPECT_NEAR(got[j], x[j], 1e-9) << j;
}

TEST(LatencyNnls, ClampsWhatLeastSquaresWouldMakeNegative) {
  // Unconstrained: b = 1*col0 - 1*col1; with x >= 0 the optimum is x1 = 0
  // and x0 the projection of b on col0; a zero column stays 0.
  const std::vector<double> a = {1, 1, 0, 1, 0, 0, 1, 2, 0};
  const std::vector<double> b = {0, 1, -1};
  const std::vector<double> got = calib::SolveNnls(a, 3, 3, b);
  EXPECT_NEAR(got[0], 0.0, 1e-12);  // b . col0 = 0
  EXPECT_NEAR(got[1], 0.0, 1e-12);  // b . col1 < 0
  EXPECT_EQ(got[2], 0.0);
  const std::vector<double> b2 = {2, 3, 1};  // col0 alone fits 2 of 3 rows
  const std::vector<double> got2 = calib::SolveNnls(a, 3, 3, b2);
  // KKT: the gradient A^T (b - A x) is 0 on positive entries, <= 0 elsewhere.
  for (size_t j = 0; j < 3; ++j) {
    double grad = 0;
    for (size_t i = 0; i < 3; ++i) {
      double r = b2[i];
      for (size_t k = 0; k < 3; ++k) r -= a[i * 3 + k] * got2[k];
      grad += a[i * 3 + j] * r;
    }
    EXPECT_GE(got2[j], 0);
    if (got2[j] > 0) EXPECT_NEAR(grad, 0, 1e-9) << j;
    else EXPECT_LE(grad, 1e-9) << j;
  }
}

}  // namespace
}  // namespace msf
