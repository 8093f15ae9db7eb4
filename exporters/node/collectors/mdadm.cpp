#include "collectors/util.h"
#include "exporter/collector.h"
#include "exporter/metrics.h"
#include "node_context.h"
#include "parse/part1_sysfs.h"

namespace node {
namespace {

// /proc/mdstat: state, disks and sync progress of each md device. Without
// md support there is no data (success 0), as in node_exporter.
class MdadmCollector : public exporter::Collector {
 public:
  exporter::Status Collect(exporter::Families& out) override {
    int error = 0;
    if (!ReadInto(path_, buffer_, &error)) {
      if (error == ENOENT) return exporter::Status::Error("no data: mdstat file does not exist: " + path_);
      return ReadFailed(path_, error);
    }
    auto devices = parse::ParseMdstat(buffer_);
    if (!devices) return exporter::Status::Error("error parsing mdstatus: " + path_ + ": " + devices.error());
    auto state = exporter::Gauge(out, "node_md_state", "Indicates the state of md-device.");
    auto disks = exporter::Gauge(out, "node_md_disks", "Number of active/failed/spare disks of device.");
    auto required = exporter::Gauge(out, "node_md_disks_required", "Total number of disks of device.");
    auto blocks = exporter::Gauge(out, "node_md_blocks", "Total number of blocks on device.");
    auto synced = exporter::Gauge(out, "node_md_blocks_synced", "Number of blocks synced on device.");
    // node_md_state's label values and the parser's states they stand for.
    static constexpr std::pair<const char*, const char*> kStates[] = {{"active", "active"},
                                                                      {"inactive", "inactive"},
                                                                      {"recovering", "recovering"},
                                                                      {"resync", "resyncing"},
                                                                      {"check", "checking"}};
    for (const auto& md : *devices) {
      for (auto [label, parsed] : kStates) {
        state.Add(md.state == parsed ? 1 : 0, {{"device", md.name}, {"state", label}});
      }
      disks.Add(static_cast<double>(md.disks_active), {{"device", md.name}, {"state", "active"}});
      disks.Add(static_cast<double>(md.disks_failed), {{"device", md.name}, {"state", "failed"}});
      disks.Add(static_cast<double>(md.disks_spare), {{"device", md.name}, {"state", "spare"}});
      required.Add(static_cast<double>(md.disks_total), {{"device", md.name}});
      blocks.Add(static_cast<double>(md.blocks_total), {{"device", md.name}});
      synced.Add(static_cast<double>(md.blocks_synced), {{"device", md.name}});
    }
    return {};
  }

 private:
  std::string path_ = ProcPath("mdstat");
  std::string buffer_;
};

EXPORTER_REGISTER_COLLECTOR(exporter::Collector, "mdadm", true, MdadmCollector);

}  // namespace
}  // namespace node
