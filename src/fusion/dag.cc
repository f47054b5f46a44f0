// SPDX-License-Identifier: MIT
#include "fusion/dag.h"

namespace msf::fusion {

const char* VariantName(Variant v) {
  switch (v) {
    case Variant::kNone: return "none";
    case Variant::kRecompute: return "recompute";
    case Variant::kHCache: return "hcache";
    case Variant::kLineBuffer: return "linebuf";
  }
  return "?";
}

}  // namespace msf::fusion
