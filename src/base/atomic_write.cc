// SPDX-License-Identifier: MIT
#include "base/atomic_write.h"

#include <fcntl.h>
#include <stdio.h>  // renameat2, RENAME_EXCHANGE (glibc >= 2.28)
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <system_error>
#include <utility>

#include "base/error.h"

namespace msf {
namespace {

namespace fs = std::filesystem;

std::string Reason(int err) { return std::strerror(err); }

Error WriteError(const std::string& path, const std::string& why) {
  return Error(path + ": cannot write output file (" + why + ")");
}

// Random characters for temporary names: unpredictable (random_device) and
// distinct across processes and threads.
std::string RandomSuffix() {
  thread_local std::mt19937_64 rng = [] {
    std::random_device rd;
    const auto now = static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
    std::seed_seq seq{rd(),
                      rd(),
                      rd(),
                      static_cast<unsigned>(getpid()),
                      static_cast<unsigned>(now),
                      static_cast<unsigned>(now >> 32)};
    return std::mt19937_64(seq);
  }();
  static constexpr char kChars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::string s;
  for (int i = 0; i < 10; ++i) s += kChars[rng() % (sizeof kChars - 1)];
  return s;
}

// The directory holding `path` and its last component ("out.bin" -> ".", "out.bin").
std::pair<std::string, std::string> DirAndName(const std::string& path) {
  fs::path p(path);
  while (!p.has_filename() && p.has_relative_path()) p = p.parent_path();  // "pkg/" -> "pkg"
  const std::string dir = p.parent_path().string();
  return {dir.empty() ? "." : dir, p.filename().string()};
}

// A hidden name beside `name` in `dir` that no user file is likely to have;
// the random part makes every call's name distinct.
std::string TempName(const std::string& dir, const std::string& name) {
  return dir + "/." + name.substr(0, 200) + ".msf-" + RandomSuffix();
}

// Creates a file that did not exist, never through a symbolic link.
int CreateExclusive(const std::string& path) {
  return ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0666);
}

// Writes everything; false with errno set on failure.
bool WriteAll(int fd, std::string_view bytes) {
  const char* p = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  return true;
}

void FsyncDir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);  // best effort: the rename is already visible
  ::close(fd);
}

// A device, FIFO or terminal: written where it is, never replaced.
void WriteInPlace(const std::string& path, std::string_view bytes) {
  // It may be our own stdout or stderr (/dev/stdout on a pipe or terminal):
  // what msf printed before comes first.
  std::fflush(stdout);
  std::fflush(stderr);
  const int fd = ::open(path.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) throw WriteError(path, Reason(errno));
  const bool ok = WriteAll(fd, bytes);
  const int err = errno;
  ::close(fd);
  if (!ok) throw WriteError(path, Reason(err));
}

bool SameInode(const struct stat& a, const struct stat& b) { return a.st_dev == b.st_dev && a.st_ino == b.st_ino; }

}  // namespace

