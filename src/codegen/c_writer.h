// SPDX-License-Identifier: MIT
// A small C99 text emitter for codegen: indentation, literal formatting,
// wrapped initializer lists and arrays. Output depends only on the calls
// made, so generated files are deterministic.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace msf::codegen {

// A C integer literal; INT32_MIN and below are written so that no literal
// overflows its type, e.g. "(-2147483647 - 1)".
std::string CInt(int64_t v);

// The one escaping of user-controlled text (file names) for generated C:
// `text` as the body of a C string literal that is equally safe inside a
// /* ... */ comment. Printable ASCII stays, except that \ and " are escaped,
// "*/" and "/*" are split by an octal escape (*\057, /\052), and "??" (a
// trigraph in C99) becomes ?\?; newline and tab are \n and \t, every other
// byte a three-digit octal escape. So the result never contains a newline,
// never ends or opens a comment, never ends the string, and "..." around it
// is exactly `text` again. (Not for // comments.)
std::string CText(std::string_view text);

// The one escaping of user-controlled text for the generated Makefile: safe in
// a comment and in a variable's value. Printable ASCII stays, "$" is doubled;
// "#", "\" and every other byte (newlines, control characters, non-ASCII)
// become "?". Nothing of `text` can start a new line, a comment, or be
// expanded by make.
std::string MakeText(std::string_view text);

// "name = value" items of a designated initializer.
class Fields {
 public:
  Fields& Add(std::string_view name, int64_t value) { return AddRaw(name, CInt(value)); }
  Fields& AddRaw(std::string_view name, std::string value);
  const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

class CWriter {
 public:
  static constexpr size_t kWidth = 100;  // wrap column of lists

  void Line(std::string_view text = {});  // one indented line ("" = blank line)
  void Comment(std::string_view text);    // "/* text */", text through CText
  void Open(std::string_view head);       // "head {" and indent
  void Close(std::string_view tail = "}");

  // `{.a = 1, .b = 2}` as a single brace expression (no trailing text).
  static std::string Braced(const Fields& fields);
  // `head {.a = 1, ...}tail` wrapped at kWidth, continuation lines indented.
  void Initializer(std::string_view head, const Fields& fields, std::string_view tail = ";");
  // `head {items...}tail`: items separated by ", ", wrapped at kWidth or after
  // `per_line` items (0 = fill the line). An empty list is written as {0}.
  void List(std::string_view head, const std::vector<std::string>& items, std::string_view tail = ";",
            size_t per_line = 0);

  template <typename T>
  void IntArray(std::string_view head, const std::vector<T>& values, std::string_view tail = ";",
                size_t per_line = 0) {
    std::vector<std::string> items;
    items.reserve(values.size());
    for (const T& v : values) items.push_back(CInt(static_cast<int64_t>(v)));
    List(head, items, tail, per_line);
  }

  const std::string& text() const { return text_; }

 private:
  std::string Indent() const { return std::string(static_cast<size_t>(indent_) * 2, ' '); }
  int indent_ = 0;
  std::string text_;
};

}  // namespace msf::codegen
