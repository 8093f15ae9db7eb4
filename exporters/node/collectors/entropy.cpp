#include "collectors/util.h"
#include "exporter/collector.h"
#include "exporter/metrics.h"
#include "node_context.h"
#include "parse/procfs.h"

namespace node {
namespace {

class EntropyCollector : public exporter::Collector {
 public:
  exporter::Status Collect(exporter::Families& out) override {
    int error = 0;
    if (!ReadInto(available_path_, buffer_, &error)) return ReadFailed(available_path_, error);
    auto available = parse::ParseSingleUint(buffer_);
    if (!available) return available.status();
    if (!ReadInto(pool_size_path_, buffer_, &error)) return ReadFailed(pool_size_path_, error);
    auto pool_size = parse::ParseSingleUint(buffer_);
    if (!pool_size) return pool_size.status();
    exporter::Gauge(out, "node_entropy_available_bits", "Bits of available entropy.")
        .Add(static_cast<double>(*available));
    exporter::Gauge(out, "node_entropy_pool_size_bits", "Bits of entropy pool.").Add(static_cast<double>(*pool_size));
    return {};
  }

 private:
  std::string available_path_ = ProcPath("sys/kernel/random/entropy_avail");
  std::string pool_size_path_ = ProcPath("sys/kernel/random/poolsize");
  std::string buffer_;
};

EXPORTER_REGISTER_COLLECTOR(exporter::Collector, "entropy", true, EntropyCollector);

}  // namespace
}  // namespace node
