#include "proc_net.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

#include <algorithm>
#include <bit>
#include <cstdio>
#include <cstring>

#include "sock_diag.h"

namespace exporter::mattermost {
namespace {

const std::string kProc = std::string(TEST_SOURCE_DIR) + "/fixtures/mattermost/proc";

IpAddress Ip(const char* text) { return *IpAddress::FromLiteral(text); }

TEST(MattermostIpAddressTest, HoldsV4MappedAndPrints) {
  EXPECT_EQ(Ip("127.0.0.1"), Ip("::ffff:127.0.0.1"));
  EXPECT_TRUE(Ip("10.1.2.3").IsV4Mapped());
  EXPECT_FALSE(Ip("::1").IsV4Mapped());
  EXPECT_EQ(Ip("10.1.2.3").ToString(), "10.1.2.3");
  EXPECT_EQ(Ip("::1").ToString(), "::1");
  EXPECT_NE(Ip("::1"), Ip("127.0.0.1"));
  EXPECT_FALSE(IpAddress::FromLiteral("localhost"));
  EXPECT_FALSE(IpAddress::FromLiteral("1.2.3"));
  EXPECT_FALSE(IpAddress::FromLiteral("[::1]"));
}

TEST(MattermostHexEndpointTest, DecodesV4V6AndMapped) {
  auto v4 = ParseHexEndpoint("0100007F:0CEA");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->first, Ip("127.0.0.1"));
  EXPECT_EQ(v4->second, 3306);
  auto other = ParseHexEndpoint("0200000a:1538");  // lower case too
  ASSERT_TRUE(other);
  EXPECT_EQ(other->first, Ip("10.0.0.2"));
  EXPECT_EQ(other->second, 5432);
  auto v6 = ParseHexEndpoint("00000000000000000000000001000000:1F81");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->first, Ip("::1"));
  EXPECT_EQ(v6->second, 8065);
  auto mapped = ParseHexEndpoint("0000000000000000FFFF00000300000A:0CEA");
  ASSERT_TRUE(mapped);
  EXPECT_EQ(mapped->first, Ip("10.0.0.3"));
  auto global = ParseHexEndpoint("B80D0120000000000000000001000000:0050");
  ASSERT_TRUE(global);
  EXPECT_EQ(global->first, Ip("2001:db8::1"));
  for (const char* bad : {"", ":", "0100007F", "0100007F:", "0100007F:CEA", "0100007F:0CEAX", "100007F:0CEA",
                          "0100007G:0CEA", "0000000000000000FFFF00000300000:0CEA", "0100007F0CEA"}) {
    EXPECT_FALSE(ParseHexEndpoint(bad)) << bad;
  }
}

TEST(MattermostTcpLineTest, ParsesRowsAndSkipsTheRest) {
  auto row = ParseTcpLine(
      "   1: 0100007F:A001 0100007F:0CEA 01 00000000:00000000 02:0000A1B2 00000000   998        0 1001 2 "
      "0000000000000000 20 4 30 10 -1");
  ASSERT_TRUE(row);
  EXPECT_EQ(row->local, Ip("127.0.0.1"));
  EXPECT_EQ(row->local_port, 0xA001);
  EXPECT_EQ(row->remote_port, 3306);
  EXPECT_EQ(row->state, kTcpEstablished);
  EXPECT_EQ(row->inode, 1001u);
  auto listen = ParseTcpLine("0: 00000000:1F81 00000000:0000 0A 00000000:00000000 00:00000000 00000000 998 0 1009");
  ASSERT_TRUE(listen);
  EXPECT_EQ(listen->state, 0x0A);
  EXPECT_FALSE(
      ParseTcpLine("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
                   "timeout inode"));
  EXPECT_FALSE(ParseTcpLine(""));
  EXPECT_FALSE(ParseTcpLine("   1: 0100007F:A001 0100007F:0CEA 01"));
  EXPECT_FALSE(ParseTcpLine("   1: 0100007F:A001 0100007F:0CEA 1 00000000:00000000 02:0000A1B2 00000000 998 0 1001"));
  EXPECT_FALSE(ParseTcpLine("   1: 0100007F:A001 0100007F:0CEA 01 00000000:00000000 02:0000A1B2 00000000 998 0 x"));
  EXPECT_FALSE(ParseTcpLine("   1 0100007F:A001 0100007F:0CEA 01 00000000:00000000 02:0000A1B2 00000000 998 0 1"));
}

