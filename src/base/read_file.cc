// SPDX-License-Identifier: MIT
#include "base/read_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "base/error.h"

namespace msf::detail {
namespace {

// Files msf may read: regular files, and streams (FIFOs, character and block
// devices such as a pipe, /dev/stdin or /dev/zero).
bool Readable(mode_t mode) { return S_ISREG(mode) || S_ISFIFO(mode) || S_ISCHR(mode) || S_ISBLK(mode); }

std::string KindOf(mode_t mode) {
  if (S_ISDIR(mode)) return "it is a directory";
  if (S_ISSOCK(mode)) return "it is a socket, not a file";
  return "not a regular file";
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

void ReadFileInto(const std::string& path, const std::string& what, int64_t max_bytes, const std::string& limit_note,
                  void* buffer, uint8_t* (*resize)(void* buffer, size_t n)) {
  if (max_bytes < 0 || max_bytes > (int64_t{1} << 40)) throw Error("internal: read limit " + std::to_string(max_bytes));
  const std::string cannot_open = path + ": cannot open " + what;
  const auto too_large = [&](const std::string& size) {
    return Error(
        path + ": has " + size + " bytes" +
        (limit_note.empty() ? ", more than a " + what + " may have (" + std::to_string(max_bytes) + ")" : limit_note));
  };
  // Look before opening: opening a directory or a socket is refused with a
  // clear message, and a regular file's size is checked before any read.
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw Error(cannot_open + " (" + std::strerror(errno) + ")");
  if (!Readable(st.st_mode)) throw Error(cannot_open + " (" + KindOf(st.st_mode) + ")");
  if (S_ISREG(st.st_mode) && st.st_size > max_bytes) throw too_large(std::to_string(st.st_size));

  const Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (fd.get() < 0) throw Error(cannot_open + " (" + std::strerror(errno) + ")");
  // The path may have changed between stat and open: judge what was opened.
  if (::fstat(fd.get(), &st) != 0) throw Error(path + ": read error (" + std::strerror(errno) + ")");
  if (!Readable(st.st_mode)) throw Error(cannot_open + " (" + KindOf(st.st_mode) + ")");
  const bool regular = S_ISREG(st.st_mode);
  if (regular && st.st_size > max_bytes) throw too_large(std::to_string(st.st_size));

  // Read at most max_bytes + 1 bytes: one byte more than allowed proves the
  // file too large without reading an endless stream to its end.
  const size_t cap = static_cast<size_t>(max_bytes) + 1;
  size_t size = 0;
  size_t capacity = regular ? std::min(cap, static_cast<size_t>(st.st_size) + 1) : std::min<size_t>(cap, 65536);
  uint8_t* data = resize(buffer, capacity);
  while (size < cap) {
    if (size == capacity) {
      capacity = std::min(cap, capacity * 2);
      data = resize(buffer, capacity);
    }
    const ssize_t n = ::read(fd.get(), data + size, capacity - size);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Error(path + ": read error (" + std::strerror(errno) + ")");
    }
    if (n == 0) break;
    size += static_cast<size_t>(n);
  }
  if (size > static_cast<size_t>(max_bytes)) {
    throw too_large("more than " + std::to_string(max_bytes));
  }
  resize(buffer, size);
}

}  // namespace msf::detail
