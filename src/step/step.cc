// SPDX-License-Identifier: MIT
#include "step/step.h"

namespace msf::step {

const char* VariantName(Variant v) {
  switch (v) {
    case Variant::kNone: return "none";
    case Variant::kRecompute: return "recompute";
    case Variant::kHCache: return "hcache";
    case Variant::kLineBuffer: return "linebuf";
  }
  return "?";
}

}  // namespace msf::step
