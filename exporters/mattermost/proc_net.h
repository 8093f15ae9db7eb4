#pragma once

#include <sys/types.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "exporter/status.h"

namespace exporter::mattermost {

// An IP address as 16 bytes in network order; IPv4 addresses are held
// IPv4-mapped (::ffff:a.b.c.d), so a connection to 127.0.0.1 made from an
// IPv6 socket (it shows in tcp6 as ::ffff:127.0.0.1) matches 127.0.0.1.
struct IpAddress {
  std::array<uint8_t, 16> bytes{};

  static IpAddress FromV4(const uint8_t (&v4)[4]);
  // A literal "127.0.0.1", "::1", "::ffff:10.0.0.1"; nullopt for anything else.
  static std::optional<IpAddress> FromLiteral(std::string_view text);
  bool IsV4Mapped() const;
  std::string ToString() const;
  bool operator==(const IpAddress&) const = default;
};

// The fields of one row of /proc/PID/net/tcp or tcp6 that matter here.
struct TcpSocket {
  IpAddress local;
  uint16_t local_port = 0;
  IpAddress remote;
  uint16_t remote_port = 0;
  uint8_t state = 0;  // 0x01 is TCP_ESTABLISHED
  uint64_t inode = 0;
  // From sock_diag only: the socket's family as the kernel holds it and its
  // cookie, to look the very same socket up again.
  uint8_t family = 0;
  uint32_t cookie[2] = {0, 0};
};
constexpr uint8_t kTcpEstablished = 0x01;
constexpr uint8_t kTcpSynSent = 0x02;

// ActiveOpens of the "Tcp:" lines of /proc/PID/net/snmp: outgoing connections
// the network namespace has started (the counter moves on every connect()).
std::optional<uint64_t> ParseTcpActiveOpens(std::string_view snmp);

// "0100007F:0CEA" (tcp) or 32 hex digits ":PORT" (tcp6). The kernel prints
// each 32-bit word of the address as a number in host byte order, so the
// digits are turned back into the word and its bytes copied as they lie in
// memory; the port is a plain number.
std::optional<std::pair<IpAddress, uint16_t>> ParseHexEndpoint(std::string_view text);

// One table row: "  3: 0100007F:0CEA 0100007F:A2B6 01 00000000:00000000 00:00000000 00000000  1000 0 48815 ...".
// nullopt for the header line and for malformed rows.
std::optional<TcpSocket> ParseTcpLine(std::string_view line);

// The inode of an fd link target "socket:[48815]"; nullopt for anything else.
std::optional<uint64_t> ParseSocketLink(std::string_view link);

// The endpoints connections are counted for: (address, port) pairs, each
// mapped to the index of the endpoint it belongs to.
class EndpointMatcher {
 public:
  void Add(const IpAddress& address, uint16_t port, size_t endpoint);
  // The endpoint of a remote address, or -1. The first added wins when an
  // address belongs to several endpoints.
  int Match(const IpAddress& address, uint16_t port) const;
  bool empty() const { return entries_.empty(); }
  // The distinct ports, for the kernel-side filter.
  std::vector<uint16_t> Ports() const;

