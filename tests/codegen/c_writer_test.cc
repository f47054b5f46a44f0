// SPDX-License-Identifier: MIT
// The C emitter: literals, comment safety, wrapping and determinism.
#include "codegen/c_writer.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace msf::codegen {
namespace {

TEST(CodegenCWriter, IntegerLiteralsNeverOverflowTheirType) {
  EXPECT_EQ(CInt(0), "0");
  EXPECT_EQ(CInt(-128), "-128");
  EXPECT_EQ(CInt(2147483647), "2147483647");
  EXPECT_EQ(CInt(-2147483647), "-2147483647");
  EXPECT_EQ(CInt(std::numeric_limits<int32_t>::min()), "(-2147483647 - 1)");
  EXPECT_EQ(CInt(int64_t{1} << 40), "1099511627776LL");
  EXPECT_EQ(CInt(-(int64_t{1} << 40)), "(-1099511627775LL - 1)");
  EXPECT_EQ(CInt(std::numeric_limits<int64_t>::min()), "(-9223372036854775807LL - 1)");
}

TEST(CodegenCWriter, CTextCannotEndOrNestACommentNorEndAString) {
  EXPECT_EQ(CText("a */ b"), "a *\\057 b");
  EXPECT_EQ(CText("a /* b"), "a /\\052 b");
  EXPECT_EQ(CText("x\ny\t\x01\xff"), "x\\ny\\t\\001\\377");
  EXPECT_EQ(CText("say \"hi\" \\ ?\?/"), "say \\\"hi\\\" \\\\ ?\\?/");
  EXPECT_EQ(CText("model.tflite"), "model.tflite");
}

TEST(CodegenCWriter, MakeTextCannotStartALineACommentOrAnExpansion) {
  EXPECT_EQ(MakeText("m\n$(shell touch x)#\\.tflite"), "m?$$(shell touch x)??.tflite");
  EXPECT_EQ(MakeText("model.tflite"), "model.tflite");
}

TEST(CodegenCWriter, IndentsBlocksAndWritesInitializers) {
  CWriter w;
  w.Comment("header");
  w.Open("int f(void)");
  w.Line("return 0;");
  w.Close();
  w.Initializer("static const s x =", Fields().Add("a", 1).AddRaw("p", "&y").Add("b", -2));
  EXPECT_EQ(w.text(),
            "/* header */\n"
            "int f(void) {\n"
            "  return 0;\n"
            "}\n"
            "static const s x = {.a = 1, .p = &y, .b = -2};\n");
  EXPECT_EQ(CWriter::Braced(Fields().Add("lo", 0).Add("hi", 3)), "{.lo = 0, .hi = 3}");
}

TEST(CodegenCWriter, ListsWrapAtTheColumnLimit) {
  std::vector<int8_t> values(200);
  for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<int8_t>(i * 37);
  CWriter w;
  w.IntArray("const int8_t a[200] =", values);
  const std::string& text = w.text();
  size_t start = 0, lines = 0, items = 0;
  while (start < text.size()) {
    const size_t end = text.find('\n', start);
    EXPECT_LE(end - start, CWriter::kWidth) << text.substr(start, end - start);
    start = end + 1;
    ++lines;
  }
  for (char c : text) items += c == ',' ? 1 : 0;
  EXPECT_EQ(items, values.size() - 1);
  EXPECT_GT(lines, 3u);
  EXPECT_EQ(text.substr(0, 24), "const int8_t a[200] = {\n");
  EXPECT_EQ(text.substr(text.size() - 3), "};\n");

  CWriter again;
  again.IntArray("const int8_t a[200] =", values);
  EXPECT_EQ(again.text(), text);  // deterministic
}

TEST(CodegenCWriter, PerLineLimitAndEmptyLists) {
  CWriter w;
  w.List("int a[4] =", {"1", "2", "3", "4"}, ";", 2);
  w.List("int b[1] =", {});
  EXPECT_EQ(w.text(),
            "int a[4] = {\n"
            "  1, 2,\n"
            "  3, 4\n"
            "};\n"
            "int b[1] = {0};\n");
}

}  // namespace
}  // namespace msf::codegen
