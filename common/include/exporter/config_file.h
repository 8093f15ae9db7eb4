#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "exporter/status.h"

namespace exporter {

// One option line of a my.cnf-style file, after MySQL's unquoting and escapes.
struct ConfigOption {
  std::string group;  // as written in its [header]
  std::string key;    // as written (dashes, underscores and loose- kept)
  std::string value;
  bool has_value = false;  // false for a bare key ("skip-ssl")
  std::string file;
  int line = 0;
};

// Logs a warning when a file holding secrets can be read by group or others.
void WarnIfReadableByOthers(const std::string& path);

// Keys compare with '-' and '_' equivalent and without a loose- prefix.
std::string NormalizeOptionKey(std::string_view key);

// The options of one group, later values overriding earlier ones.
class OptionGroup {
 public:
  void Set(const ConfigOption& option);
  std::optional<std::string> Get(std::string_view key) const;
  bool Has(std::string_view key) const { return values_.count(NormalizeOptionKey(key)) > 0; }
  // Normalised key -> value, for passing options through (libpq keywords).
  const std::map<std::string, std::string>& values() const { return values_; }
  // Where a key was set, "file:line", for error messages.
  std::string Origin(std::string_view key) const;

 private:
  std::map<std::string, std::string> values_;
  std::map<std::string, std::string> origins_;
};

// A my.cnf-style option file read with the MySQL client's semantics:
// [group] headers (matched case-insensitively), key=value or bare keys, # and ;
// comment lines, # comments after a value outside quotes, one pair of matching
// quotes stripped, backslash escapes (\n \t \r \b \s \" \' \\), !include FILE
// (missing file ignored) and !includedir DIR (*.cnf, sorted), CRLF.
class OptionFile {
 public:
  static Expected<OptionFile> Read(const std::string& path);
  // Parses text as if it were the file `name`; includes resolve as paths.
  static Expected<OptionFile> Parse(std::string_view content, const std::string& name);

  // The options of any of these groups in file order, as my_print_defaults lists them.
  std::vector<ConfigOption> Options(const std::vector<std::string>& groups) const;
  // The group's options; a "parent.child" group inherits from "parent".
  OptionGroup Group(std::string_view name) const;
  bool HasGroup(std::string_view name) const;
  // Distinct group names in the order first seen (lower-cased).
  const std::vector<std::string>& GroupNames() const { return groups_; }

 private:
  Status ParseInto(std::string_view content, const std::string& name, int depth);
  Status ReadInto(const std::string& path, int depth, bool required);
  std::vector<ConfigOption> options_;
  std::vector<std::string> groups_;
};

}  // namespace exporter
