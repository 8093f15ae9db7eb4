#include <string>

#include "collectors/util.h"
#include "exporter/collector.h"
#include "exporter/metrics.h"
#include "node_context.h"
#include "parse/procfs.h"

namespace node {
namespace {

class SoftnetCollector : public exporter::Collector {
 public:
  exporter::Status Collect(exporter::Families& out) override {
    int error = 0;
    if (!ReadInto(path_, buffer_, &error)) return ReadFailed(path_, error);
    auto cpus = parse::ParseSoftnet(buffer_);
    if (!cpus) return cpus.status();
    auto processed = exporter::Counter(out, "node_softnet_processed_total", "Number of processed packets");
    auto dropped = exporter::Counter(out, "node_softnet_dropped_total", "Number of dropped packets");
    auto squeezed = exporter::Counter(out, "node_softnet_times_squeezed_total",
                                      "Number of times processing packets ran out of quota");
    for (size_t i = 0; i < cpus->size(); ++i) {
      while (labels_.size() <= i) labels_.push_back(std::to_string(labels_.size()));
      const auto& cpu = (*cpus)[i];
      processed.Add(static_cast<double>(cpu.processed), {{"cpu", labels_[i]}});
      dropped.Add(static_cast<double>(cpu.dropped), {{"cpu", labels_[i]}});
      squeezed.Add(static_cast<double>(cpu.time_squeezed), {{"cpu", labels_[i]}});
    }
    return {};
  }

 private:
  std::string path_ = ProcPath("net/softnet_stat");
  std::string buffer_;
  std::vector<std::string> labels_;
};

EXPORTER_REGISTER_COLLECTOR(exporter::Collector, "softnet", true, SoftnetCollector);

}  // namespace
}  // namespace node
