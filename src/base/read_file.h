// SPDX-License-Identifier: MIT
// Reads a whole input file the user named, with a size limit checked before
// anything is read. Every failure (missing file, a directory, a socket, a
// file over the limit, a read error) is one msf::Error "<path>: <cause>".
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace msf {

// Largest files msf reads. A model is for a microcontroller (flash is a few
// MB); plans, latency models and sample CSVs are text of a few hundred kB.
inline constexpr int64_t kMaxModelFileBytes = int64_t{256} << 20;
inline constexpr int64_t kMaxTextFileBytes = int64_t{64} << 20;

namespace detail {
// The reader behind ReadWholeFile: fills a buffer that `resize(buffer, n)`
// resizes to n bytes (returning its data), and leaves it at the file's size.
void ReadFileInto(const std::string& path, const std::string& what, int64_t max_bytes, const std::string& limit_note,
                  void* buffer, uint8_t* (*resize)(void* buffer, size_t n));
}  // namespace detail

// Reads `path` whole. `what` names the file's role in messages ("cannot open
// <what>"). Regular files, FIFOs and devices (a pipe, /dev/stdin) are read;
// a directory, a socket or anything else is refused before it is opened. A
// regular file larger than `max_bytes` is refused by its size before it is
// read; a stream is read for at most `max_bytes` + 1 bytes, so an endless
// one (/dev/zero) is refused after that: "<path>: has more than N bytes".
// `limit_note` replaces the default explanation after that message, e.g.
// ", the model input 1x8x8x3 needs 192".
template <typename Byte = uint8_t>
std::vector<Byte> ReadWholeFile(const std::string& path, const std::string& what = "file",
                                int64_t max_bytes = kMaxModelFileBytes, const std::string& limit_note = "") {
  static_assert(sizeof(Byte) == 1, "bytes only");
  std::vector<Byte> bytes;
  detail::ReadFileInto(path, what, max_bytes, limit_note, &bytes, [](void* buffer, size_t n) {
    auto* v = static_cast<std::vector<Byte>*>(buffer);
    v->resize(n);
    return reinterpret_cast<uint8_t*>(v->data());
  });
  return bytes;
}

}  // namespace msf
