#include "collectors/util.h"
#include "exporter/collector.h"
#include "exporter/metrics.h"
#include "node_context.h"
#include "parse/procfs.h"

namespace node {
namespace {

std::string arp_device_include, arp_device_exclude;

class ArpCollector : public exporter::Collector {
 public:
  exporter::Status Collect(exporter::Families& out) override {
    int error = 0;
    if (!ReadInto(path_, buffer_, &error)) return ReadFailed(path_, error);
    auto devices = parse::ParseArp(buffer_);
    if (!devices) return devices.status();
    auto entries = exporter::Gauge(out, "node_arp_entries", "ARP entries by device");
    for (const auto& [device, count] : *devices) {
      if (filter_.Ignored(device)) continue;
      entries.Add(static_cast<double>(count), {{"device", device}});
    }
    return {};
  }

 private:
  std::string path_ = ProcPath("net/arp");
  std::string buffer_;
  DeviceFilter filter_{FlagPattern("collector.arp.device-exclude", arp_device_exclude),
                       FlagPattern("collector.arp.device-include", arp_device_include)};
};

EXPORTER_REGISTER_COLLECTOR(exporter::Collector, "arp", true, ArpCollector, [](exporter::Flags& flags) {
  flags.Option("--collector.arp.device-include", arp_device_include,
               "Regexp of arp devices to include (mutually exclusive to device-exclude).");
  flags.Option("--collector.arp.device-exclude", arp_device_exclude,
               "Regexp of arp devices to exclude (mutually exclusive to device-include).");
});

}  // namespace
}  // namespace node
