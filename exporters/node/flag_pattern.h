#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace node {

// A regular expression given by a flag ("" = none). Go's RE2 syntax and
// ECMAScript agree on what these flags use (classes, groups, alternation, \d).
// <regex> is compiled in flag_pattern.cpp only: it is slow to build.
class FlagPattern {
 public:
  FlagPattern() = default;
  // An invalid pattern is logged, naming the flag, and leaves the pattern unset.
  FlagPattern(const std::string& flag, const std::string& pattern);

  explicit operator bool() const { return regex_ != nullptr; }
  // Whether the pattern matches somewhere in text; false when unset.
  bool Search(std::string_view text) const;

 private:
  struct Regex;
  std::shared_ptr<const Regex> regex_;
};

// include/exclude device filters as node_exporter's deviceFilter: a name is
// ignored when it matches exclude, or when include is set and it does not match.
class DeviceFilter {
 public:
  DeviceFilter() = default;
  DeviceFilter(FlagPattern exclude, FlagPattern include) : exclude_(std::move(exclude)), include_(std::move(include)) {}
  bool Ignored(std::string_view name) const {
    if (exclude_.Search(name)) return true;
    if (include_ && !include_.Search(name)) return true;
    return false;
  }

 private:
  FlagPattern exclude_;
  FlagPattern include_;
};

}  // namespace node