TEST(MattermostSocketLinkTest, OnlySocketLinks) {
  EXPECT_EQ(ParseSocketLink("socket:[48815]"), 48815u);
  EXPECT_EQ(ParseSocketLink("socket:[4294967295]"), 4294967295u);
  for (const char* bad : {"socket:[]", "socket:[12", "socket:12]", "pipe:[12]", "/dev/null", "socket:[1a]",
                          "anon_inode:[eventpoll]", "socket:[-1]", ""}) {
    EXPECT_FALSE(ParseSocketLink(bad)) << bad;
  }
}

TEST(MattermostSnmpTest, ActiveOpens) {
  EXPECT_EQ(ParseTcpActiveOpens("Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens\n"
                                "Tcp: 1 200 120000 -1 4711 12\nUdp: InDatagrams\nUdp: 3\n"),
            4711u);
  EXPECT_FALSE(ParseTcpActiveOpens(""));
  EXPECT_FALSE(ParseTcpActiveOpens("Tcp: ActiveOpens\n"));
  EXPECT_FALSE(ParseTcpActiveOpens("Tcp: A ActiveOpens\nTcp: 1\n"));  // ragged
  EXPECT_FALSE(ParseTcpActiveOpens("Tcp: A PassiveOpens\nTcp: 1 2\n"));
}

TEST(MattermostEndpointMatcherTest, FirstEndpointWinsAndPortsAreDistinct) {
  EndpointMatcher matcher;
  EXPECT_TRUE(matcher.empty());
  matcher.Add(Ip("127.0.0.1"), 3306, 0);
  matcher.Add(Ip("::1"), 3306, 0);
  matcher.Add(Ip("127.0.0.1"), 3306, 1);  // same address as the master: stays the master's
  matcher.Add(Ip("10.0.0.2"), 5432, 1);
  EXPECT_EQ(matcher.Match(Ip("127.0.0.1"), 3306), 0);
  EXPECT_EQ(matcher.Match(Ip("::ffff:127.0.0.1"), 3306), 0);
  EXPECT_EQ(matcher.Match(Ip("::1"), 3306), 0);
  EXPECT_EQ(matcher.Match(Ip("10.0.0.2"), 5432), 1);
  EXPECT_EQ(matcher.Match(Ip("10.0.0.2"), 3306), -1);
  EXPECT_EQ(matcher.Ports(), (std::vector<uint16_t>{3306, 5432}));
}

EndpointMatcher FixtureMatcher() {
  // master localhost:3306, replicas 10.0.0.2:3306 and 10.0.0.3:3306 (see the fixture's net/tcp).
  EndpointMatcher matcher;
  matcher.Add(Ip("127.0.0.1"), 3306, 0);
  matcher.Add(Ip("::1"), 3306, 0);
  matcher.Add(Ip("10.0.0.2"), 3306, 1);
  matcher.Add(Ip("10.0.0.3"), 3306, 2);
  return matcher;
}

TEST(MattermostConnectionCounterTest, CountsTheProcessesEstablishedConnectionsFromProcfs) {
  ConnectionCounter counter;
  std::vector<double> counts;
  ASSERT_TRUE(counter.Count(kProc, 4242, FixtureMatcher(), 3, SocketTable::kProcfs, counts).ok());
  // master: 1001, 1002 (IPv4), 1003 (IPv6); not 1008 (CLOSE_WAIT) nor 2001 (not our fd).
  // 10.0.0.2: 1004 (held by two fds, counted once) and 1005; not 2002 (port 5432).
  // 10.0.0.3: 1007 and 1006 (through an IPv6 socket, v4-mapped).
  EXPECT_EQ(counts, (std::vector<double>{3, 2, 2}));
  EXPECT_STREQ(counter.last_table(), "procfs");
  EXPECT_TRUE(counter.last_walked_all());
  // Again: the remembered fds are checked, no walk.
  ASSERT_TRUE(counter.Count(kProc, 4242, FixtureMatcher(), 3, SocketTable::kProcfs, counts).ok());
  EXPECT_EQ(counts, (std::vector<double>{3, 2, 2}));
  EXPECT_FALSE(counter.last_walked_all());
  // A walk every time when the interval is zero: same answer.
  ConnectionCounter always(0);
  ASSERT_TRUE(always.Count(kProc, 4242, FixtureMatcher(), 3, SocketTable::kProcfs, counts).ok());
  ASSERT_TRUE(always.Count(kProc, 4242, FixtureMatcher(), 3, SocketTable::kProcfs, counts).ok());
  EXPECT_TRUE(always.last_walked_all());
  EXPECT_EQ(counts, (std::vector<double>{3, 2, 2}));
}

