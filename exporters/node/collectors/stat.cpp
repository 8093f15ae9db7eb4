#include <string>

#include "collectors/util.h"
#include "exporter/collector.h"
#include "exporter/metrics.h"
#include "node_context.h"
#include "parse/procfs.h"

namespace node {
namespace {

bool stat_softirq = false;

class StatCollector : public exporter::Collector {
 public:
  exporter::Status Collect(exporter::Families& out) override {
    int error = 0;
    if (!ProcStatFile().Get(path_, buffer_, &error)) return ReadFailed(path_, error);
    auto stat = parse::ParseProcStat(buffer_);
    if (!stat) return stat.status();
    auto value = [](const std::optional<uint64_t>& v) { return static_cast<double>(v.value_or(0)); };
    exporter::Counter(out, "node_intr_total", "Total number of interrupts serviced.").Add(value(stat->intr));
    exporter::Counter(out, "node_context_switches_total", "Total number of context switches.").Add(value(stat->ctxt));
    exporter::Counter(out, "node_forks_total", "Total number of forks.").Add(value(stat->processes));
    exporter::Gauge(out, "node_boot_time_seconds", "Node boot time, in unixtime.").Add(value(stat->btime));
    exporter::Gauge(out, "node_procs_running", "Number of processes in runnable state.").Add(value(stat->procs_running));
    exporter::Gauge(out, "node_procs_blocked", "Number of processes blocked waiting for I/O to complete.")
        .Add(value(stat->procs_blocked));
    if (stat_softirq) {
      exporter::Counter(out, "node_softirqs_total", "Number of softirq calls.").Add(value(stat->softirq_total));
      static const char* const kVectors[] = {"hi", "timer", "net_tx", "net_rx", "block",
                                             "block_iopoll", "tasklet", "sched", "hrtimer", "rcu"};
      auto vectors = exporter::Counter(out, "node_softirqs_functions_total", "Softirq counts per CPU.");
      for (size_t i = 0; i < stat->softirq.size() && i < 10; ++i) {
        vectors.Add(static_cast<double>(stat->softirq[i]), {{"vector", kVectors[i]}});
      }
    }
    return {};
  }

 private:
  std::string path_ = ProcPath("stat");
  std::string buffer_;
};

EXPORTER_REGISTER_COLLECTOR(exporter::Collector, "stat", true, StatCollector, [](exporter::Flags& flags) {
  flags.Flag("--collector.stat.softirq", stat_softirq, "Export softirq calls per vector");
});

}  // namespace
}  // namespace node