 private:
  struct Entry {
    IpAddress address;
    uint16_t port;
    size_t endpoint;
  };
  std::vector<Entry> entries_;
};

// Where the TCP connection table is read from.
enum class SocketTable {
  kAuto,      // sock_diag when the target shares our network namespace and procfs is /proc, else procfs
  kProcfs,    // <procfs>/<pid>/net/tcp and tcp6: the target's own network namespace
  kSockDiag,  // NETLINK_SOCK_DIAG: our network namespace
};

// Counts a process's ESTABLISHED TCP connections per database endpoint: the
// rows of the TCP table of its network namespace whose remote end an endpoint
// matches, kept when their socket inode is one of the process's fds
// (<procfs>/<pid>/fd/N -> "socket:[inode]"). A socket shared by several fds
// counts once.
//
// Walking every fd costs a readlink each (about a millisecond per thousand
// fds), so the counter remembers between calls which fd held each counted
// socket (checked again with one readlink) and which candidate sockets were
// found in no fd of the process (connections of other processes to the same
// databases: skipped). A full walk happens only when a candidate is new, a
// remembered fd no longer holds its socket, the pid changes, or
// full_walk_seconds have passed (a socket can only enter the process without
// a new connection by fd passing, which the periodic walk catches).
//
// With sock_diag, even the table dump (a walk of the kernel's whole
// established hash, the largest cost on big hosts: the port filter shrinks
// what comes back, not the walk) is skipped while no connect() happened in the
// namespace since the last dump, except connections to this exporter's own
// listeners. It tells by the namespace's ActiveOpens counter (every connect()
// moves it once): unmoved, or moved exactly once per connection to us made
// since the dump (a scraper on this host opening a connection per scrape),
// each of them seen from our own accepted socket and its client end looked up
// by its 4-tuple. Those client ends were absent from the last dump, which also
// returns the connections to our listening ports, so each connect() since was
// theirs, none the target's. And no matching connection was half-open at the
// dump. Each remembered socket is then checked with one readlink and one exact
// sock_diag lookup (by 4-tuple and cookie) that it is still held and still
// ESTABLISHED. The attribution is used only after a dump of fewer than 16 rows:
// the kernel walks a bucket holding more in chunks and may skip a socket when
// another closes meanwhile.
// Not thread-safe: concurrent scrapes run a collector concurrently, so its owner serializes the calls.
class ConnectionCounter {
 public:
  explicit ConnectionCounter(double full_walk_seconds = 60) : full_walk_seconds_(full_walk_seconds) {}

  // counts gets one slot per endpoint.
  Status Count(const std::string& procfs_root, pid_t pid, const EndpointMatcher& matcher, size_t endpoints,
               SocketTable table, std::vector<double>& counts);
  // Which table the last Count read ("sock_diag" or "procfs"), whether it
  // dumped the table and whether it walked every fd.
  const char* last_table() const { return last_table_; }
  // Forgets what it remembers (the endpoints changed).
  void Forget() { pid_ = 0; }
  // Whether the last Count skipped the dump although ActiveOpens moved, every
  // connect() since the last dump being a connection to us.
  bool last_attributed() const { return last_attributed_; }
  bool last_dumped() const { return last_dumped_; }
  bool last_walked_all() const { return last_walked_all_; }

 private:
  struct Candidate {
    size_t endpoint;
    TcpSocket socket;
  };
  Status Walk(const std::string& fd_dir, const std::unordered_map<uint64_t, Candidate>& candidates);
  // The steady path; false when a full count is needed.
  bool Recheck(const std::string& fd_dir, std::vector<double>& counts);
  // Whether every connect() since the last dump was a connection to one of our
  // listeners; on success the baseline moves on and opens is the count now.
  bool AttributeOpens(const std::string& base, const EndpointMatcher& matcher, std::optional<uint64_t>& opens);

  double full_walk_seconds_;
  pid_t pid_ = 0;
  std::string procfs_root_;
  std::chrono::steady_clock::time_point last_walk_{};
  struct Owned {
    int fd;
    size_t endpoint;
    TcpSocket socket;
  };
  std::unordered_map<uint64_t, Owned> owned_;  // socket inode -> an fd of the process holding it
  std::unordered_set<uint64_t> foreign_;       // candidate inodes found in no fd of the process
  std::optional<uint64_t> dumped_at_opens_;    // ActiveOpens before the last clean sock_diag dump
  // Connections to our listening ports (as of the last dump) known since the
  // last dump: the key of each client end; usable only when trusted.
  std::vector<uint16_t> listen_ports_;
  std::set<std::string> known_clients_;
  bool attribution_trusted_ = false;
  bool last_attributed_ = false;
  const char* last_table_ = "";
  bool last_dumped_ = false;
  bool last_walked_all_ = false;
};

// Whether pid is in this process's network namespace (false when unknown).
bool SharesNetworkNamespace(pid_t pid);

}  // namespace exporter::mattermost
