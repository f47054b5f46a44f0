// SPDX-License-Identifier: MIT
// The RAM results in BENCHMARKS.md come from msf runs: regenerate the table
// (plans executed in the arena, measured, checked bit-exact) and compare.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "support/test_support.h"

namespace msf {
namespace {

TEST(BenchmarksMd, RamTableIsWhatMsfMeasures) {
  MSF_REQUIRE_MODELS();
  std::ifstream f(std::string(MSF_SOURCE_DIR) + "/BENCHMARKS.md");
  const std::string md((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  const std::string begin = "<!-- ram-table:begin -->\n", end = "<!-- ram-table:end -->";
  const size_t b = md.find(begin), e = md.find(end);
  ASSERT_NE(b, std::string::npos);
  ASSERT_NE(e, std::string::npos);
  const std::string committed = md.substr(b + begin.size(), e - b - begin.size());
  const test::CliResult r = test::RunCli({"report", "ram-table", "--models", test::ModelsDir()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(committed, r.out) << "BENCHMARKS.md is stale: run tools/update_ram_table.sh";
}

}  // namespace
}  // namespace msf
