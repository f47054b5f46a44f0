// SPDX-License-Identifier: MIT
#include "cli/budget_parse.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "base/error.h"

namespace msf::cli {
namespace {

TEST(PlanBudgetParse, AcceptsBytesAndUnits) {
  EXPECT_EQ(ParseRamBudget("64000"), 64000);
  EXPECT_EQ(ParseRamBudget("64000B"), 64000);
  EXPECT_EQ(ParseRamBudget("64k"), 64000);
  EXPECT_EQ(ParseRamBudget("64K"), 64000);
  EXPECT_EQ(ParseRamBudget("64kB"), 64000);
  EXPECT_EQ(ParseRamBudget("64KB"), 64000);
  EXPECT_EQ(ParseRamBudget("64KiB"), 65536);
  EXPECT_EQ(ParseRamBudget("2M"), 2000000);
  EXPECT_EQ(ParseRamBudget("2MiB"), 2097152);
  EXPECT_EQ(ParseRamBudget("1"), 1);
  EXPECT_EQ(ParseRamBudget("9223372036854775807"), INT64_MAX);
}

void ExpectOneLineError(const std::string& text, const std::string& fragment) {
  try {
    ParseRamBudget(text);
    ADD_FAILURE() << "no error for '" << text << "'";
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
    EXPECT_NE(msg.find(fragment), std::string::npos) << msg;
    EXPECT_NE(msg.find("64KiB"), std::string::npos) << msg;  // names the accepted forms
  }
}

TEST(PlanBudgetParse, RejectsGarbageNegativeOverflowAndEmpty) {
  ExpectOneLineError("", "empty");
  ExpectOneLineError("abc", "not a number");
  ExpectOneLineError("k", "not a number");
  ExpectOneLineError(" 64k", "not a number");
  ExpectOneLineError("-64k", "must be positive");
  ExpectOneLineError("0", "must be positive");
  ExpectOneLineError("0KiB", "must be positive");
  ExpectOneLineError("64kb", "unknown unit");
  ExpectOneLineError("64kib", "unknown unit");
  ExpectOneLineError("64 k", "unknown unit");
  ExpectOneLineError("1.5k", "unknown unit");
  ExpectOneLineError("64k ", "unknown unit");
  ExpectOneLineError("9223372036854775808", "too large");
  ExpectOneLineError("99999999999999999999999", "too large");
  ExpectOneLineError("9223372036854775807k", "too large");
  ExpectOneLineError("9007199254740993KiB", "too large");
}

TEST(PlanBudgetParse, MaxOverhead) {
  EXPECT_DOUBLE_EQ(ParseMaxOverhead("1.3"), 1.3);
  EXPECT_DOUBLE_EQ(ParseMaxOverhead("2"), 2.0);
  EXPECT_DOUBLE_EQ(ParseMaxOverhead("1e1"), 10.0);
  EXPECT_TRUE(std::isinf(ParseMaxOverhead("inf")));
  EXPECT_TRUE(std::isinf(ParseMaxOverhead("Inf")));
  EXPECT_TRUE(std::isinf(ParseMaxOverhead("infinity")));
  for (const char* bad : {"", "x", "1.3x", "nan", "-1", "0", "-inf", "1e999", " 1.3", "1,3"}) {
    EXPECT_THROW(ParseMaxOverhead(bad), Error) << "'" << bad << "'";
  }
  try {
    ParseMaxOverhead("-2");
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "invalid MAC overhead '-2': must be positive (expected a factor such as 1.3, or inf)");
  }
}

}  // namespace
}  // namespace msf::cli
