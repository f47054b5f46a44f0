// SPDX-License-Identifier: MIT
// The reference executor reproduces every golden output of ../shared/models
// (TFLite-Micro reference kernels) byte for byte.
#include <gtest/gtest.h>

#include "exec/reference_executor.h"
#include "frontend/model_loader.h"
#include "support/test_support.h"

namespace msf {
namespace {

class GoldenTest : public ::testing::TestWithParam<test::GoldenCase> {};

TEST_P(GoldenTest, ReferenceExecutorIsBitExact) {
  MSF_REQUIRE_MODELS();
  const std::string dir = test::ModelsDir() + "/";
  const test::GoldenCase& c = GetParam();
  const ir::Graph g = frontend::LoadModel(dir + c.model);
  const std::vector<uint8_t> raw = test::ReadFile(dir + c.input);
  const std::vector<int8_t> input(raw.begin(), raw.end());
  const std::vector<int8_t> out = exec::RunReference(g, input);
  const std::vector<uint8_t> expected = test::ReadFile(dir + c.expected);
  ASSERT_EQ(out.size(), expected.size());
  int mismatches = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    if (static_cast<uint8_t>(out[i]) != expected[i] && mismatches++ < 5) {
      ADD_FAILURE() << "byte " << i << ": got " << int(out[i]) << ", expected " << int(int8_t(expected[i]));
    }
  }
  EXPECT_EQ(mismatches, 0);
}

TEST_P(GoldenTest, CliRunWritesTheGoldenBytes) {
  MSF_REQUIRE_MODELS();
  const std::string dir = test::ModelsDir() + "/";
  const test::GoldenCase& c = GetParam();
  const std::string out_path = test::TempPath("golden_cli.out.bin");
  const test::CliResult r = test::RunCli({"run", dir + c.model, "--input", dir + c.input, "--output", out_path});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(test::ReadFile(out_path), test::ReadFile(dir + c.expected));
}

std::string CaseName(const ::testing::TestParamInfo<test::GoldenCase>& info) {
  std::string name = info.param.expected.substr(info.param.expected.find('/') + 1);
  name = name.substr(0, name.find(".out.bin"));
  for (char& ch : name) if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(SharedModels, GoldenTest, ::testing::ValuesIn(test::GoldenCases()), CaseName);

}  // namespace
}  // namespace msf
