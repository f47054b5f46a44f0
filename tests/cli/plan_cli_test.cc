// SPDX-License-Identifier: MIT
// `msf plan` and `msf pareto` end to end, through the binary.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "plan/plan_json.h"
#include "support/test_support.h"

namespace msf {
namespace {

using nlohmann::json;
using test::RunCli;

std::string Slurp(const std::string& path) {
  std::ifstream f(path);
  return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

TEST(PlanCli, WritesThePlanJson) {
  const std::string path = test::TempPath("plan_cli.json");
  const test::CliResult r =
      RunCli({"plan", "zoo:mbv2-w0.35-r144", "--cost-model", "paper", "--ram-budget", "64k", "--json", path});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("63,741"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1.2295 x vanilla"), std::string::npos) << r.out;

  const json j = json::parse(Slurp(path));
  EXPECT_EQ(j["model"], "zoo:mbv2-w0.35-r144");
  EXPECT_EQ(j["strategy"], "msf");
  EXPECT_EQ(j["cost_model"], "paper");
  EXPECT_EQ(j["objective"], (json{{"kind", "ram_budget"}, {"value", 64000}}));
  EXPECT_EQ(j["peak_ram_bytes"], 63741);
  EXPECT_EQ(j["macs"], 23249938);
  EXPECT_EQ(j["vanilla_macs"], 18909490);
  EXPECT_NEAR(j["mac_overhead"].get<double>(), 23249938.0 / 18909490.0, 1e-12);
  EXPECT_EQ(j["num_ops"], 53);
  EXPECT_TRUE(j.contains("peak_ram_bytes_with_io"));
  ASSERT_EQ(j["steps"].size(), 16u);
  EXPECT_EQ(j["steps"][0], (json{{"ops", {0, 1}}, {"kind", "fused"}, {"variant", "hcache"}, {"patch", {1, 1}},
                                 {"ram_bytes", 57062}, {"ram_bytes_with_io", 119270}, {"macs", 2166912}}));
  // And the loader the executor will use accepts it.
  EXPECT_EQ(plan::ReadPlanFile(path).steps.size(), 16u);
}

TEST(PlanCli, ObjectivesAndStrategies) {
  const test::CliResult p1 = RunCli({"plan", "zoo:mcunet-vww-5fps-r80", "--cost-model", "paper", "--max-overhead", "1.3"});
  ASSERT_EQ(p1.exit_code, 0) << p1.err;
  EXPECT_NE(p1.out.find("peak RAM: 17,760 bytes"), std::string::npos) << p1.out;

  const test::CliResult inf = RunCli({"plan", "zoo:mcunet-vww-5fps-r80", "--cost-model", "paper", "--max-overhead", "inf"});
  ASSERT_EQ(inf.exit_code, 0) << inf.err;
  EXPECT_NE(inf.out.find("peak RAM: 12,000 bytes"), std::string::npos) << inf.out;

  const test::CliResult heuristic =
      RunCli({"plan", "zoo:mcunet-320kb-r176", "--cost-model", "paper", "--min-ram", "--strategy", "mcunetv2"});
  ASSERT_EQ(heuristic.exit_code, 0) << heuristic.err;
  EXPECT_NE(heuristic.out.find("peak RAM: 90,307 bytes"), std::string::npos) << heuristic.out;

  const test::CliResult layer = RunCli({"plan", "zoo:mbv2-w0.35-r144", "--min-ram", "--strategy", "layer"});
  ASSERT_EQ(layer.exit_code, 0) << layer.err;
  EXPECT_NE(layer.out.find("(0 fused, 53 layer)"), std::string::npos) << layer.out;

  const test::CliResult kib = RunCli({"plan", "zoo:mbv2-w0.35-r144", "--cost-model", "paper", "--ram-budget", "16KiB"});
  ASSERT_EQ(kib.exit_code, 0) << kib.err;
  EXPECT_NE(kib.out.find("<= 16,384 bytes"), std::string::npos) << kib.out;
}

TEST(PlanCli, InfeasibleBudgetNamesTheSmallestFeasiblePeak) {
  const test::CliResult r = RunCli({"plan", "zoo:mcunet-320kb-r176", "--cost-model", "paper", "--ram-budget", "32k"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "msf: error: no fusion setting fits a peak RAM of 32000 bytes; the smallest feasible peak RAM is 42643 "
            "bytes\n");
  EXPECT_TRUE(r.out.empty());
}

TEST(PlanCli, UserErrorsAreOneLineWithExitCode2) {
  const std::vector<std::vector<std::string>> bad = {
      {"plan", "zoo:mbv2-w0.35-r144"},
      {"plan", "zoo:mbv2-w0.35-r144", "--min-ram", "--ram-budget", "64k"},
      {"plan", "zoo:mbv2-w0.35-r144", "--ram-budget", "64 kB"},
      {"plan", "zoo:mbv2-w0.35-r144", "--ram-budget", "-1"},
      {"plan", "zoo:mbv2-w0.35-r144", "--max-overhead", "fast"},
      {"plan", "zoo:mbv2-w0.35-r144", "--max-overhead", "0.5", "--cost-model", "paper"},
      {"plan", "zoo:mbv2-w0.35-r144", "--min-ram", "--strategy", "tinyengine"},
      {"plan", "zoo:mbv2-w0.35-r144", "--min-ram", "--cost-model", "guess"},
      {"plan", "zoo:mbv2-w0.35-r144", "--min-ram", "--strategy", "streamnet", "--cost-model", "paper"},
      {"plan", "--min-ram"},
      {"pareto"},
      {"pareto", "zoo:mbv2-w0.35-r144", "--cost-model", "guess"},
  };
  for (const auto& args : bad) {
    const test::CliResult r = RunCli(args);
    EXPECT_EQ(r.exit_code, 2) << args.back() << ": " << r.err;
    ASSERT_FALSE(r.err.empty());
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << r.err;
    EXPECT_EQ(r.err.rfind("msf: error: ", 0), 0u) << r.err;
  }
}

TEST(PlanCli, PaperCostModelNeedsAPlainChain) {
  MSF_REQUIRE_MODELS();
  const test::CliResult r = RunCli({"plan", test::ModelsDir() + "/mcunet_imagenet/mbv2-w0.35-r144_imagenet.tflite",
                                    "--min-ram", "--cost-model", "paper"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--cost-model paper needs a plain conv chain such as the zoo: models; op "), std::string::npos)
      << r.err;
}

// Minimal XML well-formedness: balanced tags, quoted attributes, one root.
bool WellFormedXml(const std::string& s, std::string* why) {
  std::vector<std::string> open;
  size_t i = s.rfind("?>", 200) == std::string::npos ? 0 : s.find("?>") + 2;
  int roots = 0;
  while ((i = s.find('<', i)) != std::string::npos) {
    const size_t end = s.find('>', i);
    if (end == std::string::npos) return *why = "unterminated tag", false;
    const std::string tag = s.substr(i + 1, end - i - 1);
    if (std::count(tag.begin(), tag.end(), '"') % 2 != 0) return *why = "unbalanced quotes in <" + tag + ">", false;
    if (tag[0] == '/') {
      if (open.empty() || open.back() != tag.substr(1)) return *why = "mismatched </" + tag.substr(1) + ">", false;
      open.pop_back();
    } else if (tag.back() != '/') {
      if (open.empty()) ++roots;
      open.push_back(tag.substr(0, tag.find_first_of(" \n")));
    }
    const std::string text = s.substr(end + 1, s.find('<', end) - end - 1);
    if (text.find('&') != std::string::npos && text.find("&amp;") == std::string::npos &&
        text.find("&lt;") == std::string::npos && text.find("&gt;") == std::string::npos) {
      return *why = "unescaped & in text", false;
    }
    i = end + 1;
  }
  if (!open.empty()) return *why = "unclosed <" + open.back() + ">", false;
  if (roots != 1) return *why = "expected one root element", false;
  return true;
}

TEST(ParetoCli, PrintsTheFrontAndWritesSvgAndJson) {
  const std::string svg = test::TempPath("pareto.svg");
  const std::string out = test::TempPath("pareto.json");
  const test::CliResult r =
      RunCli({"pareto", "zoo:mbv2-w0.35-r144", "--cost-model", "paper", "--svg", svg, "--json", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("7,887"), std::string::npos);
  EXPECT_NE(r.out.find("mcunetv2"), std::string::npos);
  EXPECT_NE(r.out.find("streamnet: not available"), std::string::npos) << r.out;

  const json j = json::parse(Slurp(out));
  ASSERT_GE(j["front"].size(), 2u);
  EXPECT_EQ(j["front"][0]["macs"], 18909490);
  EXPECT_EQ(j["front"].back()["peak_ram_bytes"], 7887);
  for (size_t i = 1; i < j["front"].size(); ++i) {
    EXPECT_LT(j["front"][i]["peak_ram_bytes"], j["front"][i - 1]["peak_ram_bytes"]);
    EXPECT_GT(j["front"][i]["macs"], j["front"][i - 1]["macs"]);
  }
  ASSERT_EQ(j["baselines"].size(), 2u);
  EXPECT_EQ(j["baselines"][0]["strategy"], "layer");
  EXPECT_EQ(j["baselines"][0]["peak_ram_bytes"], 194400);
  EXPECT_EQ(j["baselines"][1]["strategy"], "mcunetv2");
  EXPECT_EQ(j["baselines"][1]["peak_ram_bytes"], 32076);
  EXPECT_EQ(j["unavailable"][0]["strategy"], "streamnet");

  const std::string s = Slurp(svg);
  std::string why;
  EXPECT_TRUE(WellFormedXml(s, &why)) << why;
  EXPECT_NE(s.find("<svg xmlns=\"http://www.w3.org/2000/svg\""), std::string::npos);
  EXPECT_GT(std::count(s.begin(), s.end(), '\n'), 20);
  EXPECT_NE(s.find("peak RAM (kB"), std::string::npos);
  EXPECT_NE(s.find("MAC overhead F"), std::string::npos);
  EXPECT_NE(s.find("MCUNetV2-style 32.1 kB"), std::string::npos);
  EXPECT_NE(s.find("layer-by-layer 194.4 kB"), std::string::npos);
  size_t circles = 0;
  for (size_t at = 0; (at = s.find("<circle", at)) != std::string::npos; ++at) ++circles;
  EXPECT_EQ(circles, j["front"].size() + 1);  // one per point, one in the legend
}

TEST(ParetoCli, ExactCostModelIsTheDefault) {
  const test::CliResult r = RunCli({"pareto", "zoo:mcunet-vww-5fps-r80"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("cost model: exact"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("layer "), std::string::npos) << r.out;
}

}  // namespace
}  // namespace msf
