// SPDX-License-Identifier: MIT
#include "codegen/c_writer.h"

#include <limits>

namespace msf::codegen {

std::string CInt(int64_t v) {
  if (v < -std::numeric_limits<int32_t>::max()) {
    if (v == std::numeric_limits<int64_t>::min()) return "(-9223372036854775807LL - 1)";
    std::string s = "(";
    s += std::to_string(v + 1);
    if (v + 1 < std::numeric_limits<int32_t>::min()) s += "LL";
    return s + " - 1)";
  }
  if (v > std::numeric_limits<int32_t>::max()) return std::to_string(v) + "LL";
  return std::to_string(v);
}

std::string CText(std::string_view text) {
  std::string out;
  char prev = 0;  // the previous character of `text`
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '\\' || c == '"') {
      out += '\\';
      out += ch;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c >= 0x7f) {
      const char octal[] = {'\\', static_cast<char>('0' + (c >> 6)), static_cast<char>('0' + ((c >> 3) & 7)),
                            static_cast<char>('0' + (c & 7)), 0};
      out += octal;
    } else if (c == '/' && prev == '*') {
      out += "\\057";  // never close the comment early
    } else if (c == '*' && prev == '/') {
      out += "\\052";  // nor open a nested one
    } else if (c == '?' && prev == '?') {
      out += "\\?";  // no trigraph (??/ is a backslash in C99)
    } else {
      out += ch;
    }
    prev = ch;
  }
  return out;
}

std::string MakeText(std::string_view text) {
  std::string out;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '$') {
      out += "$$";
    } else if (c < 0x20 || c >= 0x7f || c == '#' || c == '\\') {
      out += '?';
    } else {
      out += ch;
    }
  }
  return out;
}

Fields& Fields::AddRaw(std::string_view name, std::string value) {
  items_.emplace_back(std::string(name), std::move(value));
  return *this;
}

void CWriter::Line(std::string_view text) {
  if (!text.empty()) text_ += Indent();
  text_ += text;
  text_ += '\n';
}

void CWriter::Comment(std::string_view text) { Line(std::string("/* ").append(CText(text)).append(" */")); }

void CWriter::Open(std::string_view head) {
  Line(std::string(head) + (head.empty() ? "{" : " {"));
  ++indent_;
}

void CWriter::Close(std::string_view tail) {
  --indent_;
  Line(tail);
}

std::string CWriter::Braced(const Fields& fields) {
  std::string s = "{";
  for (size_t i = 0; i < fields.items().size(); ++i) {
    const auto& [name, value] = fields.items()[i];
    s += i ? ", ." : ".";
    s += name;
    s += " = ";
    s += value;
  }
  return s + "}";
}

void CWriter::Initializer(std::string_view head, const Fields& fields, std::string_view tail) {
  std::vector<std::string> items;
  for (const auto& [name, value] : fields.items()) items.push_back(std::string(".").append(name).append(" = ").append(value));
  List(head, items, tail);
}

void CWriter::List(std::string_view head, const std::vector<std::string>& items, std::string_view tail,
                   size_t per_line) {
  const std::string prefix = std::string(head) + (head.empty() ? "{" : " {");
  std::vector<std::string> list = items.empty() ? std::vector<std::string>{"0"} : items;
  // Everything on one line if it fits and no per-line limit splits it.
  size_t total = Indent().size() + prefix.size() + tail.size() + 1;
  for (const std::string& item : list) total += item.size() + 2;
  if (total <= kWidth && (per_line == 0 || list.size() <= per_line)) {
    std::string s = prefix;
    for (size_t i = 0; i < list.size(); ++i) {
      if (i) s += ", ";
      s += list[i];
    }
    Line(s.append("}").append(tail));
    return;
  }
  Line(prefix);
  ++indent_;
  const std::string indent = Indent();
  std::string current;
  size_t in_line = 0;
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string item = list[i] + (i + 1 < list.size() ? "," : "");
    const bool full = per_line != 0 ? in_line == per_line
                                    : indent.size() + current.size() + 1 + item.size() > kWidth;
    if (!current.empty() && full) {
      Line(current);
      current.clear();
      in_line = 0;
    }
    if (!current.empty()) current += ' ';
    current += item;
    ++in_line;
  }
  if (!current.empty()) Line(current);
  --indent_;
  Line(std::string("}").append(tail));
}

}  // namespace msf::codegen
