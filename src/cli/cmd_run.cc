// SPDX-License-Identifier: MIT
// `msf run`: raw int8 input file in, raw int8 output file out.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/format.h"
#include "load/model_loader.h"
#include "core/error.h"
#include "exec/reference_executor.h"

namespace msf::cli {
namespace {

std::vector<int8_t> ReadRaw(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw Error(path + ": cannot open input file");
  std::vector<char> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  return std::vector<int8_t>(bytes.begin(), bytes.end());
}

void WriteRaw(const std::string& path, const std::vector<int8_t>& data) {
  // Write beside the target, then rename, so a failure never leaves a partial file.
  const std::string tmp = path + ".msf-tmp";
  {
    std::ofstream f(tmp, std::ios::binary);
    if (!f) throw Error(path + ": cannot write output file");
    f.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
    if (!f) {
      std::remove(tmp.c_str());
      throw Error(path + ": write failed");
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw Error(path + ": cannot write output file");
  }
}

}  // namespace

int RunRun(const std::vector<std::string>& argv) {
  Args args(argv, {"input", "output"}, {});
  if (args.positional().size() != 1) throw Error("usage: msf run MODEL --input IN.bin --output OUT.bin");
  const ir::Graph g = load::LoadModel(args.positional()[0]);
  const std::vector<int8_t> input = ReadRaw(args.Require("input"));
  const std::string out_path = args.Require("output");
  const int64_t expected = g.tensor(g.input()).NumElements();
  if (static_cast<int64_t>(input.size()) != expected) {
    throw Error(args.Require("input") + ": has " + std::to_string(input.size()) + " bytes, the model input " +
                ShapeString(g.tensor(g.input()).shape) + " needs " + std::to_string(expected));
  }
  const std::vector<int8_t> output = exec::RunReference(g, input);
  WriteRaw(out_path, output);

  const size_t shown = std::min<size_t>(output.size(), 10);
  std::printf("output %s:", ShapeString(g.tensor(g.output()).shape).c_str());
  for (size_t i = 0; i < shown; ++i) std::printf(" %d", output[i]);
  std::printf("%s\n", output.size() > shown ? " ..." : "");
  const auto top = std::max_element(output.begin(), output.end());
  std::printf("top-1: index %td (value %d)\n", top - output.begin(), *top);
  return 0;
}

}  // namespace msf::cli
