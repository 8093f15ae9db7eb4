#include <sys/statfs.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <tuple>

#include "collectors/util.h"
#include "exporter/collector.h"
#include "exporter/log.h"
#include "exporter/metrics.h"
#include "exporter/scrape.h"
#include "exporter/strings.h"
#include "node_context.h"
#include "parse/procfs.h"

namespace node {
namespace {

std::string fs_mount_points_exclude = "^/(dev|proc|run|sys|mnt|media|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)";
std::string fs_ignored_mount_points;  // deprecated alias
std::string fs_types_exclude =
    "^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|"
    "proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|sysfs|tracefs)$";
std::string fs_ignored_fs_types;  // deprecated alias
std::string fs_mount_timeout = "5s";

using Clock = std::chrono::steady_clock;

struct StatfsResult {
  bool done = false;
  int error = 0;
  struct statfs stat {};
};

// Mount points whose statfs has not returned: skipped (device_error 1) until it does.
struct StuckMounts {
  std::mutex mutex;
  std::set<std::string> paths;
};

// statfs of a list of paths, in order, on a pool thread. The scrape waits for
// each path at most the mount timeout; a path that exceeds it is declared
// stuck, the job is abandoned after it, and the rest continue on a new job.
struct StatfsJob {
  std::vector<std::string> paths;
  std::vector<StatfsResult> results;
  std::mutex mutex;
  std::condition_variable progress;
  size_t current = 0;
  Clock::time_point current_start = Clock::now();
  size_t stop_after = SIZE_MAX;  // index of the stuck path once abandoned
  bool finished = false;

  static void Run(const std::shared_ptr<StatfsJob>& job, const std::shared_ptr<StuckMounts>& stuck) {
    for (size_t i = 0; i < job->paths.size(); ++i) {
      {
        std::lock_guard lock(job->mutex);
        if (i > job->stop_after) break;
        job->current = i;
        job->current_start = Clock::now();
      }
      StatfsResult result;
      result.done = true;
      if (statfs(job->paths[i].c_str(), &result.stat) != 0) result.error = errno;
      std::lock_guard lock(job->mutex);
      job->results[i] = result;
      if (i == job->stop_after) {
        // The stuck mount answered at last: it is scraped again from the next scrape on.
        std::lock_guard stuck_lock(stuck->mutex);
        stuck->paths.erase(job->paths[i]);
        exporter::log::Info("mount point answers again", {{"path", job->paths[i]}});
        break;
      }
      job->progress.notify_all();
    }
    std::lock_guard lock(job->mutex);
    job->finished = true;
    job->progress.notify_all();
  }
};

struct Mount {
  std::string device, fs_type, mount_point;  // labels
  std::string stat_path;                     // under --path.rootfs
  bool read_only = false;
};

class FilesystemCollector : public exporter::Collector {
 public:
  FilesystemCollector() {
    std::string mount_exclude = fs_mount_points_exclude;
    if (!fs_ignored_mount_points.empty()) {
      exporter::log::Warn("--collector.filesystem.ignored-mount-points is DEPRECATED and will be removed in 2.0.0, "
                          "use --collector.filesystem.mount-points-exclude");
      mount_exclude = fs_ignored_mount_points;
    }
    std::string type_exclude = fs_types_exclude;
    if (!fs_ignored_fs_types.empty()) {
      exporter::log::Warn("--collector.filesystem.ignored-fs-types is DEPRECATED and will be removed in 2.0.0, "
                          "use --collector.filesystem.fs-types-exclude");
      type_exclude = fs_ignored_fs_types;
    }
    mount_exclude_ = FlagPattern("collector.filesystem.mount-points-exclude", mount_exclude);
    type_exclude_ = FlagPattern("collector.filesystem.fs-types-exclude", type_exclude);
    auto timeout = exporter::ParseDurationSeconds(fs_mount_timeout);
    if (!timeout) {
      exporter::log::Error("invalid --collector.filesystem.mount-timeout, using 5s", {{"value", fs_mount_timeout}});
    }
    timeout_ = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(timeout.value_or(5.0)));
  }

