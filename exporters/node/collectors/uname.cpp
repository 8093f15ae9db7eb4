#include <sys/utsname.h>

#include "exporter/collector.h"
#include "exporter/metrics.h"

namespace node {
namespace {

class UnameCollector : public exporter::Collector {
 public:
  exporter::Status Collect(exporter::Families& out) override {
    struct utsname u;
    if (uname(&u) != 0) return exporter::Status::Error("uname failed");
    exporter::Gauge(out, "node_uname_info", "Labeled system information as provided by the uname system call.")
        .Add(1, {{"domainname", u.domainname},
                 {"machine", u.machine},
                 {"nodename", u.nodename},
                 {"release", u.release},
                 {"sysname", u.sysname},
                 {"version", u.version}});
    return {};
  }
};

EXPORTER_REGISTER_COLLECTOR(exporter::Collector, "uname", true, UnameCollector);

}  // namespace
}  // namespace node
