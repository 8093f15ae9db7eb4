#include <unistd.h>

#include "collectors/util.h"
#include "exporter/collector.h"
#include "exporter/metrics.h"
#include "node_context.h"
#include "parse/procfs.h"

namespace node {
namespace {

class SockstatCollector : public exporter::Collector {
 public:
  exporter::Status Collect(exporter::Families& out) override {
    int error = 0;
    if (!ReadInto(v4_path_, buffer_, &error)) return ReadFailed(v4_path_, error);
    auto v4 = parse::ParseSockstat(buffer_);
    if (!v4) return v4.status();
    Emit(out, *v4);
    // IPv6 may be disabled: its file is then absent and skipped.
    if (ReadInto(v6_path_, buffer_, &error)) {
      auto v6 = parse::ParseSockstat(buffer_);
      if (!v6) return v6.status();
      Emit(out, *v6);
    } else if (error != ENOENT) {
      return ReadFailed(v6_path_, error);
    }
    return {};
  }

 private:
  void Emit(exporter::Families& out, const std::vector<std::pair<std::string, double>>& values) {
    for (const auto& [name, value] : values) {
      if (name == "sockets_used") {
        exporter::Gauge(out, "node_sockstat_sockets_used", "Number of IPv4 sockets in use.").Add(value);
        continue;
      }
      size_t underscore = name.find('_');
      std::string protocol = name.substr(0, underscore), state = name.substr(underscore + 1);
      exporter::Gauge(out, "node_sockstat_" + name, "Number of " + protocol + " sockets in state " + state + ".")
          .Add(value);
      if (state == "mem") {
        exporter::Gauge(out, "node_sockstat_" + name + "_bytes",
                        "Number of " + protocol + " sockets in state mem_bytes.")
            .Add(value * page_size_);
      }
    }
  }

  std::string v4_path_ = ProcPath("net/sockstat");
  std::string v6_path_ = ProcPath("net/sockstat6");
  std::string buffer_;
  double page_size_ = static_cast<double>(sysconf(_SC_PAGESIZE));
};

EXPORTER_REGISTER_COLLECTOR(exporter::Collector, "sockstat", true, SockstatCollector);

}  // namespace
}  // namespace node