TEST(MattermostConnectionCounterTest, NoEndpointsNoMatchesAndMissingProcess) {
  ConnectionCounter counter;
  std::vector<double> counts;
  EndpointMatcher none;
  ASSERT_TRUE(counter.Count(kProc, 4242, none, 0, SocketTable::kProcfs, counts).ok());
  EXPECT_TRUE(counts.empty());
  EndpointMatcher elsewhere;
  elsewhere.Add(Ip("192.0.2.1"), 3306, 0);
  ASSERT_TRUE(counter.Count(kProc, 4242, elsewhere, 1, SocketTable::kProcfs, counts).ok());
  EXPECT_EQ(counts, std::vector<double>{0});
  EXPECT_FALSE(counter.Count(kProc, 99999, FixtureMatcher(), 3, SocketTable::kProcfs, counts).ok());
}

TEST(MattermostSockDiagTest, RequestCarriesTheStatesAndAPortFilter) {
  std::string request = BuildInetDiagRequest(AF_INET6, 1u << 1, {3306, 5432}, 7);
  nlmsghdr header;
  std::memcpy(&header, request.data(), sizeof(header));
  EXPECT_EQ(header.nlmsg_len, request.size());
  EXPECT_EQ(header.nlmsg_type, SOCK_DIAG_BY_FAMILY);
  EXPECT_EQ(header.nlmsg_seq, 7u);
  inet_diag_req_v2 body;
  std::memcpy(&body, request.data() + NLMSG_HDRLEN, sizeof(body));
  EXPECT_EQ(body.sdiag_family, AF_INET6);
  EXPECT_EQ(body.idiag_states, 2u);
  // nlattr + [D_EQ][3306][JMP][D_EQ][5432] = 4 + 5 * 4 bytes.
  EXPECT_EQ(request.size(), NLMSG_HDRLEN + sizeof(body) + 4 + 20);
  inet_diag_bc_op ops[5];
  std::memcpy(ops, request.data() + NLMSG_HDRLEN + sizeof(body) + 4, sizeof(ops));
  EXPECT_EQ(ops[0].code, INET_DIAG_BC_D_EQ);
  EXPECT_EQ(ops[1].no, 3306);
  EXPECT_EQ(ops[2].code, INET_DIAG_BC_JMP);
  EXPECT_EQ(ops[2].no, 12);  // from the JMP to the end
  EXPECT_EQ(ops[3].no, 12);  // the last miss jumps past the end
  EXPECT_EQ(ops[4].no, 5432);

  std::string compat = BuildInetDiagRequest(AF_UNSPEC, 1u << 1, {}, 1);
  std::memcpy(&header, compat.data(), sizeof(header));
  EXPECT_EQ(header.nlmsg_type, TCPDIAG_GETSOCK);
  EXPECT_EQ(compat.size(), NLMSG_HDRLEN + sizeof(inet_diag_req));
}

// The bytes as the kernel reads them: {code, yes, no (u16, host order)} per op.
std::vector<uint8_t> Bytes(const std::string& text) { return std::vector<uint8_t>(text.begin(), text.end()); }

TEST(MattermostSockDiagTest, PortFilterByteLayout) {
  if constexpr (std::endian::native != std::endian::little) GTEST_SKIP() << "literal bytes are little-endian";
  EXPECT_TRUE(BuildPortFilter({}).empty());
  // One port: D_EQ (match: yes 8 = end, accept; miss: no 12 = past the end, reject), then the port op.
  const uint8_t eq = INET_DIAG_BC_D_EQ, jmp = INET_DIAG_BC_JMP;
  EXPECT_EQ(Bytes(BuildPortFilter({5432})), (std::vector<uint8_t>{eq, 8, 12, 0, 0, 0, 0x38, 0x15}));
  // Three ports: after each match but the last a JMP whose "no" reaches exactly the end (length 32).
  EXPECT_EQ(Bytes(BuildPortFilter({3306, 5432, 8067})), (std::vector<uint8_t>{
                                                            eq, 8, 12, 0, 0, 0, 0xea, 0x0c,   // 0: dport == 3306
                                                            jmp, 4, 24, 0,                    // 8: -> 8 + 24 = 32, the end
                                                            eq, 8, 12, 0, 0, 0, 0x38, 0x15,   // 12: dport == 5432
                                                            jmp, 4, 12, 0,                    // 20: -> 20 + 12 = 32
                                                            eq, 8, 12, 0, 0, 0, 0x83, 0x1f,   // 24: dport == 8067
                                                        }));
  // Too many for u16 jumps: no filter rather than a wrong one.
  EXPECT_TRUE(BuildPortFilter(std::vector<uint16_t>(6000, 1)).empty());
  EXPECT_EQ(BuildPortFilter(std::vector<uint16_t>(5000, 1)).size(), 5000u * 12 - 4);
}

