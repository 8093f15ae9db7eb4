#include "exporter/process_stats.h"

#include <dirent.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cmath>
#include <limits>
#include <map>
#include <mutex>

#include "exporter/strings.h"

namespace exporter {

Expected<ProcStat> ParseProcStat(std::string_view content) {
  size_t open = content.find('(');
  size_t close = content.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
    return Status::Error("malformed stat: no (comm)");
  }
  ProcStat stat;
  stat.comm = std::string(content.substr(open + 1, close - open - 1));
  auto fields = SplitFields(content.substr(close + 1));
  // fields[0] is field 3 (state) of proc(5); field N is fields[N - 3].
  constexpr size_t kRssField = 24;
  if (fields.size() < kRssField - 2) return Status::Error("malformed stat: too few fields");
  auto field = [&](size_t n) { return ParseUint(fields[n - 3]); };
  auto utime = field(14), stime = field(15), threads = field(20), start = field(22), vsize = field(23);
  auto rss = ParseInt(fields[kRssField - 3]);
  if (!utime || !stime || !threads || !start || !vsize || !rss) return Status::Error("malformed stat: bad number");
  stat.state = fields[0].empty() ? '?' : fields[0][0];
  stat.utime_ticks = *utime;
  stat.stime_ticks = *stime;
  stat.num_threads = *threads;
  stat.start_time_ticks = *start;
  stat.vsize_bytes = *vsize;
  stat.rss_pages = *rss < 0 ? 0 : static_cast<uint64_t>(*rss);
  return stat;
}

Expected<double> ParseSoftLimit(std::string_view limits, std::string_view name) {
  for (auto line : Split(limits, '\n')) {
    if (!StartsWith(line, name)) continue;
    auto fields = SplitFields(line.substr(name.size()));
    if (fields.empty()) break;
    if (fields[0] == "unlimited") return std::numeric_limits<double>::infinity();
    if (auto value = ParseDouble(fields[0])) return *value;
    break;
  }
  return Status::Error("no '" + std::string(name) + "' line in limits");
}

Expected<double> ParseBootTime(std::string_view proc_stat) {
  for (auto line : Split(proc_stat, '\n')) {
    if (!StartsWith(line, "btime ")) continue;
    if (auto value = ParseDouble(Trim(line.substr(6)))) return *value;
  }
  return Status::Error("no btime line in stat");
}

namespace {
Expected<double> BootTime(const std::string& procfs_root) {
  static std::mutex mutex;
  static std::map<std::string, double> cache;
  std::lock_guard lock(mutex);
  if (auto it = cache.find(procfs_root); it != cache.end()) return it->second;
  auto content = ReadFile(procfs_root + "/stat");
  if (!content) return Status::Error("cannot read " + procfs_root + "/stat");
  auto boot = ParseBootTime(*content);
  if (boot) cache[procfs_root] = *boot;
  return boot;
}

Expected<double> CountOpenFds(const std::string& fd_dir) {
  // Since Linux 6.2 the size of a procfs /proc/PID/fd is its number of open
  // fds: one stat instead of listing 1,000 entries. Older kernels report 0;
  // elsewhere (a fixture tree) the size is the directory's own.
  constexpr decltype(statfs::f_type) kProcSuperMagic = 0x9fa0;
  struct statfs filesystem {};
  struct stat info {};
  if (::statfs(fd_dir.c_str(), &filesystem) == 0 && filesystem.f_type == kProcSuperMagic &&
      ::stat(fd_dir.c_str(), &info) == 0 && info.st_size > 0) {
    return static_cast<double>(info.st_size);
  }
  DIR* dir = ::opendir(fd_dir.c_str());
  if (!dir) return Status::Error("cannot open " + fd_dir);
  double count = 0;
  while (dirent* entry = ::readdir(dir)) {
    if (entry->d_name[0] != '.') ++count;
  }
  ::closedir(dir);
  return count;
}
}  // namespace

Expected<ProcessStats> ReadProcessStats(const std::string& procfs_root, pid_t pid) {
  const std::string base = procfs_root + "/" + (pid == 0 ? std::string("self") : std::to_string(pid));
  auto stat_content = ReadFile(base + "/stat");
  if (!stat_content) return Status::Error("cannot read " + base + "/stat");
  auto stat = ParseProcStat(*stat_content);
  if (!stat) return stat.status();
  auto boot = BootTime(procfs_root);
  if (!boot) return boot.status();
  auto limits_content = ReadFile(base + "/limits");
  if (!limits_content) return Status::Error("cannot read " + base + "/limits");
  auto max_fds = ParseMaxOpenFiles(*limits_content);
  if (!max_fds) return max_fds.status();
  auto open_fds = CountOpenFds(base + "/fd");
  if (!open_fds) return open_fds.status();

  static const double kTicks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  static const double kPageSize = static_cast<double>(::sysconf(_SC_PAGESIZE));
  ProcessStats stats;
  stats.comm = stat->comm;
  stats.cpu_seconds = static_cast<double>(stat->utime_ticks + stat->stime_ticks) / kTicks;
  stats.resident_memory_bytes = static_cast<double>(stat->rss_pages) * kPageSize;
  stats.virtual_memory_bytes = static_cast<double>(stat->vsize_bytes);
  stats.start_time_seconds = *boot + static_cast<double>(stat->start_time_ticks) / kTicks;
  stats.threads = static_cast<double>(stat->num_threads);
  stats.max_fds = *max_fds;
  if (auto address_space = ParseSoftLimit(*limits_content, "Max address space")) {
    stats.max_virtual_memory_bytes = std::isinf(*address_space) ? 18446744073709551615.0 : *address_space;
  }
  stats.open_fds = *open_fds;
  return stats;
}

void AppendProcessMetrics(Families& out, std::string_view prefix, const ProcessStats& stats, bool with_threads) {
  std::string p(prefix);
  Counter(out, p + "_cpu_seconds_total", "Total user and system CPU time spent in seconds.").Add(stats.cpu_seconds);
  Gauge(out, p + "_max_fds", "Maximum number of open file descriptors.").Add(stats.max_fds);
  Gauge(out, p + "_open_fds", "Number of open file descriptors.").Add(stats.open_fds);
  Gauge(out, p + "_resident_memory_bytes", "Resident memory size in bytes.").Add(stats.resident_memory_bytes);
  Gauge(out, p + "_start_time_seconds", "Start time of the process since unix epoch in seconds.")
      .Add(stats.start_time_seconds);
  Gauge(out, p + "_virtual_memory_bytes", "Virtual memory size in bytes.").Add(stats.virtual_memory_bytes);
  Gauge(out, p + "_virtual_memory_max_bytes", "Maximum amount of virtual memory available in bytes.")
      .Add(stats.max_virtual_memory_bytes);
  if (with_threads) Gauge(out, p + "_threads", "Number of OS threads in the process.").Add(stats.threads);
}

}  // namespace exporter
