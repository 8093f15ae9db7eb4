#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

#include "exporter/metrics.h"
#include "exporter/status.h"

namespace exporter {

// What /proc/PID/stat and friends say of one process, in Prometheus units.
struct ProcessStats {
  double cpu_seconds = 0;           // utime + stime
  double resident_memory_bytes = 0;
  double virtual_memory_bytes = 0;
  double start_time_seconds = 0;    // since the epoch
  double open_fds = 0;
  double max_fds = 0;
  double max_virtual_memory_bytes = 18446744073709551615.0;  // unlimited reads as 2^64, as client_golang reports it
  double threads = 0;
  std::string comm;
};

// Fields of /proc/PID/stat that matter here. The comm may hold spaces and
// parentheses, so fields are counted from the last ')'.
struct ProcStat {
  std::string comm;
  char state = '?';
  uint64_t utime_ticks = 0;
  uint64_t stime_ticks = 0;
  uint64_t num_threads = 0;
  uint64_t start_time_ticks = 0;  // since boot
  uint64_t vsize_bytes = 0;
  uint64_t rss_pages = 0;
};
Expected<ProcStat> ParseProcStat(std::string_view content);

// A soft limit from /proc/PID/limits by its name ("Max open files"); +Inf for "unlimited".
Expected<double> ParseSoftLimit(std::string_view limits, std::string_view name);
inline Expected<double> ParseMaxOpenFiles(std::string_view limits) { return ParseSoftLimit(limits, "Max open files"); }

// btime from /proc/stat: boot time in seconds since the epoch.
Expected<double> ParseBootTime(std::string_view proc_stat);

// Reads the stats of pid under procfs_root ("/proc"). pid 0 means "self".
// The boot time is read once per process root and cached.
Expected<ProcessStats> ReadProcessStats(const std::string& procfs_root, pid_t pid);

// process_cpu_seconds_total, process_open_fds, ... under the given prefix
// ("process" for the exporter itself, "mattermost_process" for a target).
void AppendProcessMetrics(Families& out, std::string_view prefix, const ProcessStats& stats, bool with_threads);

}  // namespace exporter
