#include <string>
#include <vector>

#include "collectors/util.h"
#include "exporter/collector.h"
#include "exporter/metrics.h"
#include "node_context.h"
#include "parse/procfs.h"

namespace node {
namespace {

bool cpu_guest = true;

class CpuCollector : public exporter::Collector {
 public:
  exporter::Status Collect(exporter::Families& out) override {
    int error = 0;
    if (!ProcStatFile().Get(path_, buffer_, &error)) return ReadFailed(path_, error);
    auto stat = parse::ParseProcStat(buffer_);
    if (!stat) return stat.status();
    // Modes in /proc/stat column order; guest time is also counted in user.
    static const char* const kModes[] = {"user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"};
    auto seconds = exporter::Counter(out, "node_cpu_seconds_total", "Seconds the CPUs spent in each mode.");
    seconds.family().metric.reserve(stat->cpus.size() * 8);
    for (const auto& cpu : stat->cpus) {
      const std::string& label = CpuLabel(cpu.cpu);
      for (size_t i = 0; i < 8; ++i) {
        seconds.Add(static_cast<double>(cpu.ticks[i]) / kUserHz, {{"cpu", label}, {"mode", kModes[i]}});
      }
    }
    if (cpu_guest) {
      auto guest = exporter::Counter(out, "node_cpu_guest_seconds_total",
                                     "Seconds the CPUs spent in guests (VMs) for each mode.");
      for (const auto& cpu : stat->cpus) {
        const std::string& label = CpuLabel(cpu.cpu);
        guest.Add(static_cast<double>(cpu.ticks[9]) / kUserHz, {{"cpu", label}, {"mode", "nice"}});
        guest.Add(static_cast<double>(cpu.ticks[8]) / kUserHz, {{"cpu", label}, {"mode", "user"}});
      }
    }
    return {};
  }

 private:
  const std::string& CpuLabel(int cpu) {
    while (labels_.size() <= static_cast<size_t>(cpu)) labels_.push_back(std::to_string(labels_.size()));
    return labels_[static_cast<size_t>(cpu)];
  }

  std::string path_ = ProcPath("stat");
  std::string buffer_;
  std::vector<std::string> labels_;
};

EXPORTER_REGISTER_COLLECTOR(exporter::Collector, "cpu", true, CpuCollector, [](exporter::Flags& flags) {
  flags.Flag("--collector.cpu.guest,!--no-collector.cpu.guest", cpu_guest,
             "Enables metric node_cpu_guest_seconds_total");
});

}  // namespace
}  // namespace node
