#include "collectors/util.h"
#include "exporter/collector.h"
#include "exporter/metrics.h"
#include "node_context.h"
#include "parse/procfs.h"

namespace node {
namespace {

class MeminfoCollector : public exporter::Collector {
 public:
  exporter::Status Collect(exporter::Families& out) override {
    int error = 0;
    if (!ReadInto(path_, buffer_, &error)) return ReadFailed(path_, error);
    auto values = parse::ParseMeminfo(buffer_);
    if (!values) return values.status();
    for (auto& [key, value] : *values) {
      exporter::Gauge(out, "node_memory_" + key, "Memory information field " + key + ".").Add(value);
    }
    return {};
  }

 private:
  std::string path_ = ProcPath("meminfo");
  std::string buffer_;
};

EXPORTER_REGISTER_COLLECTOR(exporter::Collector, "meminfo", true, MeminfoCollector);

}  // namespace
}  // namespace node
