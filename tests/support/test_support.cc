// SPDX-License-Identifier: MIT
#include "support/test_support.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace msf::test {

#ifdef MSF_TEST_CCACHE
// The tests build many generated C packages (CodegenTargets, CodegenPackage,
// LatencyValidation, LatencyCalibration, McuKernels, RobustCodegenFiles), and
// the packages of one target compile the same runtime sources with the same
// flags. Every test process puts a directory of links to ccache named like the
// compilers first in PATH (ccache's masquerade mode): each distinct
// compilation runs once per cache and is a hit after that, warnings replayed;
// the packages' Makefiles, commands and flags are unchanged. Only compilers
// that are installed get a link, so a missing one stays missing for the tests
// that look for it. MSF_TEST_CCACHE=0 in the environment (or
// -DMSF_TEST_CCACHE=OFF at configure time) runs the compilers directly.
namespace {

bool OnPath(const std::string& name, const std::string& path, const std::filesystem::path& skip) {
  size_t begin = 0;
  while (begin <= path.size()) {
    const size_t end = std::min(path.find(':', begin), path.size());
    const std::filesystem::path dir = path.substr(begin, end - begin);
    if (!dir.empty() && dir != skip && access((dir / name).c_str(), X_OK) == 0) return true;
    begin = end + 1;
  }
  return false;
}

class CompilerCache {
 public:
  CompilerCache() {
    const char* off = std::getenv("MSF_TEST_CCACHE");
    const char* path = std::getenv("PATH");
    if ((off != nullptr && std::string(off) == "0") || path == nullptr || access(MSF_TEST_CCACHE, X_OK) != 0) return;
    std::error_code ec;
    dir_ = std::filesystem::temp_directory_path(ec) / ("msf_test_ccache_" + std::to_string(getpid()));
    std::filesystem::remove_all(dir_, ec);
    if (ec || !std::filesystem::create_directory(dir_, ec)) {
      dir_.clear();
      return;
    }
    for (const char* compiler : {"gcc", "arm-none-eabi-gcc", "riscv64-unknown-elf-gcc"}) {
      if (OnPath(compiler, path, dir_)) std::filesystem::create_symlink(MSF_TEST_CCACHE, dir_ / compiler, ec);
    }
    setenv("PATH", (dir_.string() + ":" + path).c_str(), 1);
  }
  ~CompilerCache() {
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }

 private:
  std::filesystem::path dir_;
};

const CompilerCache compiler_cache;

}  // namespace
#endif

std::string ModelsDir() {
  const char* env = std::getenv("MSF_MODELS_DIR");
  const std::string dir = env != nullptr ? env : MSF_MODELS_DIR;
  return std::filesystem::exists(dir + "/README.md") ? dir : std::string();
}

std::vector<uint8_t> ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

void WriteFile(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

std::string TempPath(const std::string& name) {
  const std::string dir = (std::filesystem::temp_directory_path() / ("msf_test_" + std::to_string(getpid()))).string();
  std::filesystem::create_directories(dir);
  return dir + "/" + name;
}

static std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += (c == '\'') ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

static std::string Slurp(const std::string& path) {
  std::ifstream f(path);
  return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

CliResult RunCli(const std::vector<std::string>& args) {
  static int counter = 0;
  const std::string out = TempPath("cli_out_" + std::to_string(counter));
  const std::string err = TempPath("cli_err_" + std::to_string(counter++));
  std::string cmd = Quote(MSF_CLI_PATH);
  for (const std::string& a : args) cmd.append(" ").append(Quote(a));
  cmd += " >" + Quote(out) + " 2>" + Quote(err);
  const int status = std::system(cmd.c_str());
  CliResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = Slurp(out);
  r.err = Slurp(err);
  return r;
}

std::vector<GoldenCase> GoldenCases() {
  return {
      {"mcunet_vww/mcunet-10fps_vww.tflite", "inputs/vww/vww_person_64x64x3_int8.bin", "expected/mcunet-10fps_vww__vww_person.out.bin"},
      {"mcunet_vww/mcunet-10fps_vww.tflite", "inputs/vww/vww_no_person_64x64x3_int8.bin", "expected/mcunet-10fps_vww__vww_no_person.out.bin"},
      {"mcunet_vww/mcunet-5fps_vww.tflite", "inputs/vww/vww_person_80x80x3_int8.bin", "expected/mcunet-5fps_vww__vww_person.out.bin"},
      {"mcunet_vww/mcunet-5fps_vww.tflite", "inputs/vww/vww_no_person_80x80x3_int8.bin", "expected/mcunet-5fps_vww__vww_no_person.out.bin"},
      {"mcunet_imagenet/mcunet-10fps_imagenet.tflite", "inputs/imagenet/burger_48x48x3_int8.bin", "expected/mcunet-10fps_imagenet__burger.out.bin"},
      {"mcunet_imagenet/mcunet-10fps_imagenet.tflite", "inputs/imagenet/grace_hopper_48x48x3_int8.bin", "expected/mcunet-10fps_imagenet__grace_hopper.out.bin"},
      {"mcunet_imagenet/mcunet-5fps_imagenet.tflite", "inputs/imagenet/burger_96x96x3_int8.bin", "expected/mcunet-5fps_imagenet__burger.out.bin"},
      {"mcunet_imagenet/mcunet-5fps_imagenet.tflite", "inputs/imagenet/grace_hopper_96x96x3_int8.bin", "expected/mcunet-5fps_imagenet__grace_hopper.out.bin"},
      {"mcunet_imagenet/mcunet-256kb-1mb_imagenet.tflite", "inputs/imagenet/burger_160x160x3_int8.bin", "expected/mcunet-256kb-1mb_imagenet__burger.out.bin"},
      {"mcunet_imagenet/mcunet-256kb-1mb_imagenet.tflite", "inputs/imagenet/grace_hopper_160x160x3_int8.bin", "expected/mcunet-256kb-1mb_imagenet__grace_hopper.out.bin"},
      {"mcunet_imagenet/mcunet-320kb-1mb_imagenet.tflite", "inputs/imagenet/burger_176x176x3_int8.bin", "expected/mcunet-320kb-1mb_imagenet__burger.out.bin"},
      {"mcunet_imagenet/mcunet-320kb-1mb_imagenet.tflite", "inputs/imagenet/grace_hopper_176x176x3_int8.bin", "expected/mcunet-320kb-1mb_imagenet__grace_hopper.out.bin"},
      {"mcunet_imagenet/mbv2-w0.35-r144_imagenet.tflite", "inputs/imagenet/burger_144x144x3_int8.bin", "expected/mbv2-w0.35-r144_imagenet__burger.out.bin"},
      {"mcunet_imagenet/mbv2-w0.35-r144_imagenet.tflite", "inputs/imagenet/grace_hopper_144x144x3_int8.bin", "expected/mbv2-w0.35-r144_imagenet__grace_hopper.out.bin"},
      {"person_detect/person_detect.tflite", "inputs/person_detect/person_96x96x1_int8.bin", "expected/person_detect__person.out.bin"},
      {"person_detect/person_detect.tflite", "inputs/person_detect/no_person_96x96x1_int8.bin", "expected/person_detect__no_person.out.bin"},
      // float32 input, three float32 outputs (concatenated in output order), an FPN
      {"detection/detection.tflite", "inputs/detection/person_det_128x160x3_f32.bin", "expected/detection__person_det.out.bin"},
  };
}

}  // namespace msf::test
