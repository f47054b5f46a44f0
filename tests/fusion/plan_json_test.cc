// SPDX-License-Identifier: MIT
#include "plan/plan_json.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>

#include "base/error.h"
#include "fusion/paper_fixtures.h"
#include "search/solvers.h"
#include "support/test_support.h"

namespace msf::plan {
namespace {

using nlohmann::json;
using namespace search;  // DAGs, objectives and solvers build the plans under test
using step::StepKind;
using step::Variant;

Plan PaperPlan(const Objective& o) {
  const FusionDag& dag = test::PaperDagOf("mbv2-w0.35-r144");
  Plan p = MakePlan(dag, SolveP2(dag, 64000));
  p.model = "zoo:mbv2-w0.35-r144";
  p.strategy = "msf";
  p.cost_model = "paper";
  p.objective = o;
  return p;
}

void ExpectSame(const Plan& a, const Plan& b) {
  EXPECT_EQ(a.model, b.model);
  EXPECT_EQ(a.strategy, b.strategy);
  EXPECT_EQ(a.cost_model, b.cost_model);
  EXPECT_EQ(a.objective.kind, b.objective.kind);
  EXPECT_EQ(a.objective.ram_budget, b.objective.ram_budget);
  EXPECT_EQ(a.objective.max_overhead, b.objective.max_overhead);
  EXPECT_EQ(a.peak_ram_bytes, b.peak_ram_bytes);
  EXPECT_EQ(a.peak_ram_bytes_with_io, b.peak_ram_bytes_with_io);
  EXPECT_EQ(a.macs, b.macs);
  EXPECT_EQ(a.vanilla_macs, b.vanilla_macs);
  EXPECT_DOUBLE_EQ(a.mac_overhead, b.mac_overhead);
  EXPECT_EQ(a.num_ops, b.num_ops);
  ASSERT_EQ(a.steps.size(), b.steps.size());
  for (size_t i = 0; i < a.steps.size(); ++i) {
    const PlanStep &x = a.steps[i], &y = b.steps[i];
    EXPECT_EQ(x.from, y.from);
    EXPECT_EQ(x.to, y.to);
    EXPECT_EQ(x.kind, y.kind);
    EXPECT_EQ(x.variant, y.variant);
    EXPECT_EQ(x.patch_h, y.patch_h);
    EXPECT_EQ(x.patch_w, y.patch_w);
    EXPECT_EQ(x.ram_bytes, y.ram_bytes);
    EXPECT_EQ(x.ram_bytes_with_io, y.ram_bytes_with_io);
    EXPECT_EQ(x.macs, y.macs);
  }
}

TEST(PlanJson, MakePlanFollowsTheSetting) {
  const Plan p = PaperPlan({Objective::Kind::kRamBudget, 64000, 0});
  EXPECT_EQ(p.num_ops, 53);
  EXPECT_EQ(p.peak_ram_bytes, 63741);
  EXPECT_EQ(p.macs, 23249938);
  EXPECT_EQ(p.vanilla_macs, 18909490);
  ASSERT_EQ(p.steps.size(), 16u);
  EXPECT_EQ(p.steps[1].from, 2);
  EXPECT_EQ(p.steps[1].to, 13);
  EXPECT_EQ(p.steps[1].kind, StepKind::kFused);
  EXPECT_EQ(p.steps[1].variant, Variant::kHCache);
  EXPECT_EQ(p.steps[2].kind, StepKind::kLayer);
  EXPECT_EQ(p.steps[2].from, 13);
}

TEST(PlanJson, RoundTripsEveryObjective) {
  for (const Objective& o : {Objective{Objective::Kind::kRamBudget, 64000, 0},
                             Objective{Objective::Kind::kMaxOverhead, 0, 1.3},
                             Objective{Objective::Kind::kMaxOverhead, 0, std::numeric_limits<double>::infinity()},
                             Objective{Objective::Kind::kMinRam, 0, 0}}) {
    const Plan p = PaperPlan(o);
    ExpectSame(PlanFromJsonText(PlanToJsonText(p)), p);
  }
}

TEST(PlanJson, WritesTheDocumentedFields) {
  const json j = json::parse(PlanToJsonText(PaperPlan({Objective::Kind::kMaxOverhead, 0, 1.3})));
  EXPECT_EQ(j["objective"], (json{{"kind", "max_overhead"}, {"value", 1.3}}));
  EXPECT_EQ(j["steps"][1]["ops"], (json{2, 12}));
  EXPECT_EQ(j["steps"][1]["kind"], "fused");
  EXPECT_EQ(j["steps"][1]["variant"], "hcache");
  EXPECT_EQ(j["steps"][1]["patch"], (json{1, 1}));
  EXPECT_EQ(j["steps"][2]["kind"], "layer");
  EXPECT_TRUE(j["steps"][2]["variant"].is_null());
  EXPECT_TRUE(j["steps"][2]["patch"].is_null());
  const json inf = json::parse(PlanToJsonText(PaperPlan({Objective::Kind::kMaxOverhead, 0, INFINITY})));
  EXPECT_EQ(inf["objective"]["value"], "inf");
  const json min_ram = json::parse(PlanToJsonText(PaperPlan({Objective::Kind::kMinRam, 0, 0})));
  EXPECT_EQ(min_ram["objective"], (json{{"kind", "min_ram"}}));
}

// Each case breaks one thing in a valid plan; the loader must say what.
TEST(PlanJson, LoaderRejectsBrokenPlans) {
  const json good = json::parse(PlanToJsonText(PaperPlan({Objective::Kind::kRamBudget, 64000, 0})));
  struct Case {
    const char* name;
    std::function<void(json&)> damage;
    const char* fragment;
  };
  const Case cases[] = {
      {"missing model", [](json& j) { j.erase("model"); }, "has no \"model\""},
      {"unknown strategy", [](json& j) { j["strategy"] = "fast"; }, "unknown strategy 'fast'"},
      {"unknown cost model", [](json& j) { j["cost_model"] = "guess"; }, "cost_model"},
      {"unknown objective", [](json& j) { j["objective"]["kind"] = "speed"; }, "objective.kind"},
      {"negative budget", [](json& j) { j["objective"]["value"] = -5; }, "must not be negative"},
      {"gap", [](json& j) { j["steps"][2]["ops"] = {14, 14}; }, "must start at op 13"},
      {"overlap", [](json& j) { j["steps"][1]["ops"] = {1, 12}; }, "must start at op 2"},
      {"backwards", [](json& j) { j["steps"][1]["ops"] = {2, 1}; }, "ends before it starts"},
      {"short", [](json& j) { j["steps"].erase(15); }, "end at op 49 but the model has 53 ops"},
      {"too long", [](json& j) { j["num_ops"] = 50; }, "go past the last op"},
      {"kind", [](json& j) { j["steps"][0]["kind"] = "magic"; }, "steps[0].kind"},
      {"variant", [](json& j) { j["steps"][0]["variant"] = "cache"; }, "steps[0].variant"},
      {"layer with variant", [](json& j) { j["steps"][2]["variant"] = "hcache"; }, "must be null"},
      {"multi-op layer", [](json& j) { j["steps"][1]["kind"] = "layer"; }, "more than one op"},
      {"zero patch", [](json& j) { j["steps"][0]["patch"] = {0, 1}; }, "must be positive"},
      {"negative macs", [](json& j) { j["steps"][0]["macs"] = -1; }, "must not be negative"},
      {"fractional ram", [](json& j) { j["steps"][0]["ram_bytes"] = 1.5; }, "must be an integer"},
      {"string macs", [](json& j) { j["macs"] = "many"; }, "must be an integer"},
      {"huge", [](json& j) { j["macs"] = 18446744073709551615ull; }, "too large"},
      {"wrong peak", [](json& j) { j["peak_ram_bytes"] = 1; }, "peak_ram_bytes is not the largest"},
      {"wrong macs", [](json& j) { j["macs"] = 1; }, "macs is not the sum"},
      {"no steps", [](json& j) { j["steps"] = json::array(); }, "non-empty array"},
      {"zero ops", [](json& j) { j["num_ops"] = 0; }, "at least 1"},
      {"bad overhead", [](json& j) { j["mac_overhead"] = "x"; }, "mac_overhead"},
  };
  for (const Case& c : cases) {
    json j = good;
    c.damage(j);
    try {
      PlanFromJsonText(j.dump());
      ADD_FAILURE() << c.name << ": accepted";
    } catch (const Error& e) {
      const std::string msg = e.what();
      EXPECT_NE(msg.find(c.fragment), std::string::npos) << c.name << ": " << msg;
      EXPECT_EQ(msg.find('\n'), std::string::npos) << c.name;
    }
  }
  EXPECT_THROW(PlanFromJsonText("{not json"), Error);
  EXPECT_THROW(PlanFromJsonText("[1, 2]"), Error);
  EXPECT_THROW(PlanFromJsonText(""), Error);
}

TEST(PlanJson, FilesRoundTripAndErrorsNameThePath) {
  const Plan p = PaperPlan({Objective::Kind::kMinRam, 0, 0});
  const std::string path = test::TempPath("plan_json_test.json");
  WritePlanFile(path, p);
  ExpectSame(ReadPlanFile(path), p);
  test::WriteFile(path, {'{', '}'});
  try {
    ReadPlanFile(path);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).rfind(path + ": invalid plan", 0), 0u) << e.what();
  }
  EXPECT_THROW(ReadPlanFile(path + ".missing"), Error);
}

}  // namespace
}  // namespace msf::plan
