// SPDX-License-Identifier: MIT
// Untrusted model files: truncations and corruptions of every shared model
// must produce msf::Error (a one-line message), never a crash.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <random>

#include "base/error.h"
#include "exec/reference_executor.h"
#include "frontend/tflite_importer.h"
#include "ir/canonicalize.h"
#include "support/test_support.h"

namespace msf {
namespace {

const char* kModels[] = {
    "mcunet_vww/mcunet-10fps_vww.tflite",
    "mcunet_vww/mcunet-5fps_vww.tflite",
    "mcunet_imagenet/mcunet-10fps_imagenet.tflite",
    "mcunet_imagenet/mcunet-5fps_imagenet.tflite",
    "mcunet_imagenet/mcunet-256kb-1mb_imagenet.tflite",
    "mcunet_imagenet/mcunet-320kb-1mb_imagenet.tflite",
    "mcunet_imagenet/mbv2-w0.35-r144_imagenet.tflite",
    "person_detect/person_detect.tflite",
};

// Imports and canonicalises; returns the error text, or "" on success.
std::string TryImport(std::vector<uint8_t> bytes) {
  try {
    ir::Graph g = frontend::ImportTfliteBuffer(std::make_shared<const std::vector<uint8_t>>(std::move(bytes)), "m.tflite");
    ir::Canonicalize(g);
    return "";
  } catch (const Error& e) {
    return e.what();
  }
}

TEST(ImportMalformed, EverySharedModelImports) {
  MSF_REQUIRE_MODELS();
  for (const char* m : kModels) {
    EXPECT_EQ(TryImport(test::ReadFile(test::ModelsDir() + "/" + m)), "") << m;
  }
}

TEST(ImportMalformed, TruncationsAreCleanErrors) {
  MSF_REQUIRE_MODELS();
  std::mt19937 rng(1234);
  for (const char* m : kModels) {
    const std::vector<uint8_t> full = test::ReadFile(test::ModelsDir() + "/" + m);
    std::vector<size_t> lengths = {0, 1, 3, 4, 7, 8, 12, 16, 64, 256, 1024, full.size() / 2, full.size() - 1};
    for (int i = 0; i < 40; ++i) lengths.push_back(rng() % full.size());
    for (size_t len : lengths) {
      const std::string err = TryImport(std::vector<uint8_t>(full.begin(), full.begin() + static_cast<long>(len)));
      EXPECT_NE(err, "") << m << " truncated to " << len << " bytes was accepted";
      EXPECT_EQ(err.find('\n'), std::string::npos) << err;
    }
  }
}

TEST(ImportMalformed, CorruptedBytesNeverCrash) {
  MSF_REQUIRE_MODELS();
  std::mt19937 rng(99);
  for (const char* m : kModels) {
    const std::vector<uint8_t> full = test::ReadFile(test::ModelsDir() + "/" + m);
    for (int trial = 0; trial < 60; ++trial) {
      std::vector<uint8_t> bytes = full;
      // Half the trials hit the header/offset tables, half anywhere.
      const size_t span = trial % 2 ? bytes.size() : std::min<size_t>(bytes.size(), 4096);
      for (int k = 0; k < 1 + trial % 4; ++k) bytes[rng() % span] ^= static_cast<uint8_t>(1u << (rng() % 8));
      const std::string err = TryImport(bytes);  // must return, not crash
      EXPECT_EQ(err.find('\n'), std::string::npos) << err;
    }
  }
}

TEST(ImportMalformed, CorruptedOffsetsAreRejected) {
  MSF_REQUIRE_MODELS();
  std::vector<uint8_t> bytes = test::ReadFile(test::ModelsDir() + "/person_detect/person_detect.tflite");
  // The root offset points past the end of the file.
  bytes[0] = 0xff, bytes[1] = 0xff, bytes[2] = 0xff, bytes[3] = 0x7f;
  EXPECT_NE(TryImport(bytes), "");
  std::vector<uint8_t> not_tflite(100, 0);
  EXPECT_NE(TryImport(not_tflite).find("not a TFLite model"), std::string::npos);
}

TEST(ImportMalformed, CorruptedModelsThatImportStillRunSafely) {
  MSF_REQUIRE_MODELS();
  const std::vector<uint8_t> full = test::ReadFile(test::ModelsDir() + "/person_detect/person_detect.tflite");
  std::mt19937 rng(7);
  int ran = 0;
  for (int trial = 0; trial < 30; ++trial) {
    std::vector<uint8_t> bytes = full;
    bytes[rng() % bytes.size()] ^= static_cast<uint8_t>(1u << (rng() % 8));
    try {
      ir::Graph g = frontend::ImportTfliteBuffer(std::make_shared<const std::vector<uint8_t>>(bytes), "m");
      ir::Canonicalize(g);
      std::vector<int8_t> input(static_cast<size_t>(g.tensor(g.input()).NumElements()), 3);
      (void)exec::RunReference(g, input);
      ++ran;
    } catch (const Error&) {
    }
  }
  EXPECT_GT(ran, 0);  // most single flips hit weights and still form a valid model
}

TEST(ImportMalformed, CliGivesExitCode2AndOneLine) {
  MSF_REQUIRE_MODELS();
  const std::vector<uint8_t> full = test::ReadFile(test::ModelsDir() + "/person_detect/person_detect.tflite");
  const std::string path = test::TempPath("truncated.tflite");
  test::WriteFile(path, std::vector<uint8_t>(full.begin(), full.begin() + 5000));
  for (const char* cmd : {"info", "run"}) {
    std::vector<std::string> args = {cmd, path};
    if (std::string(cmd) == "run") args.insert(args.end(), {"--input", path, "--output", test::TempPath("never.bin")});
    const test::CliResult r = test::RunCli(args);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find(path), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
  EXPECT_FALSE(std::ifstream(test::TempPath("never.bin")).good());
  const test::CliResult missing = test::RunCli({"info", "/nonexistent/model.tflite"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("cannot open"), std::string::npos);
}

}  // namespace
}  // namespace msf
