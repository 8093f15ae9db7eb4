#include "collectors/part1_util.h"
#include "collectors/util.h"
#include "exporter/collector.h"
#include "exporter/metrics.h"
#include "exporter/strings.h"
#include "node_context.h"
#include "parse/part1_sysfs.h"

namespace node {
namespace {

// /sys/class/thermal/thermal_zone* and cooling_device*. As in node_exporter
// 1.5, a zone or device missing a required attribute fails the collector; no
// thermal class at all is no output.
class ThermalZoneCollector : public exporter::Collector {
 public:
  exporter::Status Collect(exporter::Families& out) override {
    std::string base = SysPath("class/thermal");
    auto temp = exporter::Gauge(out, "node_thermal_zone_temp", "Zone temperature in Celsius");
    for (const auto& zone : GlobNumbered(base, "thermal_zone")) {
      std::string dir = base + "/" + zone + "/";
      std::string type, policy;
      if (auto status = ReadText(dir + "type", type); !status) return status;
      if (auto status = ReadText(dir + "policy", policy); !status) return status;
      int error = 0;
      if (!ReadInto(dir + "temp", buffer_, &error)) return ReadFailed(dir + "temp", error);
      auto millidegrees = parse::ParseDecimalInt(buffer_);
      if (!millidegrees) return exporter::Status::Error(dir + "temp: " + millidegrees.error());
      // Optional attributes node_exporter validates but does not export.
      if (!ReadInto(dir + "mode", buffer_, &error) && error != ENOENT && error != EACCES) {
        return ReadFailed(dir + "mode", error);
      }
      if (ReadInto(dir + "passive", buffer_, &error)) {
        if (auto passive = parse::ParseDecimalUint(buffer_); !passive) {
          return exporter::Status::Error(dir + "passive: " + passive.error());
        }
      } else if (error != ENOENT && error != EACCES) {
        return ReadFailed(dir + "passive", error);
      }
      temp.Add(static_cast<double>(*millidegrees) / 1000.0, {{"type", type}, {"zone", zone.substr(12)}});
    }
    auto cur = exporter::Gauge(out, "node_cooling_device_cur_state", "Current throttle state of the cooling device");
    auto max = exporter::Gauge(out, "node_cooling_device_max_state", "Maximum throttle state of the cooling device");
    for (const auto& device : GlobNumbered(base, "cooling_device")) {
      std::string dir = base + "/" + device + "/";
      std::string type;
      if (auto status = ReadText(dir + "type", type); !status) return status;
      int error = 0;
      if (!ReadInto(dir + "max_state", buffer_, &error)) return ReadFailed(dir + "max_state", error);
      auto max_state = parse::ParseDecimalInt(buffer_);
      if (!max_state) return exporter::Status::Error(dir + "max_state: " + max_state.error());
      // cur_state may be -1 (intel_powerclamp when idle).
      if (!ReadInto(dir + "cur_state", buffer_, &error)) return ReadFailed(dir + "cur_state", error);
      auto cur_state = parse::ParseDecimalInt(buffer_);
      if (!cur_state) return exporter::Status::Error(dir + "cur_state: " + cur_state.error());
      std::string name = device.substr(14);
      cur.Add(static_cast<double>(*cur_state), {{"name", name}, {"type", type}});
      max.Add(static_cast<double>(*max_state), {{"name", name}, {"type", type}});
    }
    return {};
  }

 private:
  exporter::Status ReadText(const std::string& path, std::string& value) {
    int error = 0;
    if (!ReadInto(path, buffer_, &error)) return ReadFailed(path, error);
    value = std::string(exporter::Trim(buffer_));
    return {};
  }

  std::string buffer_;
};

EXPORTER_REGISTER_COLLECTOR(exporter::Collector, "thermal_zone", true, ThermalZoneCollector);

}  // namespace
}  // namespace node
