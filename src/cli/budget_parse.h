// SPDX-License-Identifier: MIT
// Parsers for the numbers of `msf plan`: RAM budgets and MAC overhead bounds.
// Every malformed value is one msf::Error line naming the accepted forms.
#pragma once
#include <cstdint>
#include <string_view>

namespace msf::cli {

// Bytes as a whole number with an optional unit: B; k, K, kB, KB (x1000);
// KiB (x1024); M, MB (x1000^2); MiB (x1024^2). "64k" = 64000, "64KiB" = 65536.
// Must be positive and fit in int64.
int64_t ParseRamBudget(std::string_view text);

// A positive decimal number ("1.3", "2", "1e1") or "inf" for no bound.
double ParseMaxOverhead(std::string_view text);

}  // namespace msf::cli
