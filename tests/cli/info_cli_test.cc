// SPDX-License-Identifier: MIT
// `msf info` on the paper's zoo models prints the paper's vanilla numbers,
// and its JSON carries the same values.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "frontend/builtin_op_names.h"
#include "support/test_support.h"
#include "support/tflite_builder.h"

namespace msf {
namespace {

struct InfoCase {
  const char* model;
  const char* macs;
  const char* peak;
  int64_t macs_value, peak_value;
};

TEST(InfoCli, ZooModelsReportThePapersVanillaNumbers) {
  const InfoCase cases[] = {
      {"zoo:mbv2-w0.35-r144", "18,909,490", "194,400", 18909490, 194400},
      {"zoo:mcunet-vww-5fps-r80", "11,578,496", "96,000", 11578496, 96000},
      {"zoo:mcunet-320kb-r176", "81,625,520", "309,760", 81625520, 309760},
  };
  for (const InfoCase& c : cases) {
    const std::string json_path = test::TempPath("info.json");
    const test::CliResult r = test::RunCli({"info", c.model, "--json", json_path});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find(std::string("total MACs: ") + c.macs), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(std::string("layer-by-layer peak RAM: ") + c.peak + " bytes"), std::string::npos) << r.out;
    std::ifstream f(json_path);
    const nlohmann::json j = nlohmann::json::parse(f);
    EXPECT_EQ(j["total_macs"].get<int64_t>(), c.macs_value);
    EXPECT_EQ(j["vanilla_peak_ram_bytes"].get<int64_t>(), c.peak_value);
    EXPECT_GE(j["vanilla_peak_ram_bytes_with_io"].get<int64_t>(), c.peak_value);
    EXPECT_EQ(j["ops"].size(), std::string(c.model).find("mbv2") != std::string::npos ? 53u
                               : std::string(c.model).find("vww") != std::string::npos ? 45u : 54u);
  }
}

TEST(InfoCli, UnknownZooModelAndBadOptionsAreOneLineErrors) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"info", "zoo:nope"}, {"info"}, {"info", "zoo:mbv2-w0.35-r144", "--bogus"}, {"frobnicate"}}) {
    const test::CliResult r = test::RunCli(args);
    EXPECT_EQ(r.exit_code, 2) << args[0];
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_EQ(r.err.rfind("msf: error: ", 0), 0u) << r.err;
  }
}

// "layer-by-layer peak RAM: 1,234 bytes" of msf info, "peak RAM: 1,234 bytes" of msf plan.
std::string PeakOf(const std::string& out, const std::string& label) {
  std::smatch m;
  if (!std::regex_search(out, m, std::regex("(^|\n)" + label + ": ([0-9,]+) bytes"))) return "(no " + label + ")";
  return m[2];
}

// msf info's layer-by-layer peak is the planner's: `msf plan --strategy
// layer --min-ram` on the same model (when both accept it).
void ExpectInfoPeakIsLayerPlanPeak(const std::string& model) {
  const test::CliResult info = test::RunCli({"info", model});
  const test::CliResult plan = test::RunCli({"plan", model, "--strategy", "layer", "--min-ram"});
  if (info.exit_code != 0) {  // a model msf refuses: both refuse it
    EXPECT_EQ(info.exit_code, 2) << model << ": " << info.err;
    EXPECT_EQ(plan.exit_code, 2) << model << ": " << plan.err;
    return;
  }
  ASSERT_EQ(plan.exit_code, 0) << model << ": " << plan.err;
  EXPECT_EQ(PeakOf(info.out, "layer-by-layer peak RAM"), PeakOf(plan.out, "peak RAM")) << model;
}

TEST(InfoCli, LayerPeakIsTheLayerPlansPeakOnSharedModels) {
  MSF_REQUIRE_MODELS();
  int models = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(test::ModelsDir())) {
    if (entry.path().extension() != ".tflite") continue;
    ++models;
    ExpectInfoPeakIsLayerPlanPeak(entry.path().string());
  }
  EXPECT_GT(models, 0);
  for (const char* zoo : {"zoo:mbv2-w0.35-r144", "zoo:mcunet-vww-5fps-r80", "zoo:mcunet-320kb-r176"}) {
    ExpectInfoPeakIsLayerPlanPeak(zoo);
  }
}

// The network input lives in the caller's buffer, not in the arena: a model
// that starts with RESHAPE reads it (by its alias) in op 1 too, and it must
// not count there either (msf info used to count it: 4,096 bytes).
TEST(InfoCli, LayerPeakOfAModelStartingWithReshape) {
  test::TfliteBuilder b;
  using Fbb = flatbuffers::FlatBufferBuilder;
  const auto pool = [](Fbb& f) { return tfl::CreatePool2DOptions(f, tfl::Padding_VALID, 1, 1, 1, 1).Union(); };
  const int32_t in = b.Int8("input", {1, 16, 128}, 0.05f, 0);
  const int32_t r = b.Int8("reshaped", {1, 16, 16, 8}, 0.05f, 0);
  b.Op(frontend::kReshape, {in}, {r});
  const int32_t p1 = b.Int8("pool1", {1, 16, 16, 8}, 0.05f, 0);
  b.Op(frontend::kMaxPool2D, {r}, {p1}, tfl::BuiltinOptions_Pool2DOptions, pool);
  const int32_t p2 = b.Int8("pool2", {1, 16, 16, 8}, 0.05f, 0);
  b.Op(frontend::kMaxPool2D, {p1}, {p2}, tfl::BuiltinOptions_Pool2DOptions, pool);
  const std::string model = test::TempPath("info_reshape_first.tflite");
  test::WriteFile(model, b.Finish({in}, {p2}));

  const test::CliResult info = test::RunCli({"info", model});
  ASSERT_EQ(info.exit_code, 0) << info.err;
  EXPECT_EQ(PeakOf(info.out, "layer-by-layer peak RAM"), "2,048") << info.out;
  ExpectInfoPeakIsLayerPlanPeak(model);
}

}  // namespace
}  // namespace msf
