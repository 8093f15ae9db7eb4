#include "sock_diag.h"

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <dirent.h>
#include <netinet/tcp.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace exporter::mattermost {

namespace {
template <class T>
void Append(std::string& out, const T& value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof(value));
}

// Closes the netlink socket on every path out.
struct FdCloser {
  int fd;
  ~FdCloser() {
    if (fd >= 0) ::close(fd);
  }
};
}  // namespace

std::string BuildPortFilter(const std::vector<uint16_t>& ports) {
  // "dport == p1 || dport == p2 || ...", laid out as iproute2's ss does, so
  // that the kernel's audit (every "yes" jump must land on an op or exactly
  // at the end; a "no" jump may go one op past the end, meaning reject) accepts it:
  //   [D_EQ yes=8 no=12][port p1][JMP yes=4 no=->end] ... [D_EQ yes=8 no=12][port pN]
  // D_EQ is followed by an op whose "no" field holds the port. A match runs
  // into its JMP, whose "no" jumps exactly to the end (accept; a JMP always
  // takes "no"); a miss skips the JMP to the next test, and the last miss
  // jumps past the end (reject).
  std::string bytecode;
  if (ports.empty()) return bytecode;
  const size_t length = ports.size() * 12 - 4;
  if (length > 60000) return bytecode;  // beyond a u16 jump
  for (size_t i = 0; i < ports.size(); ++i) {
    inet_diag_bc_op test{};
    test.code = INET_DIAG_BC_D_EQ;
    test.yes = 8;
    test.no = 12;
    inet_diag_bc_op port{};
    port.no = ports[i];
    Append(bytecode, test);
    Append(bytecode, port);
    if (i + 1 < ports.size()) {
      inet_diag_bc_op jump{};
      jump.code = INET_DIAG_BC_JMP;
      jump.yes = 4;
      jump.no = static_cast<uint16_t>(length - bytecode.size());
      Append(bytecode, jump);
    }
  }
  return bytecode;
}

std::string BuildInetDiagRequest(uint8_t family, uint32_t states, const std::vector<uint16_t>& ports,
                                 uint32_t sequence) {
  const std::string bytecode = BuildPortFilter(ports);
  nlattr attribute{};
  attribute.nla_len = static_cast<uint16_t>(NLA_HDRLEN + bytecode.size());
  attribute.nla_type = INET_DIAG_REQ_BYTECODE;
  std::string body;
  nlmsghdr header{};
  if (family == AF_UNSPEC) {
    // The old TCPDIAG_GETSOCK request dumps both families in one walk of the
    // established hash (the walk is the whole cost); SOCK_DIAG_BY_FAMILY
    // needs one request, hence one walk, per family.
    inet_diag_req request{};
    request.idiag_states = states;
    Append(body, request);
    header.nlmsg_type = TCPDIAG_GETSOCK;
  } else {
    inet_diag_req_v2 request{};
    request.sdiag_family = family;
    request.sdiag_protocol = IPPROTO_TCP;
    request.idiag_states = states;
    Append(body, request);
    header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  }
  header.nlmsg_len = static_cast<uint32_t>(NLMSG_HDRLEN + NLMSG_ALIGN(body.size()) +
                                           (bytecode.empty() ? 0 : NLA_ALIGN(attribute.nla_len)));
  header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  header.nlmsg_seq = sequence;
  std::string message;
  Append(message, header);
  message.resize(NLMSG_HDRLEN, '\0');
  message += body;
  message.resize(NLMSG_HDRLEN + NLMSG_ALIGN(body.size()), '\0');
  if (!bytecode.empty()) {
    Append(message, attribute);
    message += bytecode;
    message.resize(header.nlmsg_len, '\0');
  }
  return message;
}

std::optional<TcpSocket> ParseInetDiagMessage(std::string_view payload) {
  inet_diag_msg msg;
  if (payload.size() < sizeof(msg)) return std::nullopt;
  std::memcpy(&msg, payload.data(), sizeof(msg));
  TcpSocket socket;
  if (msg.idiag_family == AF_INET) {
    uint8_t v4[4];
    std::memcpy(v4, &msg.id.idiag_src[0], 4);
    socket.local = IpAddress::FromV4(v4);
    std::memcpy(v4, &msg.id.idiag_dst[0], 4);
    socket.remote = IpAddress::FromV4(v4);
  } else if (msg.idiag_family == AF_INET6) {
    std::memcpy(socket.local.bytes.data(), msg.id.idiag_src, 16);
    std::memcpy(socket.remote.bytes.data(), msg.id.idiag_dst, 16);
  } else {
    return std::nullopt;
  }
  socket.local_port = ntohs(msg.id.idiag_sport);
  socket.remote_port = ntohs(msg.id.idiag_dport);
  socket.state = msg.idiag_state;
  socket.inode = msg.idiag_inode;
  socket.family = msg.idiag_family;
  socket.cookie[0] = msg.id.idiag_cookie[0];
  socket.cookie[1] = msg.id.idiag_cookie[1];
  return socket;
}

