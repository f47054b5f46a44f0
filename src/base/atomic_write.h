// SPDX-License-Identifier: MIT
// The one way msf writes files (every command's outputs and codegen's
// packages go through here).
//
// An output file is written whole or not at all: the bytes go to a fresh
// temporary file beside the target, created exclusively under a unique
// random name (.NAME.msf-XXXXXX: O_CREAT | O_EXCL | O_NOFOLLOW, so neither a
// user's file nor a planted symbolic link is ever opened), flushed to disk
// (fsync), then renamed over the target. Concurrent writers of one output
// each rename a complete file: the last one wins, nothing is mixed or lost.
//
// An output that exists and is not a regular file (/dev/null, /dev/stdout on
// a terminal or a pipe, a FIFO, a device) is written in place and never
// replaced; an output that is the file msf's own stdout or stderr goes to
// (`--json /dev/stdout > out.json`) is written through that stream. A
// symbolic link to a regular file is followed: the file it points to is
// replaced, the link stays.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace msf {

// Writes `bytes` to the output file `path` as described above. Throws
// msf::Error("<path>: cannot write output file (<reason>)") on failure, in
// which case `path` is untouched and no temporary file is left.
void WriteFileAtomically(const std::string& path, std::string_view bytes);

// Creates the file `path`, which must not exist yet (O_EXCL, no symbolic link
// followed), writes `bytes` and fsyncs it. For files of a fresh temporary
// directory (see MakeTempDirBeside).
void WriteNewFile(const std::string& path, std::string_view bytes);

// A fresh, empty directory beside `target` (in its parent directory), named
// .<target's name>.msf-XXXXXX, mode 0700. Throws msf::Error on failure.
std::string MakeTempDirBeside(const std::string& target);

// Moves the complete directory `tmp_dir` (from MakeTempDirBeside(target)) to
// `target`. A missing target appears at once (rename); an existing directory
// is swapped for it in one step (renameat2 RENAME_EXCHANGE; two renames where
// the file system cannot exchange) and then deleted. The caller decides
// whether an existing target may be replaced. On failure `target` is as it
// was, `tmp_dir` is removed and msf::Error is thrown.
void ReplaceDirectory(const std::string& tmp_dir, const std::string& target);

// True if `a` and `b` name the same file: the same device and inode when both
// exist (hard and symbolic links included), else the same path once resolved
// (symbolic links, "..", "."), so an output not created yet is caught too.
bool SameFile(const std::string& a, const std::string& b);

// True if `path` names an existing file that is not a regular file or a
// directory (a device, FIFO or socket; followed through symbolic links).
bool IsSpecialFile(const std::string& path);

// `path` with symbolic links, "." and ".." resolved as far as it exists (the
// missing tail is appended lexically); `path` itself if that fails.
std::string ResolvedPath(const std::string& path);

}  // namespace msf
