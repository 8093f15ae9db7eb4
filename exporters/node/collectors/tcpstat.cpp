#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "collectors/util.h"
#include "exporter/collector.h"
#include "exporter/metrics.h"
#include "node_context.h"
#include "parse/offdefault.h"

namespace node {
namespace {

// TCP sockets by state, from a NETLINK_SOCK_DIAG dump as node_exporter 1.5
// does it (not /proc/net/tcp): IPv4 always, IPv6 when <procfs>/net/tcp6 exists.
class TcpstatCollector : public exporter::Collector {
 public:
  exporter::Status Collect(exporter::Families& out) override {
    parse::TcpStats stats;
    if (auto status = Dump(AF_INET, stats); !status.ok()) {
      return exporter::Status::Error("couldn't get tcpstats: " + status.message());
    }
    struct stat info;
    if (::stat(tcp6_path_.c_str(), &info) == 0) {
      if (auto status = Dump(AF_INET6, stats); !status.ok()) {
        return exporter::Status::Error("couldn't get tcp6stats: " + status.message());
      }
    }
    auto family = exporter::Gauge(out, "node_tcp_connection_states", "Number of connection states.");
    for (const auto& [state, count] : stats.by_state) family.Add(count, {{"state", parse::TcpStateName(state)}});
    if (stats.sockets > 0) {
      family.Add(stats.rx_queued, {{"state", "rx_queued_bytes"}});
      family.Add(stats.tx_queued, {{"state", "tx_queued_bytes"}});
    }
    return {};
  }

 private:
  static exporter::Status Errno(const char* what) {
    return exporter::Status::Error(std::string(what) + ": " + std::strerror(errno));
  }

  exporter::Status Dump(int family, parse::TcpStats& stats) {
    int fd = ::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    if (fd < 0) return Errno("netlink socket");
    struct Request {
      nlmsghdr header;
      inet_diag_req_v2 body;
    } request;
    std::memset(&request, 0, sizeof(request));
    request.header.nlmsg_len = sizeof(request);
    request.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    request.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    request.header.nlmsg_seq = ++sequence_;
    request.body.sdiag_family = static_cast<uint8_t>(family);
    request.body.sdiag_protocol = IPPROTO_TCP;
    request.body.idiag_states = 0xFFF;  // every state but TCP_NEW_SYN_RECV
    sockaddr_nl kernel;
    std::memset(&kernel, 0, sizeof(kernel));
    kernel.nl_family = AF_NETLINK;
    exporter::Status status;
    if (::sendto(fd, &request, sizeof(request), 0, reinterpret_cast<sockaddr*>(&kernel), sizeof(kernel)) < 0) {
      status = Errno("netlink send");
    }
    buffer_.resize(32768);
    while (status.ok()) {
      // Peek first: a message longer than the buffer would otherwise be cut short.
      ssize_t n = ::recv(fd, buffer_.data(), buffer_.size(), MSG_PEEK | MSG_TRUNC);
      if (n > static_cast<ssize_t>(buffer_.size())) buffer_.resize(static_cast<size_t>(n));
      if (n >= 0) n = ::recv(fd, buffer_.data(), buffer_.size(), 0);
      if (n < 0) {
        if (errno == EINTR) continue;
        status = Errno("netlink receive");
        break;
      }
      if (n == 0) break;
      auto done = parse::AddInetDiagMessages(std::string_view(buffer_.data(), static_cast<size_t>(n)), stats);
      if (!done) {
        status = done.status();
      } else if (*done) {
        break;
      }
    }
    ::close(fd);
    return status;
  }

  std::string tcp6_path_ = ProcPath("net/tcp6");
  std::string buffer_;
  uint32_t sequence_ = 0;
};

EXPORTER_REGISTER_COLLECTOR(exporter::Collector, "tcpstat", false, TcpstatCollector);

}  // namespace
}  // namespace node
