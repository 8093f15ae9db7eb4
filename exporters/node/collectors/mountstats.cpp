#include <set>
#include <string>
#include <tuple>

#include "collectors/util.h"
#include "exporter/collector.h"
#include "exporter/metrics.h"
#include "node_context.h"
#include "parse/offdefault.h"

namespace node {
namespace {

constexpr uint64_t kFloat64Mantissa = 9007199254740992ULL;  // 2^53: node_exporter wraps big counters here

struct EventFamily {
  size_t index;  // in the events: line
  const char* name;
  const char* help;
};
// The events node_exporter 1.5 exports (all but congestion wait, index 18).
constexpr EventFamily kEvents[] = {
    {0, "inode_revalidate", "Number of times cached inode attributes are re-validated from the server."},
    {1, "dnode_revalidate", "Number of times cached dentry nodes are re-validated from the server."},
    {2, "data_invalidate", "Number of times an inode cache is cleared."},
    {3, "attribute_invalidate", "Number of times cached inode attributes are invalidated."},
    {4, "vfs_open", "Number of times cached inode attributes are invalidated."},
    {5, "vfs_lookup", "Number of times a directory lookup has occurred."},
    {6, "vfs_access", "Number of times permissions have been checked."},
    {7, "vfs_update_page", "Number of updates (and potential writes) to pages."},
    {8, "vfs_read_page", "Number of pages read directly via mmap()'d files."},
    {9, "vfs_read_pages", "Number of times a group of pages have been read."},
    {10, "vfs_write_page", "Number of pages written directly via mmap()'d files."},
    {11, "vfs_write_pages", "Number of times a group of pages have been written."},
    {12, "vfs_getdents", "Number of times directory entries have been read with getdents()."},
    {13, "vfs_setattr", "Number of times directory entries have been read with getdents()."},
    {14, "vfs_flush", "Number of pending writes that have been forcefully flushed to the server."},
    {15, "vfs_fsync", "Number of times fsync() has been called on directories and files."},
    {16, "vfs_lock", "Number of times locking has been attempted on a file."},
    {17, "vfs_file_release", "Number of times files have been closed and released."},
    {19, "truncation", "Number of times files have been truncated."},
    {20, "write_extension", "Number of times a file has been grown due to writes beyond its existing end."},
    {21, "silly_rename", "Number of times a file was removed while still open by another process."},
    {22, "short_read", "Number of times the NFS server gave less data than expected while reading."},
    {23, "short_write", "Number of times the NFS server wrote less data than expected while writing."},
    {24, "jukebox_delay", "Number of times the NFS server indicated EJUKEBOX; retrieving data from offline storage."},
    {25, "pnfs_read", "Number of NFS v4.1+ pNFS reads."},
    {26, "pnfs_write", "Number of NFS v4.1+ pNFS writes."},
};

constexpr const char* kBytes[][2] = {
    {"read_bytes_total", "Number of bytes read using the read() syscall."},
    {"write_bytes_total", "Number of bytes written using the write() syscall."},
    {"direct_read_bytes_total", "Number of bytes read using the read() syscall in O_DIRECT mode."},
    {"direct_write_bytes_total", "Number of bytes written using the write() syscall in O_DIRECT mode."},
    {"total_read_bytes_total", "Number of bytes read from the NFS server, in total."},
    {"total_write_bytes_total", "Number of bytes written to the NFS server, in total."},
    {"read_pages_total", "Number of pages read directly via mmap()'d files."},
    {"write_pages_total", "Number of pages written directly via mmap()'d files."},
};

double Wrapped(uint64_t value) { return static_cast<double>(value % kFloat64Mantissa); }

// NFS client statistics of the mounts the exporter sees (<procfs>/self/mountstats), as node_exporter 1.5:
// the mount address comes from the mountinfo line at the same index, and a repeated
// (export, protocol, address) is reported once.
class MountstatsCollector : public exporter::Collector {
 public:
  exporter::Status Collect(exporter::Families& out) override {
    int error = 0;
    if (!ReadInto(mountstats_path_, buffer_, &error)) {
      return exporter::Status::Error("failed to parse mountstats: " + ReadFailed(mountstats_path_, error).message());
    }
    auto mounts = parse::ParseMountStats(buffer_);
    if (!mounts) return exporter::Status::Error("failed to parse mountstats: " + mounts.error());
    if (!ReadInto(mountinfo_path_, buffer_, &error)) {
      return exporter::Status::Error("failed to parse mountinfo: " + ReadFailed(mountinfo_path_, error).message());
    }
    auto addresses = parse::ParseMountInfoAddresses(buffer_);
    if (!addresses) return exporter::Status::Error("failed to parse mountinfo: " + addresses.error());

    std::set<std::tuple<std::string, std::string, std::string>> seen;
    for (size_t i = 0; i < mounts->size(); ++i) {
      const auto& mount = (*mounts)[i];
      if (!mount.has_nfs_stats) continue;
      std::string address = i < addresses->size() ? (*addresses)[i] : "";
      if (!seen.emplace(mount.device, mount.nfs.transport.protocol, address).second) continue;
      Emit(out, mount.device, mount.nfs, address);
    }
    return {};
  }

