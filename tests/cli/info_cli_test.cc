// SPDX-License-Identifier: MIT
// `msf info` on the paper's zoo models prints the paper's vanilla numbers,
// and its JSON carries the same values.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/test_support.h"

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

}  // namespace
}  // namespace msf
