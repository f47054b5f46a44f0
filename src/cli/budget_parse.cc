// SPDX-License-Identifier: MIT
#include "cli/budget_parse.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <string>

#include "base/error.h"

namespace msf::cli {
namespace {

struct Unit {
  std::string_view suffix;
  int64_t factor;
};

constexpr Unit kUnits[] = {
    {"", 1},           {"B", 1},          {"k", 1000},       {"K", 1000},          {"kB", 1000},
    {"KB", 1000},      {"KiB", 1024},     {"M", 1000000},    {"MB", 1000000},      {"MiB", 1048576},
};

[[noreturn]] void BadBudget(std::string_view text, const char* why) {
  throw Error("invalid RAM budget '" + std::string(text) + "': " + why +
              " (expected bytes such as 64000, 64k, 64kB or 64KiB)");
}

}  // namespace

int64_t ParseRamBudget(std::string_view text) {
  if (text.empty()) BadBudget(text, "empty");
  if (text[0] == '-') BadBudget(text, "must be positive");
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0) BadBudget(text, "not a number");
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + digits, value);
  if (ec == std::errc::result_out_of_range) BadBudget(text, "too large");
  const std::string_view suffix = text.substr(digits);
  for (const Unit& u : kUnits) {
    if (suffix != u.suffix) continue;
    if (value > std::numeric_limits<int64_t>::max() / u.factor) BadBudget(text, "too large");
    if (value == 0) BadBudget(text, "must be positive");
    return value * u.factor;
  }
  BadBudget(text, "unknown unit");
}

double ParseMaxOverhead(std::string_view text) {
  const std::string bad = "invalid MAC overhead '" + std::string(text) + "': ";
  const char* const hint = " (expected a factor such as 1.3, or inf)";
  if (text == "inf" || text == "Inf" || text == "INF" || text == "infinity") {
    return std::numeric_limits<double>::infinity();
  }
  if (text.empty()) throw Error(bad + "empty" + hint);
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc::result_out_of_range) throw Error(bad + "out of range" + hint);
  if (ec != std::errc() || end != text.data() + text.size() || std::isnan(value)) {
    throw Error(bad + "not a number" + hint);
  }
  if (value <= 0) throw Error(bad + "must be positive" + hint);
  return value;  // may be +inf ("Infinity")
}

}  // namespace msf::cli
