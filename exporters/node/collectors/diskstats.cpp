#include <map>

#include "collectors/util.h"
#include "exporter/collector.h"
#include "exporter/metrics.h"
#include "exporter/strings.h"
#include "node_context.h"
#include "parse/procfs.h"

namespace node {
namespace {

std::string diskstats_device_exclude = "^(ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\\d+n\\d+p)\\d+$";
std::string diskstats_device_include;
std::string diskstats_ignored_devices;  // deprecated alias of device-exclude

constexpr double kSectorBytes = 512;

struct CounterDesc {
  const char* name;
  const char* help;
  double scale;
  bool gauge;
};
// In /proc/diskstats column order (after major, minor, name).
const CounterDesc kCounters[] = {
    {"node_disk_reads_completed_total", "The total number of reads completed successfully.", 1, false},
    {"node_disk_reads_merged_total", "The total number of reads merged.", 1, false},
    {"node_disk_read_bytes_total", "The total number of bytes read successfully.", kSectorBytes, false},
    {"node_disk_read_time_seconds_total", "The total number of seconds spent by all reads.", 0.001, false},
    {"node_disk_writes_completed_total", "The total number of writes completed successfully.", 1, false},
    {"node_disk_writes_merged_total", "The number of writes merged.", 1, false},
    {"node_disk_written_bytes_total", "The total number of bytes written successfully.", kSectorBytes, false},
    {"node_disk_write_time_seconds_total", "This is the total number of seconds spent by all writes.", 0.001, false},
    {"node_disk_io_now", "The number of I/Os currently in progress.", 1, true},
    {"node_disk_io_time_seconds_total", "Total seconds spent doing I/Os.", 0.001, false},
    {"node_disk_io_time_weighted_seconds_total", "The weighted # of seconds spent doing I/Os.", 0.001, false},
    {"node_disk_discards_completed_total", "The total number of discards completed successfully.", 1, false},
    {"node_disk_discards_merged_total", "The total number of discards merged.", 1, false},
    {"node_disk_discarded_sectors_total", "The total number of sectors discarded successfully.", 1, false},
    {"node_disk_discard_time_seconds_total", "This is the total number of seconds spent by all discards.", 0.001,
     false},
    {"node_disk_flush_requests_total", "The total number of flush requests completed successfully", 1, false},
    {"node_disk_flush_requests_time_seconds_total", "This is the total number of seconds spent by all flush requests.",
     0.001, false},
};
constexpr size_t kCounterCount = sizeof(kCounters) / sizeof(kCounters[0]);

class DiskstatsCollector : public exporter::Collector {
 public:
  DiskstatsCollector() {
    std::string exclude = !diskstats_ignored_devices.empty() ? diskstats_ignored_devices
                          : diskstats_device_include.empty() ? diskstats_device_exclude
                                                             : "";
    filter_ = DeviceFilter(FlagPattern("collector.diskstats.device-exclude", exclude),
                           FlagPattern("collector.diskstats.device-include", diskstats_device_include));
  }

  exporter::Status Collect(exporter::Families& out) override {
    int error = 0;
    if (!ReadInto(path_, buffer_, &error)) return ReadFailed(path_, error);
    auto disks = parse::ParseDiskstats(buffer_);
    if (!disks) return disks.status();
    size_t base = out.size();
    for (const auto& desc : kCounters) {
      if (desc.gauge) {
        exporter::Gauge(out, desc.name, desc.help);
      } else {
        exporter::Counter(out, desc.name, desc.help);
      }
    }
    auto info = exporter::Gauge(out, "node_disk_info", "Info of /sys/block/<block_device>.");
    exporter::Families udev_families;
    for (const auto& disk : *disks) {
      if (Ignored(disk.name)) continue;
      const DeviceInfo& device = Info(disk);
      for (size_t i = 0; i < disk.counters.size() && i < kCounterCount; ++i) {
        auto& metric = out[base + i].metric.emplace_back();
        double value = static_cast<double>(disk.counters[i]) * kCounters[i].scale;
        if (kCounters[i].gauge) {
          metric.gauge.value = value;
        } else {
          metric.counter.value = value;
        }
        metric.label.push_back({"device", disk.name});
      }
      info.Add(1, device.info_labels);
      AddUdevFamilies(udev_families, disk.name, device);
    }
    for (auto& family : udev_families) out.push_back(std::move(family));
    return {};
  }

 private:
  struct DeviceInfo {
    exporter::Labels info_labels;
    std::map<std::string, std::string> udev;
  };

