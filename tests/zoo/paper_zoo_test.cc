// SPDX-License-Identifier: MIT
// The paper zoo against the layer tables of msf-cnn-method.md section 7.
// The expected rows were generated from the authors' Python lists (and
// cross-checked against the markdown tables), not from the builder.
#include "frontend/paper_zoo.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <set>
#include <span>
#include <string>

#include "base/error.h"
#include "exec/reference_executor.h"
#include "ir/analysis.h"
#include "step/step_memory.h"

namespace msf::frontend {
namespace {

enum Kind { kConv, kPW, kDW };
struct Row {
  Kind kind;
  int k, s, p, cin, cout, hin, hout;
  int64_t mac;
};

// 53 layers, total MAC 18909490
constexpr Row kMbv2[] = {
    {kConv, 3, 2, 1, 3, 11, 144, 72, 1539648},
    {kPW, 1, 1, 0, 11, 11, 72, 72, 627264},
    {kDW, 3, 1, 1, 11, 11, 72, 72, 513216},
    {kPW, 1, 1, 0, 11, 5, 72, 72, 285120},
    {kPW, 1, 1, 0, 5, 30, 72, 72, 777600},
    {kDW, 3, 2, 1, 30, 30, 72, 36, 349920},
    {kPW, 1, 1, 0, 30, 8, 36, 36, 311040},
    {kPW, 1, 1, 0, 8, 48, 36, 36, 497664},
    {kDW, 3, 1, 1, 48, 48, 36, 36, 559872},
    {kPW, 1, 1, 0, 48, 8, 36, 36, 497664},
    {kPW, 1, 1, 0, 8, 48, 36, 36, 497664},
    {kDW, 3, 2, 1, 48, 48, 36, 18, 139968},
    {kPW, 1, 1, 0, 48, 11, 18, 18, 171072},
    {kPW, 1, 1, 0, 11, 66, 18, 18, 235224},
    {kDW, 3, 1, 1, 66, 66, 18, 18, 192456},
    {kPW, 1, 1, 0, 66, 11, 18, 18, 235224},
    {kPW, 1, 1, 0, 11, 66, 18, 18, 235224},
    {kDW, 3, 1, 1, 66, 66, 18, 18, 192456},
    {kPW, 1, 1, 0, 66, 11, 18, 18, 235224},
    {kPW, 1, 1, 0, 11, 66, 18, 18, 235224},
    {kDW, 3, 2, 1, 66, 66, 18, 9, 48114},
    {kPW, 1, 1, 0, 66, 22, 9, 9, 117612},
    {kPW, 1, 1, 0, 22, 132, 9, 9, 235224},
    {kDW, 3, 1, 1, 132, 132, 9, 9, 96228},
    {kPW, 1, 1, 0, 132, 22, 9, 9, 235224},
    {kPW, 1, 1, 0, 22, 132, 9, 9, 235224},
    {kDW, 3, 1, 1, 132, 132, 9, 9, 96228},
    {kPW, 1, 1, 0, 132, 22, 9, 9, 235224},
    {kPW, 1, 1, 0, 22, 132, 9, 9, 235224},
    {kDW, 3, 1, 1, 132, 132, 9, 9, 96228},
    {kPW, 1, 1, 0, 132, 22, 9, 9, 235224},
    {kPW, 1, 1, 0, 22, 132, 9, 9, 235224},
    {kDW, 3, 1, 1, 132, 132, 9, 9, 96228},
    {kPW, 1, 1, 0, 132, 33, 9, 9, 352836},
    {kPW, 1, 1, 0, 33, 198, 9, 9, 529254},
    {kDW, 3, 1, 1, 198, 198, 9, 9, 144342},
    {kPW, 1, 1, 0, 198, 33, 9, 9, 529254},
    {kPW, 1, 1, 0, 33, 198, 9, 9, 529254},
    {kDW, 3, 1, 1, 198, 198, 9, 9, 144342},
    {kPW, 1, 1, 0, 198, 33, 9, 9, 529254},
    {kPW, 1, 1, 0, 33, 198, 9, 9, 529254},
    {kDW, 3, 2, 1, 198, 198, 9, 5, 44550},
    {kPW, 1, 1, 0, 198, 56, 5, 5, 277200},
    {kPW, 1, 1, 0, 56, 336, 5, 5, 470400},
    {kDW, 3, 1, 1, 336, 336, 5, 5, 75600},
    {kPW, 1, 1, 0, 336, 56, 5, 5, 470400},
    {kPW, 1, 1, 0, 56, 336, 5, 5, 470400},
    {kDW, 3, 1, 1, 336, 336, 5, 5, 75600},
    {kPW, 1, 1, 0, 336, 56, 5, 5, 470400},
    {kPW, 1, 1, 0, 56, 336, 5, 5, 470400},
    {kDW, 3, 1, 1, 336, 336, 5, 5, 75600},
    {kPW, 1, 1, 0, 336, 112, 5, 5, 940800},
    {kPW, 1, 1, 0, 112, 448, 5, 5, 1254400},
};
// 45 layers, total MAC 11578496
constexpr Row kVww[] = {
    {kConv, 3, 2, 1, 3, 16, 80, 40, 691200},
    {kDW, 3, 1, 1, 16, 16, 40, 40, 230400},
    {kPW, 1, 1, 0, 16, 8, 40, 40, 204800},
    {kPW, 1, 1, 0, 8, 48, 40, 40, 614400},
    {kDW, 3, 2, 1, 48, 48, 40, 20, 172800},
    {kPW, 1, 1, 0, 48, 16, 20, 20, 307200},
    {kPW, 1, 1, 0, 16, 48, 20, 20, 307200},
    {kDW, 3, 1, 1, 48, 48, 20, 20, 172800},
    {kPW, 1, 1, 0, 48, 16, 20, 20, 307200},
    {kPW, 1, 1, 0, 16, 48, 20, 20, 307200},
    {kDW, 3, 1, 1, 48, 48, 20, 20, 172800},
    {kPW, 1, 1, 0, 48, 16, 20, 20, 307200},
    {kPW, 1, 1, 0, 16, 48, 20, 20, 307200},
    {kDW, 7, 2, 3, 48, 48, 20, 10, 235200},
    {kPW, 1, 1, 0, 48, 24, 10, 10, 115200},
    {kPW, 1, 1, 0, 24, 144, 10, 10, 345600},
    {kDW, 3, 1, 1, 144, 144, 10, 10, 129600},
    {kPW, 1, 1, 0, 144, 24, 10, 10, 345600},
    {kPW, 1, 1, 0, 24, 120, 10, 10, 288000},
    {kDW, 5, 1, 2, 120, 120, 10, 10, 300000},
    {kPW, 1, 1, 0, 120, 24, 10, 10, 288000},
    {kPW, 1, 1, 0, 24, 144, 10, 10, 345600},
    {kDW, 7, 2, 3, 144, 144, 10, 5, 176400},
    {kPW, 1, 1, 0, 144, 40, 5, 5, 144000},
    {kPW, 1, 1, 0, 40, 240, 5, 5, 240000},
    {kDW, 7, 1, 3, 240, 240, 5, 5, 294000},
    {kPW, 1, 1, 0, 240, 40, 5, 5, 240000},
    {kPW, 1, 1, 0, 40, 240, 5, 5, 240000},
    {kDW, 3, 1, 1, 240, 240, 5, 5, 54000},
    {kPW, 1, 1, 0, 240, 48, 5, 5, 288000},
    {kPW, 1, 1, 0, 48, 192, 5, 5, 230400},
    {kDW, 3, 1, 1, 192, 192, 5, 5, 43200},
    {kPW, 1, 1, 0, 192, 48, 5, 5, 230400},
    {kPW, 1, 1, 0, 48, 240, 5, 5, 288000},
    {kDW, 5, 2, 2, 240, 240, 5, 3, 54000},
    {kPW, 1, 1, 0, 240, 96, 3, 3, 207360},
    {kPW, 1, 1, 0, 96, 480, 3, 3, 414720},
    {kDW, 3, 1, 1, 480, 480, 3, 3, 38880},
    {kPW, 1, 1, 0, 480, 96, 3, 3, 414720},
    {kPW, 1, 1, 0, 96, 384, 3, 3, 331776},
    {kDW, 3, 1, 1, 384, 384, 3, 3, 31104},
    {kPW, 1, 1, 0, 384, 96, 3, 3, 331776},
    {kPW, 1, 1, 0, 96, 288, 3, 3, 248832},
    {kDW, 7, 1, 3, 288, 288, 3, 3, 127008},
    {kPW, 1, 1, 0, 288, 160, 3, 3, 414720},
};
// 54 layers, total MAC 81625520
constexpr Row k320kb[] = {
    {kConv, 3, 2, 1, 3, 16, 176, 88, 3345408},
    {kDW, 3, 1, 1, 16, 16, 88, 88, 1115136},
    {kPW, 1, 1, 0, 16, 8, 88, 88, 991232},
    {kPW, 1, 1, 0, 8, 24, 88, 88, 1486848},
    {kDW, 7, 2, 3, 24, 24, 88, 44, 2276736},
    {kPW, 1, 1, 0, 24, 16, 44, 44, 743424},
    {kPW, 1, 1, 0, 16, 80, 44, 44, 2478080},
    {kDW, 3, 1, 1, 80, 80, 44, 44, 1393920},
    {kPW, 1, 1, 0, 80, 16, 44, 44, 2478080},
    {kPW, 1, 1, 0, 16, 80, 44, 44, 2478080},
    {kDW, 7, 1, 3, 80, 80, 44, 44, 7589120},
    {kPW, 1, 1, 0, 80, 16, 44, 44, 2478080},
    {kPW, 1, 1, 0, 16, 64, 44, 44, 1982464},
    {kDW, 5, 1, 2, 64, 64, 44, 44, 3097600},
    {kPW, 1, 1, 0, 64, 16, 44, 44, 1982464},
    {kPW, 1, 1, 0, 16, 80, 44, 44, 2478080},
    {kDW, 5, 2, 2, 80, 80, 44, 22, 968000},
    {kPW, 1, 1, 0, 80, 24, 22, 22, 929280},
    {kPW, 1, 1, 0, 24, 120, 22, 22, 1393920},
    {kDW, 5, 1, 2, 120, 120, 22, 22, 1452000},
    {kPW, 1, 1, 0, 120, 24, 22, 22, 1393920},
    {kPW, 1, 1, 0, 24, 120, 22, 22, 1393920},
    {kDW, 5, 1, 2, 120, 120, 22, 22, 1452000},
    {kPW, 1, 1, 0, 120, 24, 22, 22, 1393920},
    {kPW, 1, 1, 0, 24, 120, 22, 22, 1393920},
    {kDW, 3, 2, 1, 120, 120, 22, 11, 130680},
    {kPW, 1, 1, 0, 120, 40, 11, 11, 580800},
    {kPW, 1, 1, 0, 40, 240, 11, 11, 1161600},
    {kDW, 7, 1, 3, 240, 240, 11, 11, 1422960},
    {kPW, 1, 1, 0, 240, 40, 11, 11, 1161600},
    {kPW, 1, 1, 0, 40, 160, 11, 11, 774400},
    {kDW, 5, 1, 2, 160, 160, 11, 11, 484000},
    {kPW, 1, 1, 0, 160, 40, 11, 11, 774400},
    {kPW, 1, 1, 0, 40, 200, 11, 11, 968000},
    {kDW, 5, 1, 2, 200, 200, 11, 11, 605000},
    {kPW, 1, 1, 0, 200, 48, 11, 11, 1161600},
    {kPW, 1, 1, 0, 48, 240, 11, 11, 1393920},
    {kDW, 7, 1, 3, 240, 240, 11, 11, 1422960},
    {kPW, 1, 1, 0, 240, 48, 11, 11, 1393920},
    {kPW, 1, 1, 0, 48, 240, 11, 11, 1393920},
    {kDW, 3, 1, 1, 240, 240, 11, 11, 261360},
    {kPW, 1, 1, 0, 240, 48, 11, 11, 1393920},
    {kPW, 1, 1, 0, 48, 288, 11, 11, 1672704},
    {kDW, 3, 2, 1, 288, 288, 11, 6, 93312},
    {kPW, 1, 1, 0, 288, 96, 6, 6, 995328},
    {kPW, 1, 1, 0, 96, 480, 6, 6, 1658880},
    {kDW, 7, 1, 3, 480, 480, 6, 6, 846720},
    {kPW, 1, 1, 0, 480, 96, 6, 6, 1658880},
    {kPW, 1, 1, 0, 96, 384, 6, 6, 1327104},
    {kDW, 3, 1, 1, 384, 384, 6, 6, 124416},
    {kPW, 1, 1, 0, 384, 96, 6, 6, 1327104},
    {kPW, 1, 1, 0, 96, 480, 6, 6, 1658880},
    {kDW, 7, 1, 3, 480, 480, 6, 6, 846720},
    {kPW, 1, 1, 0, 480, 160, 6, 6, 2764800},
};

struct ModelCase {
  const char* name;
  std::span<const Row> rows;
  int64_t total_macs;
  int64_t vanilla_peak;
};

const ModelCase kCases[] = {
    {"mbv2-w0.35-r144", kMbv2, 18909490, 194400},
    {"mcunet-vww-5fps-r80", kVww, 11578496, 96000},
    {"mcunet-320kb-r176", k320kb, 81625520, 309760},
};

TEST(ZooNames, ListAndPrefix) {
  const std::vector<std::string> names = ZooModelNames();
  ASSERT_EQ(names.size(), 3u);
  for (size_t i = 0; i < names.size(); ++i) EXPECT_EQ(names[i], kCases[i].name);
  EXPECT_TRUE(IsZooReference("zoo:mbv2-w0.35-r144"));
  EXPECT_TRUE(IsZooReference("zoo:"));
  EXPECT_FALSE(IsZooReference("model.tflite"));
  EXPECT_FALSE(IsZooReference("zoo"));
}

TEST(ZooNames, UnknownNameThrows) {
  EXPECT_THROW(BuildZooModel("resnet50"), msf::Error);
  EXPECT_THROW(BuildZooModel("zoo:"), msf::Error);
  try {
    BuildZooModel("zoo:nope");
    FAIL() << "no exception";
  } catch (const msf::Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("unknown zoo model 'nope'"), std::string::npos) << what;
    EXPECT_NE(what.find("available: mbv2-w0.35-r144, mcunet-vww-5fps-r80, mcunet-320kb-r176"),
              std::string::npos)
        << what;
  }
}

class ZooModelTest : public ::testing::TestWithParam<ModelCase> {};

std::string CaseName(const ::testing::TestParamInfo<ModelCase>& info) {
  std::string s = info.param.name;
  for (char& ch : s) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return s;
}

TEST_P(ZooModelTest, LayersMatchPaperTable) {
  const ModelCase& mc = GetParam();
  const ir::Graph g = BuildZooModel(mc.name);
  EXPECT_EQ(g.name, mc.name);
  ASSERT_EQ(g.ops.size(), mc.rows.size());
  for (size_t i = 0; i < mc.rows.size(); ++i) {
    SCOPED_TRACE("layer " + std::to_string(i));
    const Row& r = mc.rows[i];
    const ir::Op& op = g.ops[i];
    EXPECT_EQ(op.kind, r.kind == kDW ? ir::OpKind::kDepthwiseConv2D : ir::OpKind::kConv2D);
    ASSERT_TRUE(std::holds_alternative<ir::ConvAttrs>(op.attrs));
    const ir::ConvAttrs& a = op.conv();
    EXPECT_EQ(a.kernel_h, r.k);
    EXPECT_EQ(a.kernel_w, r.k);
    EXPECT_EQ(a.stride_h, r.s);
    EXPECT_EQ(a.stride_w, r.s);
    EXPECT_EQ(a.dilation_h, 1);
    EXPECT_EQ(a.dilation_w, 1);
    EXPECT_EQ(a.depth_multiplier, 1);
    EXPECT_EQ(a.pad.top, r.p);
    EXPECT_EQ(a.pad.bottom, r.p);
    EXPECT_EQ(a.pad.left, r.p);
    EXPECT_EQ(a.pad.right, r.p);
    const ir::Tensor& in = g.tensor(op.input());
    const ir::Tensor& out = g.tensor(op.output());
    EXPECT_EQ(in.shape, (std::vector<int32_t>{1, r.hin, r.hin, r.cin}));
    EXPECT_EQ(out.shape, (std::vector<int32_t>{1, r.hout, r.hout, r.cout}));
    EXPECT_EQ(in.type, ir::DType::kInt8);
    EXPECT_EQ(out.type, ir::DType::kInt8);
    EXPECT_FALSE(out.IsConstant());
    EXPECT_EQ(ir::OpMacs(g, op), r.mac);
    // A chain: each op reads the previous op's output.
    if (i > 0) {
      EXPECT_EQ(op.input(), g.ops[i - 1].output());
    }
  }
  EXPECT_EQ(g.inputs, std::vector<ir::TensorId>{g.ops.front().input()});
  EXPECT_EQ(g.outputs, std::vector<ir::TensorId>{g.ops.back().output()});
}

TEST_P(ZooModelTest, TotalsAndVanillaPeak) {
  const ModelCase& mc = GetParam();
  const ir::Graph g = BuildZooModel(std::string("zoo:") + mc.name);  // prefix accepted
  int64_t table_sum = 0;
  for (const Row& r : mc.rows) table_sum += r.mac;
  EXPECT_EQ(table_sum, mc.total_macs);
  EXPECT_EQ(ir::TotalMacs(g), mc.total_macs);
  EXPECT_EQ(step::LayerByLayerRam(g).peak, mc.vanilla_peak);
}

// ReLU6 on the first conv, DWs and expansions; projections (a PW not
// followed by a DW) are linear, except MBV2's final 1x1 conv.
TEST_P(ZooModelTest, Activations) {
  const ModelCase& mc = GetParam();
  const ir::Graph g = BuildZooModel(mc.name);
  for (size_t i = 0; i < mc.rows.size(); ++i) {
    SCOPED_TRACE("layer " + std::to_string(i));
    const bool last = i + 1 == mc.rows.size();
    const bool projection = mc.rows[i].kind == kPW && (last || mc.rows[i + 1].kind != kDW) &&
                            !(last && std::string(mc.name) == "mbv2-w0.35-r144");
    const ir::Tensor& out = g.tensor(g.ops[i].output());
    ASSERT_EQ(out.quant.scale.size(), 1u);
    if (projection) {
      EXPECT_EQ(g.ops[i].conv().act, ir::Activation::kNone);
      EXPECT_EQ(out.quant.ZeroPoint(), 0);
    } else {
      EXPECT_EQ(g.ops[i].conv().act, ir::Activation::kRelu6);
      EXPECT_EQ(out.quant.ZeroPoint(), -128);
      EXPECT_FLOAT_EQ(out.quant.Scale(), 6.0f / 255.0f);
    }
  }
}

TEST_P(ZooModelTest, WeightsAreInt8PerChannel) {
  const ModelCase& mc = GetParam();
  const ir::Graph g = BuildZooModel(mc.name);
  for (size_t i = 0; i < mc.rows.size(); ++i) {
    SCOPED_TRACE("layer " + std::to_string(i));
    const Row& r = mc.rows[i];
    const ir::Op& op = g.ops[i];
    ASSERT_EQ(op.inputs.size(), 3u);
    const ir::Tensor& in = g.tensor(op.input(0));
    const ir::Tensor& f = g.tensor(op.input(1));
    const ir::Tensor& b = g.tensor(op.input(2));
    ASSERT_TRUE(f.IsConstant());
    ASSERT_TRUE(b.IsConstant());
    EXPECT_EQ(f.type, ir::DType::kInt8);
    EXPECT_EQ(b.type, ir::DType::kInt32);
    const bool dw = r.kind == kDW;
    EXPECT_EQ(f.shape, dw ? (std::vector<int32_t>{1, r.k, r.k, r.cout})
                          : (std::vector<int32_t>{r.cout, r.k, r.k, r.cin}));
    EXPECT_EQ(b.shape, std::vector<int32_t>{r.cout});
    EXPECT_EQ(static_cast<int64_t>(f.data_size), f.Bytes());
    EXPECT_EQ(static_cast<int64_t>(b.data_size), b.Bytes());
    EXPECT_EQ(f.quant.axis, dw ? 3 : 0);
    ASSERT_EQ(f.quant.scale.size(), static_cast<size_t>(r.cout));
    ASSERT_EQ(b.quant.scale.size(), static_cast<size_t>(r.cout));
    for (int c = 0; c < r.cout; ++c) {
      EXPECT_GT(f.quant.Scale(c), 0.0f);
      EXPECT_EQ(f.quant.ZeroPoint(c), 0);
      EXPECT_EQ(b.quant.ZeroPoint(c), 0);
      EXPECT_FLOAT_EQ(b.quant.Scale(c), in.quant.Scale() * f.quant.Scale(c));
    }
    const auto* w = reinterpret_cast<const int8_t*>(f.data);
    int distinct_signs[2] = {0, 0};
    for (size_t j = 0; j < f.data_size; ++j) {
      EXPECT_GE(w[j], -127);
      if (w[j] != 0) ++distinct_signs[w[j] > 0];
    }
    EXPECT_GT(distinct_signs[0], 0);
    EXPECT_GT(distinct_signs[1], 0);
  }
}

TEST_P(ZooModelTest, Deterministic) {
  const ModelCase& mc = GetParam();
  const ir::Graph a = BuildZooModel(mc.name);
  const ir::Graph b = BuildZooModel(mc.name);
  ASSERT_EQ(a.tensors.size(), b.tensors.size());
  for (size_t t = 0; t < a.tensors.size(); ++t) {
    const ir::Tensor& x = a.tensors[t];
    const ir::Tensor& y = b.tensors[t];
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.shape, y.shape);
    EXPECT_EQ(x.quant.scale, y.quant.scale);
    EXPECT_EQ(x.quant.zero_point, y.quant.zero_point);
    ASSERT_EQ(x.data_size, y.data_size);
    if (x.IsConstant()) {
      EXPECT_EQ(std::memcmp(x.data, y.data, x.data_size), 0) << x.name;
    }
  }
}

