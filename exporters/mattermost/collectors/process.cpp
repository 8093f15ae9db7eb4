// <ns>_up and <ns>_process_*: the watched application process, read from
// outside through procfs with the core's process-stats code.
#include <mutex>

#include "exporter/collector.h"
#include "exporter/log.h"
#include "exporter/process_stats.h"
#include "runtime.h"

namespace exporter::mattermost {
namespace {

class ProcessCollector : public Collector {
 public:
  Status Collect(Families& out) override {
    Runtime& runtime = GlobalRuntime();
    const std::string& ns = runtime.settings.metric_namespace;
    auto up = Gauge(out, ns + "_up", "Whether the watched application process was found (1) or not (0).");
    auto target = runtime.Target();
    auto pid = target->Resolve();
    if (!pid) {
      NoteTarget(0, pid.error());
      up.Add(0);
      return {};
    }
    auto stats = ReadProcessStats(runtime.settings.procfs_root, *pid);
    if (!stats) {
      // Gone between the two reads: down. Still there: we may not read it
      // (another user's fds without CAP_SYS_PTRACE), which is our failure.
      if (!target->Resolve()) {
        NoteTarget(0, "process " + std::to_string(*pid) + " is gone");
        up.Add(0);
        return {};
      }
      up.Add(1);
      return Status::Error(stats.error());
    }
    NoteTarget(*pid, "");
    up.Add(1);
    AppendProcessMetrics(out, ns + "_process", *stats, /*with_threads=*/true);
    return {};
  }

 private:
  // Logs when the target appears, changes or disappears, not on every scrape.
  void NoteTarget(pid_t pid, const std::string& why) {
    std::lock_guard lock(mutex_);
    if (pid == last_pid_ && why == last_error_) return;
    if (pid > 0) {
      log::Info("application process found", {{"pid", std::to_string(pid)}});
    } else {
      log::Warn("application process not found", {{"err", why}});
    }
    last_pid_ = pid;
    last_error_ = why;
  }

  std::mutex mutex_;
  pid_t last_pid_ = -1;
  std::string last_error_;
};

}  // namespace
}  // namespace exporter::mattermost

EXPORTER_REGISTER_COLLECTOR(exporter::Collector, "process", true, exporter::mattermost::ProcessCollector);
