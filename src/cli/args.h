// SPDX-License-Identifier: MIT
// Tiny option parser: `--name value`, `--flag`, positionals. Unknown options
// and missing values are user errors (msf::Error -> exit code 2).
#pragma once
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace msf::cli {

class Args {
 public:
  // `valued` options take a value, `flags` do not.
  Args(const std::vector<std::string>& argv, const std::set<std::string>& valued,
       const std::set<std::string>& flags);
  std::optional<std::string> Get(const std::string& name) const;
  std::string Require(const std::string& name) const;
  bool Has(const std::string& flag) const { return flags_.count(flag) > 0; }
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::map<std::string, std::string> values_;
  std::set<std::string> flags_;
  std::vector<std::string> positional_;
};

}  // namespace msf::cli
