// SPDX-License-Identifier: MIT
// The Markdown of `msf report paper` (docs/report/): one page per model and
// the summary README, rendered from the measured runs of paper_runs.h.
#pragma once
#include <string>

#include "report/paper_runs.h"

namespace msf::report {

std::string ModelPage(const ModelReport& m);
std::string Summary(const PaperReport& report);

}  // namespace msf::report
