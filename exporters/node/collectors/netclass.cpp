#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>

#include <map>
#include <optional>

#include "collectors/util.h"
#include "exporter/collector.h"
#include "exporter/metrics.h"
#include "exporter/strings.h"
#include "node_context.h"
#include "parse/procfs.h"

namespace node {
namespace {

std::string netclass_ignored_devices = "^$";
bool netclass_ignore_invalid_speed = false;

// Numeric attributes of /sys/class/net/<iface>, in the order node_exporter emits them.
struct Attribute {
  const char* file;
  const char* metric;  // node_network_<metric>
  bool counter;
  bool per_process;    // cannot change while the interface exists: read once
};
const Attribute kAttributes[] = {
    {"addr_assign_type", "address_assign_type", false, true},
    {"carrier", "carrier", false, false},
    {"carrier_changes", "carrier_changes_total", true, false},
    {"carrier_up_count", "carrier_up_changes_total", true, false},
    {"carrier_down_count", "carrier_down_changes_total", true, false},
    {"dev_id", "device_id", false, true},
    {"dormant", "dormant", false, false},
    {"flags", "flags", false, false},
    {"ifindex", "iface_id", false, false},
    {"iflink", "iface_link", false, false},
    {"link_mode", "iface_link_mode", false, false},
    {"mtu", "mtu_bytes", false, false},
    {"name_assign_type", "name_assign_type", false, true},
    {"netdev_group", "net_dev_group", false, false},
    {"speed", "speed_bytes", false, false},
    {"tx_queue_len", "transmit_queue_length", false, false},
    {"type", "protocol_type", false, true},
};
constexpr size_t kAttributeCount = sizeof(kAttributes) / sizeof(kAttributes[0]);
constexpr size_t kIfindex = 8;
constexpr size_t kSpeed = 14;
const char* const kTextAttributes[] = {"address", "broadcast", "duplex", "ifalias", "operstate"};

class NetclassCollector : public exporter::Collector {
 public:
  exporter::Status Collect(exporter::Families& out) override {
    std::string base = SysPath("class/net");
    DIR* dir = opendir(base.c_str());
    if (!dir) return exporter::Status::Error("could not get net class info: " + ReadFailed(base, errno).message());
    std::vector<std::string> names;
    while (dirent* entry = readdir(dir)) {
      if (entry->d_name[0] == '.') continue;
      std::string name = entry->d_name;
      // Interfaces are symlinks (or directories); regular files such as the
      // bonding driver's bonding_masters are not interfaces.
      if (entry->d_type == DT_REG) continue;
      if (entry->d_type == DT_UNKNOWN) {
        struct stat info;
        if (lstat((base + "/" + name).c_str(), &info) == 0 && S_ISREG(info.st_mode)) continue;
      }
      if (ignore_.Search(name)) continue;
      names.push_back(std::move(name));
    }
    closedir(dir);
    std::sort(names.begin(), names.end());

    size_t base_index = out.size();
    exporter::Gauge(out, "node_network_up", "Value is 1 if operstate is 'up', 0 otherwise.");
    exporter::Gauge(out, "node_network_info", "Non-numeric data from /sys/class/net/<iface>, value is always 1.");
    for (const auto& attribute : kAttributes) {
      std::string name = std::string("node_network_") + attribute.metric;
      std::string help = std::string("Network device property: ") + attribute.metric;
      if (attribute.counter) {
        exporter::Counter(out, std::move(name), std::move(help));
      } else {
        exporter::Gauge(out, std::move(name), std::move(help));
      }
    }
    for (const auto& name : names) {
      std::string dev_path = base + "/" + name + "/";
      std::array<std::optional<int64_t>, kAttributeCount> values;
      // ifindex first: it tells whether cached per-interface values still apply.
      if (auto status = ReadInt(dev_path, kAttributes[kIfindex].file, values[kIfindex]); !status) return status;
      auto& cached = cache_[name];
      bool cache_valid = cached.valid && cached.ifindex == values[kIfindex];
      for (size_t i = 0; i < kAttributeCount; ++i) {
        if (i == kIfindex) continue;
        if (kAttributes[i].per_process && cache_valid) {
          values[i] = cached.values[i];
          continue;
        }
        if (auto status = ReadInt(dev_path, kAttributes[i].file, values[i]); !status) return status;
      }
      if (!cache_valid) {
        cached.valid = true;
        cached.ifindex = values[kIfindex];
        cached.values = values;
      }
      std::array<std::string, 5> text;
      for (size_t i = 0; i < 5; ++i) {
        if (ReadInto(dev_path + kTextAttributes[i], buffer_)) text[i] = std::string(exporter::Trim(buffer_));
      }
      const std::string& operstate = text[4];
      AddGauge(out[base_index], operstate == "up" ? 1 : 0, name);
      auto& info = out[base_index + 1].metric.emplace_back();
      info.gauge.value = 1;
      info.label = {{"address", text[0]}, {"broadcast", text[1]}, {"device", name},
                    {"duplex", text[2]},  {"ifalias", text[3]},   {"operstate", operstate}};
      for (size_t i = 0; i < kAttributeCount; ++i) {
        if (!values[i]) continue;
        double value = static_cast<double>(*values[i]);
        if (i == kSpeed) {
          if (*values[i] < 0 && netclass_ignore_invalid_speed) continue;
          value = static_cast<double>(*values[i] * 1000 * 1000 / 8);
        }
        auto& family = out[base_index + 2 + i];
        if (kAttributes[i].counter) {
          auto& metric = family.metric.emplace_back();
          metric.counter.value = value;
          metric.label.push_back({"device", name});
        } else {
          AddGauge(family, value, name);
        }
      }
    }
    if (cache_.size() > 4096) cache_.clear();
    return {};
  }

 private:
  static void AddGauge(prometheus::MetricFamily& family, double value, const std::string& device) {
    auto& metric = family.metric.emplace_back();
    metric.gauge.value = value;
    metric.label.push_back({"device", device});
  }

  // Unreadable attributes (EINVAL for the speed of a down link, absent files) are
  // skipped as node_exporter skips them; unparsable ones fail the collector.
  exporter::Status ReadInt(const std::string& dev_path, const char* file, std::optional<int64_t>& value) {
    value.reset();
    if (!ReadInto(dev_path + file, buffer_)) return {};
    auto parsed = parse::ParseSysfsInt(buffer_);
    if (!parsed) return exporter::Status::Error(dev_path + file + ": " + parsed.error());
    value = *parsed;
    return {};
  }

  struct Cached {
    bool valid = false;
    std::optional<int64_t> ifindex;
    std::array<std::optional<int64_t>, kAttributeCount> values;
  };
  std::string buffer_;
  FlagPattern ignore_{"collector.netclass.ignored-devices", netclass_ignored_devices};
  std::map<std::string, Cached> cache_;
};

EXPORTER_REGISTER_COLLECTOR(exporter::Collector, "netclass", true, NetclassCollector, [](exporter::Flags& flags) {
  flags.Option("--collector.netclass.ignored-devices", netclass_ignored_devices,
               "Regexp of net devices to ignore for netclass collector.");
  flags.Flag("--collector.netclass.ignore-invalid-speed", netclass_ignore_invalid_speed,
             "Ignore devices where the speed is invalid. This will be the default behavior in 2.x.");
});

}  // namespace
}  // namespace node