namespace {
// Sends one dump request and hands each socket to each. unsupported is set
// when the kernel refuses the request kind (not an error of the dump itself).
Status RunDump(int fd, const std::string& request, uint32_t sequence, const std::function<void(const TcpSocket&)>& each,
               bool& unsupported, size_t& rows) {
  // On the heap: scrapes may run on threads with small stacks, and
  // thread_local arrays are carved out of every thread's stack.
  std::vector<uint32_t> storage(32768 / sizeof(uint32_t));
  char* buffer = reinterpret_cast<char*>(storage.data());
  const size_t buffer_size = storage.size() * sizeof(uint32_t);
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (::sendto(fd, request.data(), request.size(), 0, reinterpret_cast<sockaddr*>(&kernel), sizeof(kernel)) < 0) {
    return Status::Error(std::string("sock_diag request failed: ") + std::strerror(errno));
  }
  while (true) {
    ssize_t received = ::recv(fd, buffer, buffer_size, 0);
    if (received < 0) {
      if (errno == EINTR) continue;
      return Status::Error(std::string("sock_diag receive failed: ") + std::strerror(errno));
    }
    if (received == 0) return Status::Error("sock_diag: unexpected end of messages");
    int remaining = static_cast<int>(received);
    for (auto* header = reinterpret_cast<nlmsghdr*>(buffer); NLMSG_OK(header, remaining);
         header = NLMSG_NEXT(header, remaining)) {
      if (header->nlmsg_seq != sequence) continue;
      if (header->nlmsg_type == NLMSG_DONE) return {};
      if (header->nlmsg_type == NLMSG_ERROR) {
        auto* error = static_cast<nlmsgerr*>(NLMSG_DATA(header));
        if (error->error == 0) continue;  // an acknowledgement
        if (error->error == -ENOENT || error->error == -EINVAL || error->error == -EOPNOTSUPP) unsupported = true;
        return Status::Error(std::string("sock_diag error: ") + std::strerror(-error->error));
      }
      if (header->nlmsg_type != SOCK_DIAG_BY_FAMILY && header->nlmsg_type != TCPDIAG_GETSOCK) continue;
      auto socket = ParseInetDiagMessage(
          std::string_view(static_cast<const char*>(NLMSG_DATA(header)), header->nlmsg_len - NLMSG_HDRLEN));
      ++rows;
      if (socket) each(*socket);
    }
  }
}
}  // namespace

Expected<size_t> DumpTcpCounted(uint32_t states, const std::vector<uint16_t>& ports,
                                const std::function<void(const TcpSocket&)>& each) {
  FdCloser fd{::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG)};
  if (fd.fd < 0) return Status::Error(std::string("cannot open a sock_diag socket: ") + std::strerror(errno));
  size_t rows = 0;
  static std::atomic<bool> compat_works{true};
  if (compat_works) {
    bool unsupported = false;
    Status status = RunDump(fd.fd, BuildInetDiagRequest(AF_UNSPEC, states, ports, 1), 1, each, unsupported, rows);
    if (status) return rows;
    if (!unsupported) return status;
    compat_works = false;  // a kernel without the old request: one request per family from now on
  }
  uint32_t sequence = 2;
  for (uint8_t family : {static_cast<uint8_t>(AF_INET), static_cast<uint8_t>(AF_INET6)}) {
    bool unsupported = false;
    Status status =
        RunDump(fd.fd, BuildInetDiagRequest(family, states, ports, sequence), sequence, each, unsupported, rows);
    // IPv6 may be absent from the kernel: no IPv6 sockets then.
    if (!status && !(family == AF_INET6 && unsupported)) return status;
    ++sequence;
  }
  return rows;
}

Status DumpTcp(uint32_t states, const std::vector<uint16_t>& ports, const std::function<void(const TcpSocket&)>& each) {
  auto rows = DumpTcpCounted(states, ports, each);
  return rows ? Status() : rows.status();
}

