// SPDX-License-Identifier: MIT
// Rewrites an imported graph into the form msf plans on: identity PADs are
// removed and explicit PADs feeding convolutions are folded into the
// convolution's padding (exact: TFLite pads with the zero point, which a
// convolution treats as contributing 0). Op source indices are kept.
#pragma once
#include "ir/graph.h"

namespace msf::ir {

struct CanonicalizeStats {
  int identity_pads_removed = 0;
  int pads_folded = 0;
};

CanonicalizeStats Canonicalize(Graph& g);

// Checks shapes and references; throws msf::Error on the first problem.
void Verify(const Graph& g);

}  // namespace msf::ir
