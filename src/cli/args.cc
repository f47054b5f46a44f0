// SPDX-License-Identifier: MIT
#include "cli/args.h"

#include "base/error.h"

namespace msf::cli {

Args::Args(const std::vector<std::string>& argv, const std::set<std::string>& valued,
           const std::set<std::string>& flags) {
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a.size() > 2 && a.rfind("--", 0) == 0) {
      const std::string name = a.substr(2);
      if (valued.count(name)) {
        if (i + 1 >= argv.size()) throw Error("option --" + name + " needs a value");
        values_[name] = argv[++i];
      } else if (flags.count(name)) {
        flags_.insert(name);
      } else {
        throw Error("unknown option --" + name);
      }
    } else {
      positional_.push_back(a);
    }
  }
}

std::optional<std::string> Args::Get(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::string Args::Require(const std::string& name) const {
  auto v = Get(name);
  if (!v) throw Error("missing required option --" + name);
  return *v;
}

}  // namespace msf::cli