// The "yes" jumps of every op and the "no" of every JMP land on an op or exactly
// at the end, other "no" jumps at most 4 bytes past it: what the kernel's
// inet_diag_bc_audit demands.
TEST(MattermostSockDiagTest, PortFilterJumpsStayInside) {
  for (size_t n : {1, 2, 3, 7, 40}) {
    std::vector<uint16_t> ports;
    for (size_t i = 0; i < n; ++i) ports.push_back(static_cast<uint16_t>(1000 + i));
    std::string code = BuildPortFilter(ports);
    ASSERT_EQ(code.size() % 4, 0u);
    std::vector<size_t> starts;
    for (size_t at = 0; at < code.size();) {
      inet_diag_bc_op op;
      std::memcpy(&op, code.data() + at, sizeof(op));
      starts.push_back(at);
      at += op.code == INET_DIAG_BC_D_EQ ? 8 : 4;
    }
    starts.push_back(code.size());
    auto lands = [&](size_t target) { return std::find(starts.begin(), starts.end(), target) != starts.end(); };
    for (size_t i = 0; i + 1 < starts.size(); ++i) {
      inet_diag_bc_op op;
      std::memcpy(&op, code.data() + starts[i], sizeof(op));
      if (op.code == INET_DIAG_BC_JMP) {
        EXPECT_TRUE(lands(starts[i] + op.no)) << n << " ports, op at " << starts[i];
      } else {
        EXPECT_EQ(op.code, INET_DIAG_BC_D_EQ);
        EXPECT_TRUE(lands(starts[i] + op.yes)) << n << " ports, op at " << starts[i];
        EXPECT_TRUE(lands(starts[i] + op.no) || starts[i] + op.no == code.size() + 4) << n << " ports";
      }
    }
  }
}

TEST(MattermostSockDiagTest, ParsesMessages) {
  inet_diag_msg msg{};
  msg.idiag_family = AF_INET;
  msg.idiag_state = 1;
  msg.id.idiag_sport = htons(40000);
  msg.id.idiag_dport = htons(3306);
  inet_pton(AF_INET, "127.0.0.1", &msg.id.idiag_src[0]);
  inet_pton(AF_INET, "10.0.0.2", &msg.id.idiag_dst[0]);
  msg.idiag_inode = 555;
  auto socket = ParseInetDiagMessage(std::string_view(reinterpret_cast<const char*>(&msg), sizeof(msg)));
  ASSERT_TRUE(socket);
  EXPECT_EQ(socket->remote, Ip("10.0.0.2"));
  EXPECT_EQ(socket->remote_port, 3306);
  EXPECT_EQ(socket->local_port, 40000);
  EXPECT_EQ(socket->inode, 555u);
  msg.idiag_family = AF_INET6;
  inet_pton(AF_INET6, "::1", msg.id.idiag_dst);
  socket = ParseInetDiagMessage(std::string_view(reinterpret_cast<const char*>(&msg), sizeof(msg)));
  ASSERT_TRUE(socket);
  EXPECT_EQ(socket->remote, Ip("::1"));
  EXPECT_FALSE(ParseInetDiagMessage(std::string_view(reinterpret_cast<const char*>(&msg), sizeof(msg) - 1)));
  msg.idiag_family = AF_UNIX;
  EXPECT_FALSE(ParseInetDiagMessage(std::string_view(reinterpret_cast<const char*>(&msg), sizeof(msg))));
}

}  // namespace
}  // namespace exporter::mattermost

