// SPDX-License-Identifier: MIT
#include "frontend/model_input.h"

#include "base/error.h"
#include "base/read_file.h"
#include "base/text_format.h"

namespace msf::frontend {

std::vector<int8_t> ReadModelInput(const ir::Graph& g, const std::string& path) {
  int64_t n = 0;
  std::string what;
  for (ir::TensorId t : g.inputs) {
    const ir::Tensor& in = g.tensor(t);
    n += in.Bytes();
    what += (what.empty() ? "" : " + ") + ShapeString(in.shape) + (in.type == ir::DType::kInt8 ? "" : " float32");
  }
  const std::string needs = ", the model input " + what + " needs " + std::to_string(n);
  // Never more than the tensor needs (+1 to see that there is more).
  std::vector<int8_t> bytes = ReadWholeFile<int8_t>(path, "input file", n, needs);
  if (static_cast<int64_t>(bytes.size()) != n) {
    throw Error(path + ": has " + std::to_string(bytes.size()) + " bytes" + needs);
  }
  return bytes;
}

std::vector<int8_t> PatternInput(const ir::Graph& g) {
  int64_t n = 0;
  for (ir::TensorId t : g.inputs) n += g.tensor(t).Bytes();
  std::vector<int8_t> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[static_cast<size_t>(i)] = static_cast<int8_t>((i * 29) % 256 - 128);
  return v;
}

}  // namespace msf::frontend
