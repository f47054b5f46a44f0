// SPDX-License-Identifier: MIT
// Writes a whole output file or nothing: the bytes go to PATH.msf-tmp beside
// the target, which is renamed over PATH only once complete, so a failure
// never leaves a partial or truncated file at PATH.
#pragma once
#include <cstdio>
#include <fstream>
#include <string>
#include <string_view>

#include "core/error.h"

namespace msf {

inline void WriteFileAtomically(const std::string& path, std::string_view bytes) {
  const std::string tmp = path + ".msf-tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) throw Error(path + ": cannot write file");
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    f.close();
    if (!f) {
      std::remove(tmp.c_str());
      throw Error(path + ": write failed");
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw Error(path + ": cannot write file");
  }
}

}  // namespace msf
