#pragma once

#include <sys/types.h>

#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <string_view>

#include "exporter/status.h"

namespace exporter::mattermost {

// How the watched process is found. Exactly one of pid, pidfile or a
// name/cmdline selector is set.
struct TargetSpec {
  pid_t pid = 0;
  std::string pidfile;
  std::string name;     // the comm (/proc/PID/comm, at most 15 characters)
  std::string cmdline;  // an ECMAScript regex searched in the arguments joined by spaces
};

// The pid in a pidfile's text: the first line, blanks trimmed, a positive number.
Expected<pid_t> ParsePidFile(std::string_view content);

// /proc/PID/cmdline (NUL-separated arguments) joined by single spaces.
std::string JoinCmdline(std::string_view raw);

// Finds the target on each call (a restarted process or a rewritten pidfile is
// followed). For a name/cmdline selector the oldest matching process wins (as
// `pgrep -o`); the last match is remembered and kept while it still lives and
// matches, so /proc is walked only when the target changes. Zombies count as
// gone. Thread-safe.
class TargetResolver {
 public:
  TargetResolver(std::string procfs_root, TargetSpec spec);

  // The target's pid, or why there is none (the message names the cause, for logs).
  Expected<pid_t> Resolve();
  const std::string& procfs_root() const { return procfs_root_; }
  std::string Describe() const;

 private:
  struct Identity {
    bool alive = false;
    std::string comm;
    uint64_t start_ticks = 0;
  };
  Identity Inspect(pid_t pid) const;
  bool Matches(pid_t pid, const Identity& identity) const;
  Expected<pid_t> Search();

  std::string procfs_root_;
  TargetSpec spec_;
  std::optional<std::regex> cmdline_regex_;
  std::mutex mutex_;
  pid_t cached_pid_ = 0;
  uint64_t cached_start_ = 0;
};

}  // namespace exporter::mattermost
