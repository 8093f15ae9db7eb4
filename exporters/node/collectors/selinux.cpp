#include "collectors/util.h"
#include "exporter/collector.h"
#include "exporter/metrics.h"
#include "exporter/strings.h"
#include "node_context.h"
#include "parse/procfs.h"

namespace node {
namespace {

class SelinuxCollector : public exporter::Collector {
 public:
  exporter::Status Collect(exporter::Families& out) override {
    // selinuxfs exposes "enforce" when SELinux is on; without it SELinux is disabled.
    if (!ReadInto(enforce_path_, buffer_)) {
      exporter::Gauge(out, "node_selinux_enabled", "SELinux is enabled, 1 is true, 0 is false").Add(0);
      return {};
    }
    auto current = parse::ParseSingleUint(buffer_);
    if (!current) return current.status();
    double config_mode = -1;  // disabled
    if (ReadInto(config_path_, buffer_)) {
      parse::ForEachLine(buffer_, [&](std::string_view line) {
        line = exporter::Trim(line);
        if (!exporter::StartsWith(line, "SELINUX=")) return;
        std::string_view mode = line.substr(8);
        config_mode = mode == "enforcing" ? 1 : mode == "permissive" ? 0 : -1;
      });
    }
    exporter::Gauge(out, "node_selinux_enabled", "SELinux is enabled, 1 is true, 0 is false").Add(1);
    exporter::Gauge(out, "node_selinux_config_mode",
                    "Configured SELinux enforcement mode (-1 disabled, 0 permissive, 1 enforcing)")
        .Add(config_mode);
    exporter::Gauge(out, "node_selinux_current_mode",
                    "Current SELinux enforcement mode (-1 disabled, 0 permissive, 1 enforcing)")
        .Add(static_cast<double>(*current));
    return {};
  }

 private:
  std::string enforce_path_ = SysPath("fs/selinux/enforce");
  std::string config_path_ = RootfsPath("/etc/selinux/config");
  std::string buffer_;
};

EXPORTER_REGISTER_COLLECTOR(exporter::Collector, "selinux", true, SelinuxCollector);

}  // namespace
}  // namespace node