namespace exporter::mattermost {
namespace {

// Real sockets of this very process, counted through sock_diag (and procfs):
// whichever path a call takes (dump, or the recheck of remembered sockets when
// nothing connected meanwhile), the counts must follow closes on either side.
class LoopbackSockets {
 public:
  LoopbackSockets() {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
    EXPECT_EQ(::listen(listener_, 16), 0);
    socklen_t length = sizeof(address);
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
  }
  ~LoopbackSockets() {
    for (int fd : clients_) ::close(fd);
    for (int fd : servers_) ::close(fd);
    ::close(listener_);
  }
  void Connect() {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port_);
    ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
    clients_.push_back(fd);
    servers_.push_back(::accept(listener_, nullptr, nullptr));
  }
  void CloseClient(size_t i) {
    ::close(clients_[i]);
    clients_[i] = -1;
  }
  void CloseServer(size_t i) {
    ::close(servers_[i]);  // the client side goes to CLOSE_WAIT: not counted
    servers_[i] = -1;
  }
  uint16_t port() const { return port_; }

 private:
  int listener_;
  uint16_t port_ = 0;
  std::vector<int> clients_, servers_;
};

TEST(MattermostConnectionCounterTest, FollowsRealSocketsThroughSockDiag) {
  LoopbackSockets sockets;
  EndpointMatcher matcher;
  matcher.Add(Ip("127.0.0.1"), sockets.port(), 0);
  for (int i = 0; i < 3; ++i) sockets.Connect();
  for (auto table : {SocketTable::kSockDiag, SocketTable::kProcfs}) {
    ConnectionCounter counter;
    std::vector<double> counts;
    ASSERT_TRUE(counter.Count("/proc", ::getpid(), matcher, 1, table, counts).ok());
    // Our accepted server-side sockets have a remote port of their own: only the 3 clients count.
    EXPECT_EQ(counts, std::vector<double>{3});
    ASSERT_TRUE(counter.Count("/proc", ::getpid(), matcher, 1, table, counts).ok());
    EXPECT_EQ(counts, std::vector<double>{3});
  }
  ConnectionCounter counter;
  std::vector<double> counts;
  ASSERT_TRUE(counter.Count("/proc", ::getpid(), matcher, 1, SocketTable::kSockDiag, counts).ok());
  sockets.CloseServer(0);
  ASSERT_TRUE(counter.Count("/proc", ::getpid(), matcher, 1, SocketTable::kSockDiag, counts).ok());
  EXPECT_EQ(counts, std::vector<double>{2}) << "dumped: " << counter.last_dumped();
  std::fprintf(stderr, "after a server-side close the count came from %s\n",
               counter.last_dumped() ? "a dump" : "the recheck");
  sockets.CloseClient(1);
  ASSERT_TRUE(counter.Count("/proc", ::getpid(), matcher, 1, SocketTable::kSockDiag, counts).ok());
  EXPECT_EQ(counts, std::vector<double>{1}) << "dumped: " << counter.last_dumped();
  sockets.Connect();
  ASSERT_TRUE(counter.Count("/proc", ::getpid(), matcher, 1, SocketTable::kSockDiag, counts).ok());
  EXPECT_EQ(counts, std::vector<double>{2});
  EXPECT_TRUE(counter.last_dumped());  // a connect() moved ActiveOpens
}

// The kernel accepts the filter (it audits the bytecode and refuses a bad
// one) and returns exactly the connections to the given remote ports.
TEST(MattermostSockDiagTest, KernelFiltersByRemotePort) {
  LoopbackSockets a, b, c;
  a.Connect();
  b.Connect();
  b.Connect();
  c.Connect();
  auto remote_ports = [](const std::vector<uint16_t>& ports) {
    std::vector<uint16_t> seen;
    auto rows = DumpTcpCounted(1u << kTcpEstablished, ports, [&](const TcpSocket& s) { seen.push_back(s.remote_port); });
    EXPECT_TRUE(rows.ok()) << rows.error();
    std::sort(seen.begin(), seen.end());
    return seen;
  };
  EXPECT_EQ(remote_ports({a.port()}), std::vector<uint16_t>{a.port()});
  std::vector<uint16_t> expected{a.port(), b.port(), b.port()};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(remote_ports({b.port(), a.port()}), expected);
  expected.push_back(c.port());
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(remote_ports({c.port(), a.port(), b.port()}), expected);
}

TEST(MattermostSockDiagTest, ListsOwnListenersAndConnections) {
  LoopbackSockets sockets;
  sockets.Connect();
  auto own = ListOwnTcpSockets();
  ASSERT_TRUE(own.ok()) << own.error();
  EXPECT_NE(std::find(own->listen_ports.begin(), own->listen_ports.end(), sockets.port()), own->listen_ports.end());
  int to_listener = 0, from_listener = 0;
  for (const TcpSocket& socket : own->established) {
    to_listener += socket.remote_port == sockets.port() && socket.remote == Ip("127.0.0.1");
    from_listener += socket.local_port == sockets.port();
  }
  EXPECT_EQ(to_listener, 1);
  EXPECT_EQ(from_listener, 1);
}

// Connections to a listener of this process (a scraper connecting per scrape)
// move ActiveOpens like the target's connect()s: the counts must stay exact
// whether the counter attributes them or dumps again. Which path each call took
// depends on what else on the host connects meanwhile, so only the counts are asserted.
TEST(MattermostConnectionCounterTest, ExactWithConnectionsToOurListeners) {
  LoopbackSockets database, scrapers;
  EndpointMatcher matcher;
  matcher.Add(Ip("127.0.0.1"), database.port(), 0);
  database.Connect();
  database.Connect();
  ConnectionCounter counter;
  std::vector<double> counts;
  int attributed = 0;
  auto count = [&]() {
    EXPECT_TRUE(counter.Count("/proc", ::getpid(), matcher, 1, SocketTable::kSockDiag, counts).ok());
    attributed += counter.last_attributed();
    return counts.empty() ? -1.0 : counts[0];
  };
  EXPECT_EQ(count(), 2);
  for (int i = 0; i < 5; ++i) {
    scrapers.Connect();
    EXPECT_EQ(count(), 2) << i;
  }
  // A new connection to the database along with one to us: it must be counted.
  scrapers.Connect();
  database.Connect();
  EXPECT_EQ(count(), 3);
  scrapers.Connect();
  EXPECT_EQ(count(), 3);
  database.CloseServer(0);
  scrapers.Connect();
  EXPECT_EQ(count(), 2);
  std::fprintf(stderr, "%d of the counts attributed the connect()s to our listener instead of dumping\n", attributed);
}

// The database listener in another process (so it is not one of ours):
// connections complete into its accept queue; it is killed at the end.
class ForeignListener {
 public:
  ForeignListener() {
    int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
    EXPECT_EQ(::listen(listener, 64), 0);
    socklen_t length = sizeof(address);
    ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    child_ = ::fork();
    if (child_ == 0) {
      while (true) ::pause();  // holds the listener until killed
    }
    ::close(listener);
  }
  ~ForeignListener() {
    for (int fd : clients_) ::close(fd);
    if (child_ > 0) {
      ::kill(child_, SIGKILL);
      ::waitpid(child_, nullptr, 0);
    }
  }
  void Connect() {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port_);
    ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
    clients_.push_back(fd);
  }
  void Close(size_t i) {
    ::close(clients_[i]);
    clients_[i] = -1;
  }
  uint16_t port() const { return port_; }