Expected<OwnTcpSockets> ListOwnTcpSockets() {
  DIR* dir = ::opendir("/proc/self/fd");
  if (!dir) return Status::Error(std::string("cannot list /proc/self/fd: ") + std::strerror(errno));
  const int dir_fd = ::dirfd(dir);
  OwnTcpSockets own;
  auto endpoint = [](const sockaddr_storage& address, IpAddress& ip, uint16_t& port) {
    if (address.ss_family == AF_INET) {
      const auto& v4 = reinterpret_cast<const sockaddr_in&>(address);
      uint8_t bytes[4];
      std::memcpy(bytes, &v4.sin_addr, 4);
      ip = IpAddress::FromV4(bytes);
      port = ntohs(v4.sin_port);
      return true;
    }
    if (address.ss_family == AF_INET6) {
      const auto& v6 = reinterpret_cast<const sockaddr_in6&>(address);
      std::memcpy(ip.bytes.data(), &v6.sin6_addr, 16);
      port = ntohs(v6.sin6_port);
      return true;
    }
    return false;
  };
  while (dirent* entry = ::readdir(dir)) {
    if (entry->d_name[0] < '0' || entry->d_name[0] > '9') continue;
    const int fd = std::atoi(entry->d_name);
    if (fd == dir_fd) continue;
    // Not a socket (ENOTSOCK), not TCP (ENOPROTOOPT, EOPNOTSUPP), or closed meanwhile: skipped.
    tcp_info info{};
    socklen_t length = sizeof(info);
    if (::getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &length) != 0) continue;
    sockaddr_storage local{};
    socklen_t local_length = sizeof(local);
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_length) != 0) continue;
    TcpSocket socket;
    if (!endpoint(local, socket.local, socket.local_port)) continue;
    if (info.tcpi_state == TCP_LISTEN) {
      if (std::find(own.listen_ports.begin(), own.listen_ports.end(), socket.local_port) == own.listen_ports.end())
        own.listen_ports.push_back(socket.local_port);
      continue;
    }
    if (info.tcpi_state != TCP_ESTABLISHED) continue;
    sockaddr_storage peer{};
    socklen_t peer_length = sizeof(peer);
    if (::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &peer_length) != 0) continue;
    if (!endpoint(peer, socket.remote, socket.remote_port)) continue;
    socket.state = kTcpEstablished;
    socket.family = static_cast<uint8_t>(local.ss_family);
    own.established.push_back(socket);
  }
  ::closedir(dir);
  return own;
}

Status LookupTcp(std::vector<TcpSocket>& sockets) {
  if (sockets.empty()) return {};
  FdCloser fd{::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG)};
  if (fd.fd < 0) return Status::Error(std::string("cannot open a sock_diag socket: ") + std::strerror(errno));
  std::string requests;
  for (size_t i = 0; i < sockets.size(); ++i) {
    const TcpSocket& socket = sockets[i];
    inet_diag_req_v2 request{};
    request.sdiag_family = socket.family;
    request.sdiag_protocol = IPPROTO_TCP;
    request.idiag_states = ~0u;
    request.id.idiag_sport = htons(socket.local_port);
    request.id.idiag_dport = htons(socket.remote_port);
    if (socket.family == AF_INET) {
      std::memcpy(&request.id.idiag_src[0], socket.local.bytes.data() + 12, 4);
      std::memcpy(&request.id.idiag_dst[0], socket.remote.bytes.data() + 12, 4);
    } else {
      std::memcpy(request.id.idiag_src, socket.local.bytes.data(), 16);
      std::memcpy(request.id.idiag_dst, socket.remote.bytes.data(), 16);
    }
    request.id.idiag_cookie[0] = socket.cookie[0];
    request.id.idiag_cookie[1] = socket.cookie[1];
    nlmsghdr header{};
    header.nlmsg_len = static_cast<uint32_t>(NLMSG_HDRLEN + sizeof(request));
    header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    header.nlmsg_flags = NLM_F_REQUEST;
    header.nlmsg_seq = static_cast<uint32_t>(i + 1);
    std::string message;
    Append(message, header);
    message.resize(NLMSG_HDRLEN, '\0');
    Append(message, request);
    requests += message;
  }
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (::sendto(fd.fd, requests.data(), requests.size(), 0, reinterpret_cast<sockaddr*>(&kernel), sizeof(kernel)) < 0) {
    return Status::Error(std::string("sock_diag lookup failed: ") + std::strerror(errno));
  }
  // One answer per request: the socket, or an error (ENOENT: gone; ESTALE: another socket now).
  std::vector<uint32_t> storage(32768 / sizeof(uint32_t));
  char* buffer = reinterpret_cast<char*>(storage.data());
  const size_t buffer_size = storage.size() * sizeof(uint32_t);
  std::vector<bool> answered(sockets.size(), false);
  size_t answers = 0;
  while (answers < sockets.size()) {
    ssize_t received = ::recv(fd.fd, buffer, buffer_size, 0);
    if (received < 0) {
      if (errno == EINTR) continue;
      return Status::Error(std::string("sock_diag lookup receive failed: ") + std::strerror(errno));
    }
    if (received == 0) return Status::Error("sock_diag: unexpected end of messages");
    int remaining = static_cast<int>(received);
    for (auto* header = reinterpret_cast<nlmsghdr*>(buffer); NLMSG_OK(header, remaining);
         header = NLMSG_NEXT(header, remaining)) {
      size_t index = header->nlmsg_seq - 1;
      if (header->nlmsg_seq == 0 || index >= sockets.size() || answered[index]) continue;
      if (header->nlmsg_type == NLMSG_ERROR) {
        sockets[index].state = 0;
      } else if (header->nlmsg_type == SOCK_DIAG_BY_FAMILY) {
        auto found = ParseInetDiagMessage(
            std::string_view(static_cast<const char*>(NLMSG_DATA(header)), header->nlmsg_len - NLMSG_HDRLEN));
        sockets[index].state = found ? found->state : 0;
        sockets[index].inode = found ? found->inode : 0;
      } else {
        continue;
      }
      answered[index] = true;
      ++answers;
    }
  }
  return {};
}

}  // namespace exporter::mattermost
