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
  bool reordered = false;  // the ops were put in chain-contiguous order
};

CanonicalizeStats Canonicalize(Graph& g);

// Puts the ops in a topological order that keeps chains contiguous: after an
// op, one that reads its output runs next when one is ready (the earliest in
// file order), otherwise the earliest ready op. The fusion DAG is built on
// cuts of this order, so a branch whose ops the file interleaves with
// another branch's (an FPN's heads) becomes a contiguous run that can fuse.
// A chain, and a file already in that order, keep their order. Returns
// whether the order changed.
bool OrderChainsContiguously(Graph& g);

// Checks shapes and references; throws msf::Error on the first problem.
void Verify(const Graph& g);

}  // namespace msf::ir
