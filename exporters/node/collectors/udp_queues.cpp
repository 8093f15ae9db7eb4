#include "collectors/util.h"
#include "exporter/collector.h"
#include "exporter/metrics.h"
#include "node_context.h"
#include "parse/procfs.h"

namespace node {
namespace {

class UdpQueuesCollector : public exporter::Collector {
 public:
  exporter::Status Collect(exporter::Families& out) override {
    exporter::Families families;
    auto queues = exporter::Gauge(families, "node_udp_queues",
                                  "Number of allocated memory in the kernel for UDP datagrams in bytes.");
    int missing = 0;
    for (auto [ip, path] : {std::pair{"v4", &v4_path_}, {"v6", &v6_path_}}) {
      int error = 0;
      if (!ReadInto(*path, buffer_, &error)) {
        if (error == ENOENT) {
          ++missing;
          continue;
        }
        return ReadFailed(*path, error);
      }
      auto parsed = parse::ParseUdpQueues(buffer_);
      if (!parsed) return exporter::Status::Error("couldn't get udp queued bytes: " + parsed.error());
      queues.Add(static_cast<double>(parsed->tx), {{"ip", ip}, {"queue", "tx"}});
      queues.Add(static_cast<double>(parsed->rx), {{"ip", ip}, {"queue", "rx"}});
    }
    if (missing == 2) return exporter::Status::Error("no data: neither net/udp nor net/udp6 exist");
    for (auto& family : families) out.push_back(std::move(family));
    return {};
  }

 private:
  std::string v4_path_ = ProcPath("net/udp");
  std::string v6_path_ = ProcPath("net/udp6");
  std::string buffer_;
};

EXPORTER_REGISTER_COLLECTOR(exporter::Collector, "udp_queues", true, UdpQueuesCollector);

}  // namespace
}  // namespace node