  bool Ignored(const std::string& name) {
    auto it = ignored_.find(name);
    if (it != ignored_.end()) return it->second;
    if (ignored_.size() > 4096) ignored_.clear();
    return ignored_.emplace(name, filter_.Ignored(name)).first->second;
  }

  // What udev knows of a device does not change while it exists: read once.
  const DeviceInfo& Info(const parse::DiskStatsLine& disk) {
    std::string key = disk.name + " " + std::to_string(disk.major) + ":" + std::to_string(disk.minor);
    auto it = info_.find(key);
    if (it != info_.end()) return it->second;
    if (info_.size() > 4096) info_.clear();
    DeviceInfo device;
    std::string path = paths().udev_data + "/b" + std::to_string(disk.major) + ":" + std::to_string(disk.minor);
    std::string content;
    if (ReadInto(path, content)) {
      for (auto& [k, v] : parse::ParseUdevProperties(content)) device.udev[k] = v;
    }
    auto get = [&](const char* k) {
      auto found = device.udev.find(k);
      return found == device.udev.end() ? std::string() : found->second;
    };
    std::string serial = get("ID_SERIAL_SHORT");
    if (serial.empty()) serial = get("ID_SERIAL");
    device.info_labels = {{"device", disk.name},
                          {"major", std::to_string(disk.major)},
                          {"minor", std::to_string(disk.minor)},
                          {"model", get("ID_MODEL")},
                          {"path", get("ID_PATH")},
                          {"revision", get("ID_REVISION")},
                          {"serial", serial},
                          {"wwn", get("ID_WWN")}};
    return info_.emplace(std::move(key), std::move(device)).first->second;
  }

  void AddUdevFamilies(exporter::Families& out, const std::string& name, const DeviceInfo& device) {
    auto get = [&](const char* k) -> const std::string* {
      auto found = device.udev.find(k);
      return found == device.udev.end() ? nullptr : &found->second;
    };
    if (const auto* fs_type = get("ID_FS_TYPE"); fs_type && !fs_type->empty()) {
      auto value = [&](const char* k) { const auto* v = get(k); return v ? *v : std::string(); };
      Add(out, "node_disk_filesystem_info", "Info about disk filesystem.", 1,
          {{"device", name}, {"type", *fs_type}, {"usage", value("ID_FS_USAGE")}, {"uuid", value("ID_FS_UUID")},
           {"version", value("ID_FS_VERSION")}});
    }
    if (const auto* rpm = get("ID_ATA_ROTATION_RATE_RPM")) {
      if (auto v = exporter::ParseDouble(*rpm)) {
        Add(out, "node_disk_ata_rotation_rate_rpm", "ATA disk rotation rate in RPMs (0 for SSDs).", *v,
            {{"device", name}});
      }
    }
    if (const auto* cache = get("ID_ATA_WRITE_CACHE")) {
      Add(out, "node_disk_ata_write_cache", "ATA disk has a write cache.", *cache == "1" ? 1 : 0, {{"device", name}});
    }
    if (const auto* enabled = get("ID_ATA_WRITE_CACHE_ENABLED")) {
      Add(out, "node_disk_ata_write_cache_enabled", "ATA disk has its write cache enabled.", *enabled == "1" ? 1 : 0,
          {{"device", name}});
    }
  }

  static void Add(exporter::Families& out, const char* family, const char* help, double value,
                  const exporter::Labels& labels) {
    for (auto& existing : out) {
      if (existing.name == family) {
        auto& metric = existing.metric.emplace_back();
        metric.gauge.value = value;
        for (const auto& [k, v] : labels) metric.label.push_back({k, v});
        return;
      }
    }
    exporter::Gauge(out, family, help).Add(value, labels);
  }

  std::string path_ = ProcPath("diskstats");
  std::string buffer_;
  DeviceFilter filter_;
  std::map<std::string, bool> ignored_;
  std::map<std::string, DeviceInfo> info_;
};

EXPORTER_REGISTER_COLLECTOR(exporter::Collector, "diskstats", true, DiskstatsCollector, [](exporter::Flags& flags) {
  flags.Option("--collector.diskstats.device-exclude", diskstats_device_exclude,
               "Regexp of diskstats devices to exclude (mutually exclusive to device-include).");
  flags.Option("--collector.diskstats.device-include", diskstats_device_include,
               "Regexp of diskstats devices to include (mutually exclusive to device-exclude).");
  flags.Option("--collector.diskstats.ignored-devices", diskstats_ignored_devices,
               "DEPRECATED: Use --collector.diskstats.device-exclude");
});

}  // namespace
}  // namespace node
