#include <map>

#include "collectors/part1_families.h"
#include "collectors/part1_util.h"
#include "collectors/util.h"
#include "exporter/collector.h"
#include "exporter/metrics.h"
#include "node_context.h"
#include "parse/part1_sysfs.h"

namespace node {
namespace {

bool rapl_enable_zone_label = false;

// /sys/class/powercap/<zone>/energy_uj of every zone with a name file, as
// node_rapl_<name>_joules_total{index,path} (or node_rapl_joules_total with a
// rapl_zone label). Zones without an index in their name ("dram") are
// numbered in directory order, as node_exporter numbers them.
class RaplCollector : public exporter::Collector {
 public:
  exporter::Status Collect(exporter::Families& out) override {
    std::string base = SysPath("class/powercap");
    int error = 0;
    if (!ListDir(base, entries_, &error)) {
      if (error == ENOENT || error == EACCES) {
        return exporter::Status::Error("no data: platform doesn't have powercap files present: " +
                                       ReadFailed(base, error).message());
      }
      return exporter::Status::Error("failed to retrieve rapl stats: " + ReadFailed(base, error).message());
    }
    struct Zone {
      std::string name, path;
      int index;
    };
    std::vector<Zone> zones;
    std::map<std::string, int> uses;
    std::map<std::string, Known> known;
    for (const auto& entry : entries_) {
      std::string dir = base + "/" + entry.name;
      // A zone's name and energy range do not change while it exists: read once per zone.
      auto cached = known_.find(entry.name);
      if (cached == known_.end() || cached->second.inode != entry.inode) {
        Known zone{entry.inode, std::nullopt};
        if (ReadInto(dir + "/name", buffer_)) {
          auto name = parse::ParseRaplName(buffer_);
          if (!name) return exporter::Status::Error("failed to retrieve rapl stats: " + name.error());
          // node_exporter requires max_energy_range_uj even though it does not export it.
          if (!ReadInto(dir + "/max_energy_range_uj", buffer_, &error)) {
            return exporter::Status::Error("failed to retrieve rapl stats: " +
                                           ReadFailed(dir + "/max_energy_range_uj", error).message());
          }
          if (auto range = parse::ParseDecimalUint(buffer_); !range) {
            return exporter::Status::Error(dir + "/max_energy_range_uj: " + range.error());
          }
          zone.name = std::move(*name);
        }
        cached = known_.insert_or_assign(entry.name, std::move(zone)).first;
      }
      known.insert(*cached);
      if (!cached->second.name) continue;
      const auto& name = *cached->second.name;
      int index = name.index ? *name.index : uses[name.name];
      uses[name.name] = index + 1;
      zones.push_back({name.name, std::move(dir), index});
    }
    known_ = std::move(known);  // forget zones that are gone
    FamilySet families(out);
    for (const auto& zone : zones) {
      std::string path = zone.path + "/energy_uj";
      if (!ReadInto(path, buffer_, &error)) {
        if (error == EACCES || error == EPERM) return exporter::Status::Error("no data: can't access " + path);
        return ReadFailed(path, error);
      }
      auto microjoules = parse::ParseDecimalUint(buffer_);
      if (!microjoules) return exporter::Status::Error(path + ": " + microjoules.error());
      double joules = static_cast<double>(*microjoules) / 1000000.0;
      std::string index = std::to_string(zone.index);
      if (rapl_enable_zone_label) {
        families.Add("node_rapl_joules_total", "Current RAPL value in joules", prometheus::MetricType::Counter, joules,
                     {{"index", index}, {"path", zone.path}, {"rapl_zone", zone.name}});
      } else {
        families.Add("node_rapl_" + zone.name + "_joules_total", "Current RAPL " + zone.name + " value in joules",
                     prometheus::MetricType::Counter, joules, {{"index", index}, {"path", zone.path}});
      }
    }
    return {};
  }

 private:
  struct Known {
    ino_t inode;
    std::optional<parse::RaplName> name;  // nullopt: not a zone (no name file)
  };
  std::vector<DirEntry> entries_;
  std::string buffer_;
  std::map<std::string, Known> known_;
};

EXPORTER_REGISTER_COLLECTOR(exporter::Collector, "rapl", true, RaplCollector, [](exporter::Flags& flags) {
  flags.Flag("--collector.rapl.enable-zone-label", rapl_enable_zone_label,
             "Enables service unit metric unit_start_time_seconds");
});

}  // namespace
}  // namespace node