 private:
  pid_t child_ = -1;
  uint16_t port_ = 0;
  std::vector<int> clients_;
};

// The target's new database connection made together with connections to our
// own listener (a scraper): ActiveOpens moves by more than our listener
// explains, so the count must see it.
TEST(MattermostConnectionCounterTest, TargetConnectionsAreNotAttributedToOurListener) {
  ForeignListener database;
  LoopbackSockets scrapers;
  EndpointMatcher matcher;
  matcher.Add(Ip("127.0.0.1"), database.port(), 0);
  database.Connect();
  database.Connect();
  ConnectionCounter counter;
  std::vector<double> counts;
  int attributed = 0, dumped = 0;
  auto count = [&]() {
    EXPECT_TRUE(counter.Count("/proc", ::getpid(), matcher, 1, SocketTable::kSockDiag, counts).ok());
    attributed += counter.last_attributed();
    dumped += counter.last_dumped();
    return counts.empty() ? -1.0 : counts[0];
  };
  EXPECT_EQ(count(), 2);
  for (int round = 0; round < 4; ++round) {
    scrapers.Connect();
    EXPECT_EQ(count(), 2 + round) << round;
    scrapers.Connect();
    database.Connect();
    EXPECT_EQ(count(), 3 + round) << round;
    EXPECT_FALSE(counter.last_attributed()) << round;
  }
  database.Close(0);  // 2 + 4 - 1
  scrapers.Connect();
  EXPECT_EQ(count(), 5);
  std::fprintf(stderr, "%d counts attributed the connect()s to our listener, %d dumped\n", attributed, dumped);
}

}  // namespace
}  // namespace exporter::mattermost
