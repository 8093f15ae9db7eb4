#pragma once

// Helpers shared by the node collectors (header-only; collectors/*.cpp are the collectors).

#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>

#include "exporter/log.h"
#include "exporter/status.h"
#include "flag_pattern.h"

namespace node {

inline exporter::Status ReadFailed(const std::string& path, int error) {
  return exporter::Status::Error("open " + path + ": " + std::strerror(error));
}

// The kernel's USER_HZ: /proc/stat times are in these ticks.
inline constexpr double kUserHz = 100.0;

}  // namespace node
