// SPDX-License-Identifier: MIT
// Reads a whole input file the user named. Every failure (missing file,
// a directory, an unreadable file) is one msf::Error "<path>: <cause>".
#pragma once
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

#include "core/error.h"

namespace msf {

// `what` names the file's role in the message: "cannot open <what>".
template <typename Byte = uint8_t>
std::vector<Byte> ReadWholeFile(const std::string& path, const std::string& what = "file") {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw Error(path + ": cannot open " + what + " (it is a directory)");
  std::ifstream f(path, std::ios::binary);
  if (!f) throw Error(path + ": cannot open " + what);
  try {
    std::vector<Byte> bytes;
    char buf[65536];
    while (f.read(buf, sizeof buf) || f.gcount() > 0) {
      bytes.insert(bytes.end(), reinterpret_cast<const Byte*>(buf), reinterpret_cast<const Byte*>(buf) + f.gcount());
    }
    if (f.bad()) throw Error(path + ": read error");
    return bytes;
  } catch (const std::ios_base::failure&) {
    throw Error(path + ": read error");
  }
}

}  // namespace msf
