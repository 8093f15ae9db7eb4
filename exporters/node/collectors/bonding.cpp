#include "collectors/util.h"
#include "exporter/collector.h"
#include "exporter/metrics.h"
#include "exporter/strings.h"
#include "node_context.h"
#include "parse/procfs.h"

namespace node {
namespace {

// /sys/class/net/bonding_masters and, per master, its slaves and their MII
// status. Without the bonding driver there is no data (success 0), as in
// node_exporter.
class BondingCollector : public exporter::Collector {
 public:
  exporter::Status Collect(exporter::Families& out) override {
    std::string base = SysPath("class/net");
    int error = 0;
    if (!ReadInto(base + "/bonding_masters", buffer_, &error)) {
      if (error == ENOENT)
        return exporter::Status::Error("no data: " + ReadFailed(base + "/bonding_masters", error).message());
      return ReadFailed(base + "/bonding_masters", error);
    }
    auto slaves = exporter::Gauge(out, "node_bonding_slaves", "Number of configured slaves per bonding interface.");
    auto active = exporter::Gauge(out, "node_bonding_active", "Number of active slaves per bonding interface.");
    for (const auto& master : parse::ParseWordList(buffer_)) {
      std::string dir = base + "/" + master + "/";
      if (!ReadInto(dir + "bonding/slaves", slave_list_, &error)) return ReadFailed(dir + "bonding/slaves", error);
      int configured = 0, up = 0;
      for (const auto& slave : parse::ParseWordList(slave_list_)) {
        std::string path = dir + "lower_" + slave + "/bonding_slave/mii_status";
        bool read = ReadInto(path, buffer_, &error);
        if (!read && error == ENOENT) {
          // Older kernels link the slaves as slave_<name>.
          path = dir + "slave_" + slave + "/bonding_slave/mii_status";
          read = ReadInto(path, buffer_, &error);
        }
        if (!read) return ReadFailed(path, error);
        ++configured;
        if (exporter::Trim(buffer_) == "up") ++up;
      }
      slaves.Add(configured, {{"master", master}});
      active.Add(up, {{"master", master}});
    }
    return {};
  }

 private:
  std::string buffer_, slave_list_;
};

EXPORTER_REGISTER_COLLECTOR(exporter::Collector, "bonding", true, BondingCollector);

}  // namespace
}  // namespace node
