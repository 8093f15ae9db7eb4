#pragma once

// Helpers shared by the node collectors (header-only; collectors/*.cpp are the collectors).

#include <cerrno>
#include <cstring>
#include <optional>
#include <regex>
#include <string>
#include <string_view>

#include "exporter/log.h"
#include "exporter/status.h"

namespace node {

inline exporter::Status ReadFailed(const std::string& path, int error) {
  return exporter::Status::Error("open " + path + ": " + std::strerror(error));
}

// An optional regular expression from a flag ("" = none). Go's RE2 syntax and
// ECMAScript agree on what these flags use (classes, groups, alternation, \d).
inline std::optional<std::regex> CompileFlagRegex(const std::string& flag, const std::string& pattern) {
  if (pattern.empty()) return std::nullopt;
  try {
    return std::regex(pattern, std::regex::ECMAScript | std::regex::optimize);
  } catch (const std::regex_error& e) {
    exporter::log::Error("invalid regular expression, ignored", {{"flag", flag}, {"err", e.what()}});
    return std::nullopt;
  }
}

// include/exclude device filters as node_exporter's deviceFilter: a name is
// ignored when it matches exclude, or when include is set and it does not match.
class DeviceFilter {
 public:
  DeviceFilter() = default;
  DeviceFilter(std::optional<std::regex> exclude, std::optional<std::regex> include)
      : exclude_(std::move(exclude)), include_(std::move(include)) {}
  bool Ignored(const std::string& name) const {
    if (exclude_ && std::regex_search(name, *exclude_)) return true;
    if (include_ && !std::regex_search(name, *include_)) return true;
    return false;
  }

 private:
  std::optional<std::regex> exclude_;
  std::optional<std::regex> include_;
};

// The kernel's USER_HZ: /proc/stat times are in these ticks.
inline constexpr double kUserHz = 100.0;

}  // namespace node
