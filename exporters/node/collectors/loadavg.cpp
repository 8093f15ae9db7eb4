#include "collectors/util.h"
#include "exporter/collector.h"
#include "exporter/metrics.h"
#include "node_context.h"
#include "parse/procfs.h"

namespace node {
namespace {

class LoadavgCollector : public exporter::Collector {
 public:
  exporter::Status Collect(exporter::Families& out) override {
    int error = 0;
    if (!ReadInto(path_, buffer_, &error)) return ReadFailed(path_, error);
    auto loads = parse::ParseLoadavg(buffer_);
    if (!loads) return loads.status();
    exporter::Gauge(out, "node_load1", "1m load average.").Add((*loads)[0]);
    exporter::Gauge(out, "node_load5", "5m load average.").Add((*loads)[1]);
    exporter::Gauge(out, "node_load15", "15m load average.").Add((*loads)[2]);
    return {};
  }

 private:
  std::string path_ = ProcPath("loadavg");
  std::string buffer_;
};

EXPORTER_REGISTER_COLLECTOR(exporter::Collector, "loadavg", true, LoadavgCollector);

}  // namespace
}  // namespace node
