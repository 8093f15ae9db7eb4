// <ns>_db_master_connections_total, <ns>_db_read_replica_connections_total
// (gauges, as Mattermost names them) and <ns>_db_connections{role,endpoint}:
// the application's established TCP connections to its databases, found from
// its own sockets, without database credentials.
#include <mutex>

#include "exporter/collector.h"
#include "proc_net.h"
#include "runtime.h"

namespace exporter::mattermost {
namespace {

class DbCollector : public Collector {
 public:
  Status Collect(Families& out) override {
    Runtime& runtime = GlobalRuntime();
    auto target = runtime.Target();
    auto pid = target->Resolve();
    if (!pid) return {};  // <ns>_up says so; no series for a missing process
    auto endpoints = runtime.databases->Current();
    std::vector<double> counts;
    const std::string& table = runtime.settings.socket_table;
    Status status;
    {
      // Concurrent scrapes call Collect concurrently; the counter is not
      // thread-safe and one count at a time is cheaper than two anyway.
      std::lock_guard lock(mutex_);
      // Re-read settings (a reload, the refresh interval): what the counter
      // remembers refers to the old endpoints.
      if (endpoints != endpoints_) counter_.Forget();
      endpoints_ = endpoints;
      status = counter_.Count(runtime.settings.procfs_root, *pid, endpoints->matcher, endpoints->endpoints.size(),
                              table == "procfs"      ? SocketTable::kProcfs
                              : table == "sock_diag" ? SocketTable::kSockDiag
                                                     : SocketTable::kAuto,
                              counts);
    }
    if (!status) {
      if (!target->Resolve()) return {};  // exited meanwhile
      return status;
    }
    const std::string& ns = runtime.settings.metric_namespace;
    double master = 0, replicas = 0;
    auto detail =
        Gauge(out, ns + "_db_connections", "Established TCP connections of the application to a database endpoint.");
    for (size_t i = 0; i < counts.size(); ++i) {
      const auto& endpoint = endpoints->endpoints[i];
      (endpoint.role == "master" ? master : replicas) += counts[i];
      detail.Add(counts[i], {{"role", endpoint.role}, {"endpoint", endpoint.label}});
    }
    Gauge(out, ns + "_db_master_connections_total", "The total number of connections to the master database.")
        .Add(master);
    Gauge(out, ns + "_db_read_replica_connections_total",
          "The total number of connections to all the read replica databases.")
        .Add(replicas);
    return {};
  }

 private:
  std::mutex mutex_;
  ConnectionCounter counter_;  // guarded by mutex_
  std::shared_ptr<const EndpointSet> endpoints_;
};

}  // namespace
}  // namespace exporter::mattermost

EXPORTER_REGISTER_COLLECTOR(exporter::Collector, "db", true, exporter::mattermost::DbCollector);
