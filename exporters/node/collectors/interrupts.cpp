#include <string>

#include "collectors/util.h"
#include "exporter/collector.h"
#include "exporter/metrics.h"
#include "node_context.h"
#include "parse/offdefault.h"

namespace node {
namespace {

// /proc/interrupts: one counter per interrupt and CPU, zeros included (as node_exporter 1.5).
class InterruptsCollector : public exporter::Collector {
 public:
  exporter::Status Collect(exporter::Families& out) override {
    int error = 0;
    if (!ReadInto(path_, buffer_, &error)) {
      return exporter::Status::Error("couldn't get interrupts: " + ReadFailed(path_, error).message());
    }
    auto rows = parse::ParseInterrupts(buffer_);
    if (!rows) return exporter::Status::Error("couldn't get interrupts: " + rows.error());
    auto family = exporter::Counter(out, "node_interrupts_total", "Interrupt details.");
    for (const auto& row : *rows) {
      for (size_t cpu = 0; cpu < row.per_cpu.size(); ++cpu) {
        while (cpu_labels_.size() <= cpu) cpu_labels_.push_back(std::to_string(cpu_labels_.size()));
        family.Add(row.per_cpu[cpu],
                   {{"cpu", cpu_labels_[cpu]}, {"type", row.type}, {"info", row.info}, {"devices", row.devices}});
      }
    }
    return {};
  }

 private:
  std::string path_ = ProcPath("interrupts");
  std::string buffer_;
  std::vector<std::string> cpu_labels_;
};

EXPORTER_REGISTER_COLLECTOR(exporter::Collector, "interrupts", false, InterruptsCollector);

}  // namespace
}  // namespace node
