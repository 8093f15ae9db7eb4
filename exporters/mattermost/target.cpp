#include "target.h"

#include <dirent.h>
#include <unistd.h>

#include "exporter/process_stats.h"
#include "exporter/strings.h"

namespace exporter::mattermost {

Expected<pid_t> ParsePidFile(std::string_view content) {
  std::string_view line = content.substr(0, content.find('\n'));
  line = Trim(line);
  if (line.empty()) return Status::Error("pidfile is empty");
  for (char c : line) {
    if (c < '0' || c > '9') return Status::Error("pidfile does not hold a number");
  }
  auto value = ParseUint(line);
  if (!value || *value == 0 || *value > 0x3fffffff) return Status::Error("pidfile holds no valid pid");
  return static_cast<pid_t>(*value);
}

std::string JoinCmdline(std::string_view raw) {
  while (!raw.empty() && raw.back() == '\0') raw.remove_suffix(1);
  std::string joined(raw);
  for (auto& c : joined) {
    if (c == '\0') c = ' ';
  }
  return joined;
}

TargetResolver::TargetResolver(std::string procfs_root, TargetSpec spec)
    : procfs_root_(std::move(procfs_root)), spec_(std::move(spec)) {
  if (!spec_.cmdline.empty()) cmdline_regex_.emplace(spec_.cmdline, std::regex::ECMAScript | std::regex::optimize);
}

std::string TargetResolver::Describe() const {
  if (spec_.pid > 0) return "pid " + std::to_string(spec_.pid);
  if (!spec_.pidfile.empty()) return "pidfile " + spec_.pidfile;
  std::string description;
  if (!spec_.name.empty()) description = "name " + spec_.name;
  if (!spec_.cmdline.empty())
    description += (description.empty() ? "" : ", ") + std::string("cmdline /") + spec_.cmdline + "/";
  return description;
}

TargetResolver::Identity TargetResolver::Inspect(pid_t pid) const {
  Identity identity;
  auto content = ReadFile(procfs_root_ + "/" + std::to_string(pid) + "/stat");
  if (!content) return identity;
  auto stat = ParseProcStat(*content);
  if (!stat || stat->state == 'Z' || stat->state == 'X' || stat->state == 'x') return identity;
  identity.alive = true;
  identity.comm = std::move(stat->comm);
  identity.start_ticks = stat->start_time_ticks;
  return identity;
}

bool TargetResolver::Matches(pid_t pid, const Identity& identity) const {
  if (!identity.alive) return false;
  // The kernel keeps 15 characters of the name (TASK_COMM_LEN - 1).
  if (!spec_.name.empty() && identity.comm != std::string_view(spec_.name).substr(0, 15)) return false;
  if (cmdline_regex_) {
    auto raw = ReadFile(procfs_root_ + "/" + std::to_string(pid) + "/cmdline");
    if (!raw) return false;
    if (!std::regex_search(JoinCmdline(*raw), *cmdline_regex_)) return false;
  }
  return true;
}

Expected<pid_t> TargetResolver::Search() {
  DIR* dir = ::opendir(procfs_root_.c_str());
  if (!dir) return Status::Error("cannot open " + procfs_root_);
  // Our own process matches a cmdline pattern given on our command line; it is
  // never the target (when reading the real /proc).
  const pid_t self = procfs_root_ == "/proc" ? ::getpid() : 0;
  pid_t best = 0;
  uint64_t best_start = 0;
  while (dirent* entry = ::readdir(dir)) {
    auto number = ParseUint(entry->d_name);
    if (!number || *number == 0) continue;
    pid_t pid = static_cast<pid_t>(*number);
    if (pid == self) continue;
    Identity identity = Inspect(pid);
    if (!Matches(pid, identity)) continue;
    if (best == 0 || identity.start_ticks < best_start || (identity.start_ticks == best_start && pid < best)) {
      best = pid;
      best_start = identity.start_ticks;
    }
  }
  ::closedir(dir);
  if (best == 0) return Status::Error("no process matches " + Describe());
  cached_pid_ = best;
  cached_start_ = best_start;
  return best;
}

Expected<pid_t> TargetResolver::Resolve() {
  if (spec_.pid > 0 || !spec_.pidfile.empty()) {
    pid_t pid = spec_.pid;
    if (pid <= 0) {
      auto content = ReadFile(spec_.pidfile);
      if (!content) return Status::Error("cannot read pidfile " + spec_.pidfile);
      auto parsed = ParsePidFile(*content);
      if (!parsed) return Status::Error(parsed.error() + ": " + spec_.pidfile);
      pid = *parsed;
    }
    if (!Inspect(pid).alive) return Status::Error("process " + std::to_string(pid) + " is gone");
    return pid;
  }
  std::lock_guard lock(mutex_);
  if (cached_pid_ > 0) {
    Identity identity = Inspect(cached_pid_);
    if (identity.start_ticks == cached_start_ && Matches(cached_pid_, identity)) return cached_pid_;
    cached_pid_ = 0;
  }
  return Search();
}

}  // namespace exporter::mattermost