// The synthetic scales must make the network compute something: run it with
// the reference executor and check that no layer is constant or saturated.
TEST_P(ZooModelTest, RunsWithoutCollapsing) {
  const ModelCase& mc = GetParam();
  const ir::Graph g = BuildZooModel(mc.name);
  std::vector<int8_t> input(static_cast<size_t>(g.tensor(g.input()).NumElements()));
  uint64_t state = 0x5EED;
  for (int8_t& v : input) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    v = static_cast<int8_t>(state >> 56);
  }
  const std::vector<std::vector<int8_t>> all = exec::RunReferenceAll(g, input);
  for (size_t i = 0; i < g.ops.size(); ++i) {
    SCOPED_TRACE("layer " + std::to_string(i));
    const std::vector<int8_t>& y = all[static_cast<size_t>(g.ops[i].output())];
    ASSERT_EQ(static_cast<int64_t>(y.size()), g.tensor(g.ops[i].output()).NumElements());
    const std::set<int8_t> distinct(y.begin(), y.end());
    EXPECT_GT(distinct.size(), 64u);
    // At most 2% of values pinned at the int8 maximum.
    const auto at_max = std::count(y.begin(), y.end(), int8_t{127});
    EXPECT_LT(static_cast<double>(at_max), 0.02 * static_cast<double>(y.size()));
  }
  const std::vector<int8_t> out = exec::RunReference(g, input);
  EXPECT_EQ(out, all[static_cast<size_t>(g.output())]);
}

INSTANTIATE_TEST_SUITE_P(Zoo, ZooModelTest, ::testing::ValuesIn(kCases), CaseName);

TEST(ZooModels, DifferentModelsDifferentWeights) {
  const ir::Graph a = BuildZooModel("mcunet-vww-5fps-r80");
  const ir::Graph b = BuildZooModel("mcunet-320kb-r176");
  // Layer 0 has the same shape in both (3x3x3 -> 16) but its own seed.
  const ir::Tensor& fa = a.tensor(a.ops[0].input(1));
  const ir::Tensor& fb = b.tensor(b.ops[0].input(1));
  ASSERT_EQ(fa.shape, fb.shape);
  EXPECT_NE(std::memcmp(fa.data, fb.data, fa.data_size), 0);
}

}  // namespace
}  // namespace msf::frontend
