#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "exporter/status.h"
#include "proc_net.h"

namespace exporter::mattermost {

// The TCP connections of this process's network namespace through
// NETLINK_SOCK_DIAG (what `ss` uses) rather than /proc/net/tcp: on hosts with a
// large established-hash table, reading /proc/net/tcp costs milliseconds even
// with few sockets, the netlink dump a fraction of that. The kernel filters by
// state (ESTABLISHED) and by remote port, so only candidate rows come back.

// INET_DIAG_REQ_BYTECODE accepting a socket whose remote (destination) port
// is one of ports; empty for no ports, and when the jumps would not fit the
// u16 offsets (more than 5,000 ports): no filter then, the caller matches
// every row.
std::string BuildPortFilter(const std::vector<uint16_t>& ports);

// A dump request of ESTABLISHED TCP sockets: SOCK_DIAG_BY_FAMILY with an
// inet_diag_req_v2 for AF_INET or AF_INET6, the older TCPDIAG_GETSOCK with an
// inet_diag_req (both families at once) for AF_UNSPEC; plus bytecode accepting
// any of ports as the remote port (none when ports is empty).
std::string BuildInetDiagRequest(uint8_t family, uint32_t states, const std::vector<uint16_t>& ports,
                                 uint32_t sequence);

// One inet_diag_msg payload (after the nlmsghdr); nullopt when too short or
// of another family.
std::optional<TcpSocket> ParseInetDiagMessage(std::string_view payload);

// Dumps the IPv4 and IPv6 TCP sockets in the given states (a bit mask, 1 <<
// state) whose remote port is one of ports, calling each for every socket.
Status DumpTcp(uint32_t states, const std::vector<uint16_t>& ports, const std::function<void(const TcpSocket&)>& each);

// Dumps like DumpTcp; returns the number of rows the kernel sent.
Expected<size_t> DumpTcpCounted(uint32_t states, const std::vector<uint16_t>& ports,
                                const std::function<void(const TcpSocket&)>& each);

// This process's own TCP sockets (from /proc/self/fd): the ports it listens
// on, and its ESTABLISHED connections (local = our end, remote = the peer).
struct OwnTcpSockets {
  std::vector<uint16_t> listen_ports;
  std::vector<TcpSocket> established;
};
Expected<OwnTcpSockets> ListOwnTcpSockets();

// Looks each socket up again by family, 4-tuple and cookie (as a dump
// returned it; kAnyCookie in both words for any socket with that 4-tuple): its
// current state and inode, or state 0 when it is gone.
// One request per socket, all sent at once.
Status LookupTcp(std::vector<TcpSocket>& sockets);
constexpr uint32_t kAnyCookie = ~0u;

}  // namespace exporter::mattermost
