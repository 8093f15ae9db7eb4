#include "collectors/util.h"
#include "exporter/collector.h"
#include "exporter/metrics.h"
#include "node_context.h"
#include "parse/part1_sysfs.h"

namespace node {
namespace {

// /proc/schedstat: per CPU, time running and waiting, and timeslices run.
class SchedstatCollector : public exporter::Collector {
 public:
  exporter::Status Collect(exporter::Families& out) override {
    int error = 0;
    if (!ReadInto(path_, buffer_, &error)) {
      if (error == ENOENT) return exporter::Status::Error("no data: schedstat file does not exist");
      return ReadFailed(path_, error);
    }
    auto running = exporter::Counter(out, "node_schedstat_running_seconds_total",
                                     "Number of seconds CPU spent running a process.");
    auto waiting = exporter::Counter(out, "node_schedstat_waiting_seconds_total",
                                     "Number of seconds spent by processing waiting for this CPU.");
    auto timeslices =
        exporter::Counter(out, "node_schedstat_timeslices_total", "Number of timeslices executed by CPU.");
    for (const auto& cpu : parse::ParseSchedstat(buffer_)) {
      running.Add(static_cast<double>(cpu.running_ns) / 1e9, {{"cpu", cpu.cpu}});
      waiting.Add(static_cast<double>(cpu.waiting_ns) / 1e9, {{"cpu", cpu.cpu}});
      timeslices.Add(static_cast<double>(cpu.timeslices), {{"cpu", cpu.cpu}});
    }
    return {};
  }

 private:
  std::string path_ = ProcPath("schedstat");
  std::string buffer_;
};

EXPORTER_REGISTER_COLLECTOR(exporter::Collector, "schedstat", true, SchedstatCollector);

}  // namespace
}  // namespace node
