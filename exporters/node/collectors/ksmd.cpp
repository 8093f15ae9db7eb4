#include <string>

#include "collectors/util.h"
#include "exporter/collector.h"
#include "exporter/metrics.h"
#include "node_context.h"
#include "parse/procfs.h"

namespace node {
namespace {

// /sys/kernel/mm/ksm: the kernel same-page merging daemon's files, read in
// node_exporter's order; the first unreadable one fails the collector.
class KsmdCollector : public exporter::Collector {
 public:
  exporter::Status Collect(exporter::Families& out) override {
    static constexpr std::string_view kFiles[] = {
        "full_scans",     "merge_across_nodes", "pages_shared", "pages_sharing",  "pages_to_scan",
        "pages_unshared", "pages_volatile",     "run",          "sleep_millisecs"};
    for (std::string_view file : kFiles) {
      std::string path = base_ + std::string(file);
      int error = 0;
      if (!ReadInto(path, buffer_, &error)) return ReadFailed(path, error);
      auto value = parse::ParseSingleUint(buffer_);
      if (!value) return exporter::Status::Error(path + ": " + value.error());
      std::string help = "ksmd '" + std::string(file) + "' file.";
      double v = static_cast<double>(*value);
      if (file == "full_scans") {
        exporter::Counter(out, "node_ksmd_full_scans_total", help).Add(v);
      } else if (file == "sleep_millisecs") {
        exporter::Gauge(out, "node_ksmd_sleep_seconds", help).Add(v / 1000);
      } else {
        exporter::Gauge(out, "node_ksmd_" + std::string(file), help).Add(v);
      }
    }
    return {};
  }

 private:
  std::string base_ = SysPath("kernel/mm/ksm/");
  std::string buffer_;
};

EXPORTER_REGISTER_COLLECTOR(exporter::Collector, "ksmd", false, KsmdCollector);

}  // namespace
}  // namespace node
