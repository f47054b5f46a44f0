// SPDX-License-Identifier: MIT
// How numbers and shapes read in every message, table and report.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace msf {

std::string ShapeString(const std::vector<int32_t>& shape);  // "1x80x80x3" ("scalar" for rank 0)
std::string Thousands(int64_t v);                            // "18,909,490"

}  // namespace msf