  exporter::Status Collect(exporter::Families& out) override {
    int error = 0;
    if (!ReadInto(ProcPath("1/mountinfo"), buffer_, &error) && !ReadInto(ProcPath("self/mountinfo"), buffer_, &error)) {
      return ReadFailed(ProcPath("self/mountinfo"), error);
    }
    if (buffer_ != last_mountinfo_) {
      auto parsed = parse::ParseMountinfo(buffer_);
      if (!parsed) return parsed.status();
      mounts_ = Select(*parsed);
      last_mountinfo_ = buffer_;
    }

    std::vector<StatfsResult> results(mounts_.size());
    std::vector<size_t> to_stat;
    {
      std::lock_guard lock(stuck_->mutex);
      for (size_t i = 0; i < mounts_.size(); ++i) {
        if (!stuck_->paths.count(mounts_[i].stat_path)) to_stat.push_back(i);
      }
    }
    StatAll(to_stat, results);

    size_t base = out.size();
    const char* const kNames[][2] = {
        {"node_filesystem_device_error", "Whether an error occurred while getting statistics for the given device."},
        {"node_filesystem_size_bytes", "Filesystem size in bytes."},
        {"node_filesystem_free_bytes", "Filesystem free space in bytes."},
        {"node_filesystem_avail_bytes", "Filesystem space available to non-root users in bytes."},
        {"node_filesystem_files", "Filesystem total file nodes."},
        {"node_filesystem_files_free", "Filesystem total free file nodes."},
        {"node_filesystem_readonly", "Filesystem read-only status."}};
    for (const auto& [name, help] : kNames) exporter::Gauge(out, name, help);
    for (size_t i = 0; i < mounts_.size(); ++i) {
      const Mount& mount = mounts_[i];
      const StatfsResult& result = results[i];
      bool failed = !result.done || result.error != 0;
      exporter::Labels labels = {{"device", mount.device}, {"fstype", mount.fs_type}, {"mountpoint", mount.mount_point}};
      auto add = [&](size_t family, double value) {
        auto& metric = out[base + family].metric.emplace_back();
        metric.gauge.value = value;
        for (const auto& [k, v] : labels) metric.label.push_back({k, v});
      };
      add(0, failed ? 1 : 0);
      if (failed) continue;
      const auto& s = result.stat;
      double block = static_cast<double>(s.f_bsize);
      add(1, static_cast<double>(s.f_blocks) * block);
      add(2, static_cast<double>(s.f_bfree) * block);
      add(3, static_cast<double>(s.f_bavail) * block);
      add(4, static_cast<double>(s.f_files));
      add(5, static_cast<double>(s.f_ffree));
      add(6, mount.read_only ? 1 : 0);
    }
    return {};
  }

 private:
  std::vector<Mount> Select(const std::vector<parse::MountInfo>& all) {
    std::vector<Mount> selected;
    std::set<std::tuple<std::string, std::string, std::string>> seen;
    const std::string& rootfs = paths().rootfs;
    for (const auto& info : all) {
      Mount mount;
      mount.mount_point = RootfsStripPrefix(info.mount_point, rootfs);
      if (mount_exclude_.Search(mount.mount_point)) continue;
      if (type_exclude_.Search(info.fs_type)) continue;
      if (!seen.emplace(info.source, mount.mount_point, info.fs_type).second) continue;
      mount.device = info.source;
      mount.fs_type = info.fs_type;
      mount.read_only = info.read_only;
      mount.stat_path = RootfsPath(info.mount_point);
      selected.push_back(std::move(mount));
    }
    return selected;
  }

  void StatAll(const std::vector<size_t>& indexes, std::vector<StatfsResult>& results) {
    size_t start = 0;
    while (start < indexes.size()) {
      auto job = std::make_shared<StatfsJob>();
      for (size_t k = start; k < indexes.size(); ++k) job->paths.push_back(mounts_[indexes[k]].stat_path);
      job->results.resize(job->paths.size());
      auto stuck = stuck_;
      if (!pool_.Submit([job, stuck] { StatfsJob::Run(job, stuck); })) return;  // the rest report device_error
      std::unique_lock lock(job->mutex);
      size_t stuck_index = SIZE_MAX;
      while (!job->finished) {
        auto limit = job->current_start + timeout_;
        if (job->progress.wait_until(lock, limit) == std::cv_status::timeout && !job->finished &&
            Clock::now() >= job->current_start + timeout_ && !job->results[job->current].done) {
          stuck_index = job->current;
          job->stop_after = stuck_index;
          break;
        }
      }
      for (size_t k = 0; k < job->results.size(); ++k) {
        if (job->results[k].done) results[indexes[start + k]] = job->results[k];
      }
      if (stuck_index == SIZE_MAX) return;
      const std::string& path = job->paths[stuck_index];
      {
        std::lock_guard stuck_lock(stuck_->mutex);
        stuck_->paths.insert(path);
      }
      exporter::log::Warn("Mount point is in an unresponsive state", {{"mountpoint", path}});
      start += stuck_index + 1;
    }
  }

  FlagPattern mount_exclude_, type_exclude_;
  Clock::duration timeout_;
  std::string buffer_, last_mountinfo_;
  std::vector<Mount> mounts_;
  std::shared_ptr<StuckMounts> stuck_ = std::make_shared<StuckMounts>();
  exporter::WorkerPool pool_{32};
};

EXPORTER_REGISTER_COLLECTOR(exporter::Collector, "filesystem", true, FilesystemCollector, [](exporter::Flags& flags) {
  flags.Option("--collector.filesystem.mount-points-exclude", fs_mount_points_exclude,
               "Regexp of mount points to exclude for filesystem collector.");
  flags.Option("--collector.filesystem.ignored-mount-points", fs_ignored_mount_points,
               "DEPRECATED: Use --collector.filesystem.mount-points-exclude");
  flags.Option("--collector.filesystem.fs-types-exclude", fs_types_exclude,
               "Regexp of filesystem types to exclude for filesystem collector.");
  flags.Option("--collector.filesystem.ignored-fs-types", fs_ignored_fs_types,
               "DEPRECATED: Use --collector.filesystem.fs-types-exclude");
  flags.Option("--collector.filesystem.mount-timeout", fs_mount_timeout,
               "how long to wait for a mount to respond before marking it as stale");
});

}  // namespace
}  // namespace node
