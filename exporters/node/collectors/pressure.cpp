#include "collectors/util.h"
#include "exporter/collector.h"
#include "exporter/metrics.h"
#include "node_context.h"
#include "parse/procfs.h"

namespace node {
namespace {

class PressureCollector : public exporter::Collector {
 public:
  exporter::Status Collect(exporter::Families& out) override {
    parse::PressureTotals cpu, io, memory;
    for (auto [resource, totals] : {std::pair{"cpu", &cpu}, {"io", &io}, {"memory", &memory}}) {
      std::string path = ProcPath(std::string("pressure/") + resource);
      int error = 0;
      if (!ReadInto(path, buffer_, &error)) {
        if (error == ENOENT) return exporter::Status::Error("no data: pressure information is unavailable (kernel >= 4.20 with CONFIG_PSI needed)");
        return ReadFailed(path, error);
      }
      auto parsed = parse::ParsePressure(buffer_);
      if (!parsed) return exporter::Status::Error(path + ": " + parsed.error());
      *totals = *parsed;
    }
    auto seconds = [](const std::optional<uint64_t>& us) { return static_cast<double>(us.value_or(0)) / 1e6; };
    exporter::Counter(out, "node_pressure_cpu_waiting_seconds_total",
                      "Total time in seconds that processes have waited for CPU time")
        .Add(seconds(cpu.some_us));
    exporter::Counter(out, "node_pressure_io_waiting_seconds_total",
                      "Total time in seconds that processes have waited due to IO congestion")
        .Add(seconds(io.some_us));
    exporter::Counter(out, "node_pressure_io_stalled_seconds_total",
                      "Total time in seconds no process could make progress due to IO congestion")
        .Add(seconds(io.full_us));
    exporter::Counter(out, "node_pressure_memory_waiting_seconds_total",
                      "Total time in seconds that processes have waited for memory")
        .Add(seconds(memory.some_us));
    exporter::Counter(out, "node_pressure_memory_stalled_seconds_total",
                      "Total time in seconds no process could make progress due to memory congestion")
        .Add(seconds(memory.full_us));
    return {};
  }

 private:
  std::string buffer_;
};

EXPORTER_REGISTER_COLLECTOR(exporter::Collector, "pressure", true, PressureCollector);

}  // namespace
}  // namespace node
