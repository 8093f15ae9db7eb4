#include "collectors/part2_util.h"
#include "collectors/util.h"
#include "exporter/collector.h"
#include "exporter/metrics.h"
#include "node_context.h"
#include "parse/nfs.h"

namespace node {
namespace {

class NfsdCollector : public exporter::Collector {
 public:
  exporter::Status Collect(exporter::Families& out) override {
    return AllOrNothing(out, [this](exporter::Families& families) { return Gather(families); });
  }

 private:
  exporter::Status Gather(exporter::Families& out) {
    int error = 0;
    if (!ReadInto(path_, buffer_, &error)) {
      // No NFS server module: no data, as node_exporter reports it.
      if (error == ENOENT) return exporter::Status::Error("no data: not collecting NFSd metrics: " + path_ + " absent");
      return exporter::Status::Error("failed to retrieve nfsd stats: " + ReadFailed(path_, error).message());
    }
    auto parsed = parse::ParseNfsServerStats(buffer_);
    if (!parsed) return exporter::Status::Error("failed to retrieve nfsd stats: " + parsed.error());
    const auto& s = *parsed;
    auto counter = [&](const char* name, const char* help, uint64_t value) {
      exporter::Counter(out, name, help).Add(static_cast<double>(value));
    };
    auto gauge = [&](const char* name, const char* help, uint64_t value) {
      exporter::Gauge(out, name, help).Add(static_cast<double>(value));
    };

    counter("node_nfsd_reply_cache_hits_total", "Total number of NFSd Reply Cache hits (client lost server response).",
            s.reply_cache_hits);
    counter("node_nfsd_reply_cache_misses_total",
            "Total number of NFSd Reply Cache an operation that requires caching (idempotent).", s.reply_cache_misses);
    counter("node_nfsd_reply_cache_nocache_total",
            "Total number of NFSd Reply Cache non-idempotent operations (rename/delete/…).", s.reply_cache_nocache);
    counter("node_nfsd_file_handles_stale_total", "Total number of NFSd stale file handles", s.file_handles_stale);
    counter("node_nfsd_disk_bytes_read_total", "Total NFSd bytes read.", s.io_read);
    counter("node_nfsd_disk_bytes_written_total", "Total NFSd bytes written.", s.io_write);
    gauge("node_nfsd_server_threads", "Total number of NFSd kernel threads that are running.", s.threads);
    gauge("node_nfsd_read_ahead_cache_size_blocks", "How large the read ahead cache is in blocks.",
          s.read_ahead_cache_size);
    counter("node_nfsd_read_ahead_cache_not_found_total", "Total number of NFSd read ahead cache not found.",
            s.read_ahead_not_found);
    exporter::Counter(out, "node_nfsd_packets_total", "Total NFSd network packets (sent+received) by protocol type.")
        .Add(static_cast<double>(s.network.udp_count), {{"proto", "udp"}})
        .Add(static_cast<double>(s.network.tcp_count), {{"proto", "tcp"}});
    counter("node_nfsd_connections_total", "Total number of NFSd TCP connections.", s.network.tcp_connect);
    exporter::Counter(out, "node_nfsd_rpc_errors_total", "Total number of NFSd RPC errors by error type.")
        .Add(static_cast<double>(s.rpc_bad_fmt), {{"error", "fmt"}})
        .Add(static_cast<double>(s.rpc_bad_auth), {{"error", "auth"}})
        .Add(static_cast<double>(s.rpc_bad_client), {{"error", "cInt"}});
    counter("node_nfsd_server_rpcs_total", "Total number of NFSd RPCs.", s.rpc_count);

    auto requests =
        exporter::Counter(out, "node_nfsd_requests_total", "Total number NFSd Requests by method and protocol.");
    // The Null procedures are not reported, as node_exporter does not.
    for (size_t i = 1; i < s.v2.size(); ++i) {
      requests.Add(static_cast<double>(s.v2[i]), {{"proto", "2"}, {"method", parse::kNfsV2Procedures[i]}});
    }
    for (size_t i = 1; i < s.v3.size(); ++i) {
      requests.Add(static_cast<double>(s.v3[i]), {{"proto", "3"}, {"method", parse::kNfsV3Procedures[i]}});
    }
    for (const auto& op : parse::kNfsServerV4Ops) {
      uint64_t value = op.index < s.v4_ops.size() ? s.v4_ops[op.index] : 0;
      requests.Add(static_cast<double>(value), {{"proto", "4"}, {"method", op.name}});
    }
    return {};
  }

  std::string path_ = ProcPath("net/rpc/nfsd");
  std::string buffer_;
};

EXPORTER_REGISTER_COLLECTOR(exporter::Collector, "nfsd", true, NfsdCollector);

}  // namespace
}  // namespace node
