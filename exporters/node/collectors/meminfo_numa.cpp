#include <string>

#include "collectors/part1_util.h"
#include "collectors/util.h"
#include "exporter/collector.h"
#include "exporter/metrics.h"
#include "node_context.h"
#include "parse/offdefault.h"

namespace node {
namespace {

// Per NUMA node: the node's meminfo as gauges and its numastat as counters.
class MeminfoNumaCollector : public exporter::Collector {
 public:
  exporter::Status Collect(exporter::Families& out) override {
    struct Sample {
      std::string name;
      std::string node;
      double value;
      bool counter;
    };
    std::vector<Sample> samples;
    for (const auto& entry : GlobNumbered(base_, "node")) {
      std::string dir = base_ + "/" + entry;
      std::string path = dir + "/meminfo";
      int error = 0;
      if (!ReadInto(path, buffer_, &error)) return Failed(ReadFailed(path, error).message());
      auto meminfo = parse::ParseNodeMeminfo(buffer_);
      if (!meminfo) return Failed(meminfo.error());
      for (auto& value : *meminfo)
        samples.push_back({std::move(value.name), std::move(value.node), value.value, false});
      path = dir + "/numastat";
      if (!ReadInto(path, buffer_, &error)) return Failed(ReadFailed(path, error).message());
      std::string node;
      if (!parse::NumaNodeNumber(dir, node)) return Failed("device node string didn't match regexp: " + dir);
      auto numastat = parse::ParseNumastat(buffer_);
      if (!numastat) return Failed(numastat.error());
      for (auto& [name, value] : *numastat) samples.push_back({name + "_total", node, value, true});
    }
    for (const auto& sample : samples) {
      std::string family = "node_memory_numa_" + sample.name;
      std::string help = "Memory information field " + sample.name + ".";
      if (sample.counter) {
        exporter::Counter(out, family, help).Add(sample.value, {{"node", sample.node}});
      } else {
        exporter::Gauge(out, family, help).Add(sample.value, {{"node", sample.node}});
      }
    }
    return {};
  }

 private:
  static exporter::Status Failed(const std::string& why) {
    return exporter::Status::Error("couldn't get NUMA meminfo: " + why);
  }

  std::string base_ = SysPath("devices/system/node");
  std::string buffer_;
};

EXPORTER_REGISTER_COLLECTOR(exporter::Collector, "meminfo_numa", false, MeminfoNumaCollector);

}  // namespace
}  // namespace node
