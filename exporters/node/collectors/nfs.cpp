#include "parse/nfs.h"
#include "collectors/part2_util.h"
#include "collectors/util.h"
#include "exporter/collector.h"
#include "exporter/metrics.h"
#include "node_context.h"

namespace node {
namespace {

class NfsCollector : public exporter::Collector {
 public:
  exporter::Status Collect(exporter::Families& out) override {
    return AllOrNothing(out, [this](exporter::Families& families) { return Gather(families); });
  }

 private:
  exporter::Status Gather(exporter::Families& out) {
    int error = 0;
    if (!ReadInto(path_, buffer_, &error)) {
      // No NFS client module: no data, as node_exporter reports it.
      if (error == ENOENT) return exporter::Status::Error("no data: not collecting NFS metrics: " + path_ + " absent");
      return exporter::Status::Error("failed to retrieve nfs stats: " + ReadFailed(path_, error).message());
    }
    auto stats = parse::ParseNfsClientStats(buffer_);
    if (!stats) return exporter::Status::Error("failed to retrieve nfs stats: " + stats.error());

    exporter::Counter(out, "node_nfs_packets_total", "Total NFSd network packets (sent+received) by protocol type.")
        .Add(static_cast<double>(stats->network.udp_count), {{"protocol", "udp"}})
        .Add(static_cast<double>(stats->network.tcp_count), {{"protocol", "tcp"}});
    exporter::Counter(out, "node_nfs_connections_total", "Total number of NFSd TCP connections.")
        .Add(static_cast<double>(stats->network.tcp_connect));
    exporter::Counter(out, "node_nfs_rpcs_total", "Total number of RPCs performed.")
        .Add(static_cast<double>(stats->rpc_count));
    exporter::Counter(out, "node_nfs_rpc_retransmissions_total", "Number of RPC transmissions performed.")
        .Add(static_cast<double>(stats->retransmissions));
    exporter::Counter(out, "node_nfs_rpc_authentication_refreshes_total",
                      "Number of RPC authentication refreshes performed.")
        .Add(static_cast<double>(stats->auth_refreshes));
    auto requests = exporter::Counter(out, "node_nfs_requests_total", "Number of NFS procedures invoked.");
    for (size_t i = 0; i < stats->v2.size(); ++i) {
      requests.Add(static_cast<double>(stats->v2[i]), {{"proto", "2"}, {"method", parse::kNfsV2Procedures[i]}});
    }
    for (size_t i = 0; i < stats->v3.size(); ++i) {
      requests.Add(static_cast<double>(stats->v3[i]), {{"proto", "3"}, {"method", parse::kNfsV3Procedures[i]}});
    }
    for (size_t i = 0; i < stats->v4.size(); ++i) {
      requests.Add(static_cast<double>(stats->v4[i]), {{"proto", "4"}, {"method", parse::kNfsClientV4Procedures[i]}});
    }
    return {};
  }

  std::string path_ = ProcPath("net/rpc/nfs");
  std::string buffer_;
};

EXPORTER_REGISTER_COLLECTOR(exporter::Collector, "nfs", true, NfsCollector);

}  // namespace
}  // namespace node
