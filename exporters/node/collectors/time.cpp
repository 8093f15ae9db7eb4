#include <dirent.h>

#include <chrono>
#include <ctime>
#include <string>
#include <vector>

#include "collectors/util.h"
#include "exporter/collector.h"
#include "exporter/metrics.h"
#include "node_context.h"
#include "parse/procfs.h"

namespace node {
namespace {

class TimeCollector : public exporter::Collector {
 public:
  TimeCollector() {
    // The clocksource devices and what each offers do not change while the system runs.
    std::string base = SysPath("devices/system/clocksource");
    if (DIR* dir = opendir(base.c_str())) {
      while (dirent* entry = readdir(dir)) {
        std::string name = entry->d_name;
        if (name.rfind("clocksource", 0) != 0) continue;
        Device device;
        device.index = name.substr(11);
        device.current_path = base + "/" + name + "/current_clocksource";
        if (ReadInto(base + "/" + name + "/available_clocksource", buffer_)) {
          device.available = parse::ParseWordList(buffer_);
        }
        devices_.push_back(std::move(device));
      }
      closedir(dir);
    }
  }

  exporter::Status Collect(exporter::Families& out) override {
    auto now = std::chrono::system_clock::now();
    double seconds = std::chrono::duration<double>(now.time_since_epoch()).count();
    exporter::Gauge(out, "node_time_seconds", "System time in seconds since epoch (1970).").Add(seconds);
    time_t t = std::chrono::system_clock::to_time_t(now);
    struct tm local;
    localtime_r(&t, &local);
    exporter::Gauge(out, "node_time_zone_offset_seconds", "System time zone offset in seconds.")
        .Add(static_cast<double>(local.tm_gmtoff), {{"time_zone", local.tm_zone ? local.tm_zone : ""}});
    auto available = exporter::Gauge(out, "node_time_clocksource_available_info",
                                     "Available clocksources read from '/sys/devices/system/clocksource'.");
    for (const auto& device : devices_) {
      for (const auto& source : device.available) available.Add(1, {{"clocksource", source}, {"device", device.index}});
    }
    auto current = exporter::Gauge(out, "node_time_clocksource_current_info",
                                   "Current clocksource read from '/sys/devices/system/clocksource'.");
    for (const auto& device : devices_) {
      int error = 0;
      if (!ReadInto(device.current_path, buffer_, &error)) return ReadFailed(device.current_path, error);
      auto words = parse::ParseWordList(buffer_);
      if (!words.empty()) current.Add(1, {{"clocksource", words[0]}, {"device", device.index}});
    }
    return {};
  }

 private:
  struct Device {
    std::string index;
    std::string current_path;
    std::vector<std::string> available;
  };
  std::vector<Device> devices_;
  std::string buffer_;
};

EXPORTER_REGISTER_COLLECTOR(exporter::Collector, "time", true, TimeCollector);

}  // namespace
}  // namespace node