void WriteFileAtomically(const std::string& path, std::string_view bytes) {
  if (path.empty()) throw Error("'': cannot write output file (empty file name)");
  struct stat lst {};
  const bool exists = ::lstat(path.c_str(), &lst) == 0;
  if (!exists && errno != ENOENT) throw WriteError(path, Reason(errno));
  struct stat st = lst;
  std::string target = path;
  if (exists) {
    if (S_ISLNK(lst.st_mode) && ::stat(path.c_str(), &st) != 0) {
      throw WriteError(path, errno == ENOENT ? "a symbolic link to a missing file" : Reason(errno));
    }
    if (S_ISDIR(st.st_mode)) throw WriteError(path, "it is a directory");
    if (!S_ISREG(st.st_mode)) return WriteInPlace(path, bytes);
    // The file our own stdout or stderr writes to (--json /dev/stdout with
    // stdout redirected to a file): append through that stream, in order.
    const std::pair<int, FILE*> streams[] = {{STDOUT_FILENO, stdout}, {STDERR_FILENO, stderr}};
    for (const auto& [fd, stream] : streams) {
      struct stat s {};
      if (::fstat(fd, &s) == 0 && S_ISREG(s.st_mode) && SameInode(s, st)) {
        std::fflush(stream);
        if (!WriteAll(fd, bytes)) throw WriteError(path, Reason(errno));
        return;
      }
    }
    if (S_ISLNK(lst.st_mode)) {
      // Replace the file the link points to; the link stays.
      char* resolved = ::realpath(path.c_str(), nullptr);
      if (resolved == nullptr) throw WriteError(path, Reason(errno));
      target = resolved;
      std::free(resolved);
    }
  }
  const auto [dir, name] = DirAndName(target);
  std::string tmp;
  int fd = -1;
  for (int attempt = 0; attempt < 100 && fd < 0; ++attempt) {
    tmp = TempName(dir, name);
    fd = CreateExclusive(tmp);
    if (fd < 0 && errno != EEXIST) throw WriteError(path, Reason(errno));
  }
  if (fd < 0) throw WriteError(path, "no free temporary file name in " + dir);
  if (exists) (void)::fchmod(fd, st.st_mode & 07777);  // keep the replaced file's permissions
  bool ok = WriteAll(fd, bytes) && ::fsync(fd) == 0;
  int err = errno;
  if (::close(fd) != 0 && ok) {
    ok = false;
    err = errno;
  }
  if (ok && ::rename(tmp.c_str(), target.c_str()) != 0) {
    ok = false;
    err = errno;
  }
  if (!ok) {
    ::unlink(tmp.c_str());
    throw WriteError(path, Reason(err));
  }
  FsyncDir(dir);
}

void WriteNewFile(const std::string& path, std::string_view bytes) {
  const int fd = CreateExclusive(path);
  if (fd < 0) throw Error(path + ": cannot write file (" + Reason(errno) + ")");
  bool ok = WriteAll(fd, bytes) && ::fsync(fd) == 0;
  int err = errno;
  if (::close(fd) != 0 && ok) {
    ok = false;
    err = errno;
  }
  if (!ok) throw Error(path + ": cannot write file (" + Reason(err) + ")");
}

std::string MakeTempDirBeside(const std::string& target) {
  const auto [dir, name] = DirAndName(target);
  std::string pattern = dir + "/." + name.substr(0, 200) + ".msf-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw Error(target + ": cannot create a temporary directory beside it (" + Reason(errno) + ")");
  }
  return pattern;
}

void ReplaceDirectory(const std::string& tmp_dir, const std::string& target) {
  const auto [dir, name] = DirAndName(target);
  std::error_code ec;
  const auto fail = [&](int err) {
    fs::remove_all(tmp_dir, ec);
    return Error(target + ": cannot move the new directory into place (" + Reason(err) + ")");
  };
  // A missing target (or an empty directory, which rename replaces).
  if (::rename(tmp_dir.c_str(), target.c_str()) == 0) return FsyncDir(dir);
  if (errno != EEXIST && errno != ENOTEMPTY) throw fail(errno);
  // An existing directory: swap both in one step, then delete the old one.
  if (::renameat2(AT_FDCWD, tmp_dir.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE) == 0) {
    fs::remove_all(tmp_dir, ec);
    return FsyncDir(dir);
  }
  if (errno != EINVAL && errno != ENOSYS) throw fail(errno);
  // No exchange on this file system: move the old one aside first.
  const std::string old = TempName(dir, name);
  if (::rename(target.c_str(), old.c_str()) != 0) throw fail(errno);
  if (::rename(tmp_dir.c_str(), target.c_str()) != 0) {
    const int err = errno;
    ::rename(old.c_str(), target.c_str());
    throw fail(err);
  }
  fs::remove_all(old, ec);
  FsyncDir(dir);
}

std::string ResolvedPath(const std::string& path) {
  std::error_code ec;
  const fs::path absolute = fs::absolute(path, ec);
  if (ec) return path;
  const fs::path resolved = fs::weakly_canonical(absolute, ec);
  return ec ? absolute.lexically_normal().string() : resolved.string();
}

bool SameFile(const std::string& a, const std::string& b) {
  struct stat sa {
  }, sb{};
  const bool have_a = ::stat(a.c_str(), &sa) == 0;
  const bool have_b = ::stat(b.c_str(), &sb) == 0;
  if (have_a && have_b) return SameInode(sa, sb);
  if (have_a != have_b) return false;
  return ResolvedPath(a) == ResolvedPath(b);
}

bool IsSpecialFile(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
}

}  // namespace msf
