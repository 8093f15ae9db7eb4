#include <algorithm>

#include "collectors/part1_families.h"
#include "collectors/part1_util.h"
#include "collectors/util.h"
#include "exporter/collector.h"
#include "exporter/metrics.h"
#include "exporter/strings.h"
#include "node_context.h"
#include "parse/part1_sysfs.h"

namespace node {
namespace {

std::string powersupply_ignored_supplies = "^$";

// /sys/class/power_supply/<name>: every regular file node_exporter knows,
// numbers as node_power_supply_<attribute> and text as labels of
// node_power_supply_info.
class PowerSupplyClassCollector : public exporter::Collector {
 public:
  exporter::Status Collect(exporter::Families& out) override {
    std::string base = SysPath("class/power_supply");
    int error = 0;
    if (!ListDir(base, supplies_, &error)) {
      if (error == ENOENT) return exporter::Status::Error("no data: " + ReadFailed(base, error).message());
      return exporter::Status::Error("could not get power_supply class info: " + ReadFailed(base, error).message());
    }
    FamilySet families(out);
    for (const auto& supply : supplies_) {
      // Ignored supplies are not read at all (node_exporter reads, then drops them).
      if (ignore_.Search(supply.name)) continue;
      std::string dir = base + "/" + supply.name;
      if (!ListDir(dir, files_, &error)) return ReadFailed(dir, error);
      exporter::Labels info = {{"power_supply", supply.name}};
      for (const auto& file : files_) {
        if (file.type != DT_REG) continue;
        const auto* attribute = parse::FindPowerSupplyAttribute(file.name);
        if (!attribute) continue;
        std::string path = dir + "/" + file.name;
        if (!ReadInto(path, buffer_, &error)) {
          // Attributes the driver cannot report right now.
          if (error == ENOENT || error == EOPNOTSUPP || error == ENODEV || error == EINVAL) continue;
          return exporter::Status::Error("failed to read file \"" + path + "\": " + ReadFailed(path, error).message());
        }
        std::string_view value = exporter::Trim(buffer_);
        if (!attribute->metric) {
          if (!value.empty()) info.emplace_back(file.name, std::string(value));
          continue;
        }
        auto number = parse::ParseGoInt64(value);
        if (!number) return exporter::Status::Error(path + ": " + number.error());
        if (*attribute->metric == '\0') continue;  // parsed, not exported
        std::string metric = attribute->metric;
        families.Gauge("node_power_supply_" + metric, metric + " value of /sys/class/power_supply/<power_supply>.",
                       static_cast<double>(*number) / attribute->divisor, {{"power_supply", supply.name}});
      }
      std::sort(info.begin(), info.end());
      families.Gauge("node_power_supply_info", "info of /sys/class/power_supply/<power_supply>.", 1, std::move(info));
    }
    return {};
  }

 private:
  FlagPattern ignore_{"collector.powersupply.ignored-supplies", powersupply_ignored_supplies};
  std::vector<DirEntry> supplies_, files_;
  std::string buffer_;
};

EXPORTER_REGISTER_COLLECTOR(exporter::Collector, "powersupplyclass", true, PowerSupplyClassCollector,
                            [](exporter::Flags& flags) {
                              flags.Option("--collector.powersupply.ignored-supplies", powersupply_ignored_supplies,
                                           "Regexp of power supplies to ignore for powersupplyclass collector.");
                            });

}  // namespace
}  // namespace node