 private:
  static void Emit(exporter::Families& out, const std::string& device, const parse::NfsMountStats& s,
                   const std::string& address) {
    const std::string prefix = "node_mountstats_nfs_";
    exporter::Labels labels = {{"export", device}, {"protocol", s.transport.protocol}, {"mountaddr", address}};
    auto counter = [&](const std::string& name, const std::string& help, double value) {
      exporter::Counter(out, prefix + name, help).Add(value, labels);
    };
    auto gauge = [&](const std::string& name, const std::string& help, double value) {
      exporter::Gauge(out, prefix + name, help).Add(value, labels);
    };
    counter("age_seconds_total", "The age of the NFS mount in seconds.", s.age_seconds);
    for (size_t i = 0; i < 8; ++i) counter(kBytes[i][0], kBytes[i][1], static_cast<double>(s.bytes[i]));

    const auto& t = s.transport;
    counter("transport_bind_total",
            "Number of times the client has had to establish a connection from scratch to the NFS server.",
            static_cast<double>(t.bind));
    counter("transport_connect_total", "Number of times the client has made a TCP connection to the NFS server.",
            static_cast<double>(t.connect));
    gauge("transport_idle_time_seconds", "Duration since the NFS mount last saw any RPC traffic, in seconds.",
          Wrapped(t.idle_time_seconds));
    counter("transport_sends_total", "Number of RPC requests for this mount sent to the NFS server.",
            static_cast<double>(t.sends));
    counter("transport_receives_total", "Number of RPC responses for this mount received from the NFS server.",
            static_cast<double>(t.receives));
    counter("transport_bad_transaction_ids_total",
            "Number of times the NFS server sent a response with a transaction ID unknown to this client.",
            static_cast<double>(t.bad_transaction_ids));
    counter("transport_backlog_queue_total", "Total number of items added to the RPC backlog queue.",
            static_cast<double>(t.cumulative_backlog));
    gauge("transport_maximum_rpc_slots", "Maximum number of simultaneously active RPC requests ever used.",
          static_cast<double>(t.maximum_rpc_slots));
    counter("transport_sending_queue_total", "Total number of items added to the RPC transmission sending queue.",
            static_cast<double>(t.cumulative_sending_queue));
    counter("transport_pending_queue_total", "Total number of items added to the RPC transmission pending queue.",
            static_cast<double>(t.cumulative_pending_queue));

    for (const auto& op : s.operations) {
      exporter::Labels op_labels = labels;
      op_labels.emplace_back("operation", op.name);
      auto op_counter = [&](const std::string& name, const std::string& help, double value) {
        exporter::Counter(out, prefix + name, help).Add(value, op_labels);
      };
      op_counter("operations_requests_total", "Number of requests performed for a given operation.",
                 static_cast<double>(op.requests));
      op_counter("operations_transmissions_total",
                 "Number of times an actual RPC request has been transmitted for a given operation.",
                 static_cast<double>(op.transmissions));
      op_counter("operations_major_timeouts_total",
                 "Number of times a request has had a major timeout for a given operation.",
                 static_cast<double>(op.major_timeouts));
      op_counter("operations_sent_bytes_total",
                 "Number of bytes sent for a given operation, including RPC headers and payload.",
                 static_cast<double>(op.bytes_sent));
      op_counter("operations_received_bytes_total",
                 "Number of bytes received for a given operation, including RPC headers and payload.",
                 static_cast<double>(op.bytes_received));
      op_counter("operations_queue_time_seconds_total",
                 "Duration all requests spent queued for transmission for a given operation before they were sent, "
                 "in seconds.",
                 Wrapped(op.queue_ms) / 1000.0);
      op_counter("operations_response_time_seconds_total",
                 "Duration all requests took to get a reply back after a request for a given operation was "
                 "transmitted, in seconds.",
                 Wrapped(op.response_ms) / 1000.0);
      op_counter("operations_request_time_seconds_total",
                 "Duration all requests took from when a request was enqueued to when it was completely handled for "
                 "a given operation, in seconds.",
                 Wrapped(op.request_ms) / 1000.0);
    }

    for (const auto& event : kEvents) {
      counter(std::string("event_") + event.name + "_total", event.help, static_cast<double>(s.events[event.index]));
    }
  }

  std::string mountstats_path_ = ProcPath("self/mountstats");
  std::string mountinfo_path_ = ProcPath("self/mountinfo");
  std::string buffer_;
};

EXPORTER_REGISTER_COLLECTOR(exporter::Collector, "mountstats", false, MountstatsCollector);

}  // namespace
}  // namespace node
