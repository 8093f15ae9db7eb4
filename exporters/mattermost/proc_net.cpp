#include "proc_net.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <unordered_map>

#include "exporter/strings.h"
#include "sock_diag.h"

namespace exporter::mattermost {

namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::optional<uint32_t> ParseHex32(std::string_view text) {
  if (text.size() != 8) return std::nullopt;
  uint32_t value = 0;
  for (char c : text) {
    int digit = HexDigit(c);
    if (digit < 0) return std::nullopt;
    value = (value << 4) | static_cast<uint32_t>(digit);
  }
  return value;
}

// The next blank-separated field of line from pos; empty at the end.
std::string_view NextField(std::string_view line, size_t& pos) {
  while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t')) ++pos;
  size_t start = pos;
  while (pos < line.size() && line[pos] != ' ' && line[pos] != '\t') ++pos;
  return line.substr(start, pos - start);
}

// Reads <base>/net/tcp and tcp6, calling each for every row.
Status ReadProcfsTables(const std::string& base, const std::function<void(const TcpSocket&)>& each) {
  bool any_table = false;
  for (const char* table : {"/net/tcp", "/net/tcp6"}) {
    auto content = ReadFile(base + table);
    if (!content) continue;  // tcp6 is absent when IPv6 is disabled
    any_table = true;
    std::string_view text = *content;
    size_t start = 0;
    while (start < text.size()) {
      size_t end = text.find('\n', start);
      if (end == std::string_view::npos) end = text.size();
      auto socket = ParseTcpLine(text.substr(start, end - start));
      start = end + 1;
      if (socket) each(*socket);
    }
  }
  if (!any_table) return Status::Error("cannot read " + base + "/net/tcp");
  return {};
}

}  // namespace

IpAddress IpAddress::FromV4(const uint8_t (&v4)[4]) {
  IpAddress address;
  address.bytes[10] = 0xff;
  address.bytes[11] = 0xff;
  std::memcpy(address.bytes.data() + 12, v4, 4);
  return address;
}

std::optional<IpAddress> IpAddress::FromLiteral(std::string_view text) {
  std::string copy(text);
  uint8_t v4[4];
  if (::inet_pton(AF_INET, copy.c_str(), v4) == 1) return FromV4(v4);
  IpAddress address;
  if (::inet_pton(AF_INET6, copy.c_str(), address.bytes.data()) == 1) return address;
  return std::nullopt;
}

bool IpAddress::IsV4Mapped() const {
  for (int i = 0; i < 10; ++i) {
    if (bytes[i] != 0) return false;
  }
  return bytes[10] == 0xff && bytes[11] == 0xff;
}

std::string IpAddress::ToString() const {
  char buffer[INET6_ADDRSTRLEN] = {};
  if (IsV4Mapped()) {
    ::inet_ntop(AF_INET, bytes.data() + 12, buffer, sizeof(buffer));
  } else {
    ::inet_ntop(AF_INET6, bytes.data(), buffer, sizeof(buffer));
  }
  return buffer;
}

std::optional<std::pair<IpAddress, uint16_t>> ParseHexEndpoint(std::string_view text) {
  size_t colon = text.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::string_view hex = text.substr(0, colon);
  std::string_view port_hex = text.substr(colon + 1);
  if (port_hex.size() != 4) return std::nullopt;
  uint32_t port = 0;
  for (char c : port_hex) {
    int digit = HexDigit(c);
    if (digit < 0) return std::nullopt;
    port = (port << 4) | static_cast<uint32_t>(digit);
  }
  IpAddress address;
  if (hex.size() == 8) {
    auto word = ParseHex32(hex);
    if (!word) return std::nullopt;
    uint8_t v4[4];
    std::memcpy(v4, &*word, 4);
    address = IpAddress::FromV4(v4);
  } else if (hex.size() == 32) {
    for (size_t i = 0; i < 4; ++i) {
      auto word = ParseHex32(hex.substr(i * 8, 8));
      if (!word) return std::nullopt;
      std::memcpy(address.bytes.data() + i * 4, &*word, 4);
    }
  } else {
    return std::nullopt;
  }
  return std::make_pair(address, static_cast<uint16_t>(port));
}

std::optional<TcpSocket> ParseTcpLine(std::string_view line) {
  size_t pos = 0;
  std::string_view slot = NextField(line, pos);
  if (slot.size() < 2 || slot.back() != ':') return std::nullopt;  // also skips the header ("sl")
  auto local = ParseHexEndpoint(NextField(line, pos));
  auto remote = ParseHexEndpoint(NextField(line, pos));
  std::string_view state = NextField(line, pos);
  if (!local || !remote || state.size() != 2) return std::nullopt;
  int high = HexDigit(state[0]), low = HexDigit(state[1]);
  if (high < 0 || low < 0) return std::nullopt;
  // tx_queue:rx_queue, tr:tm->when, retrnsmt, uid, timeout, then the inode.
  for (int skip = 0; skip < 5; ++skip) {
    if (NextField(line, pos).empty()) return std::nullopt;
  }
  auto inode = ParseUint(NextField(line, pos));
  if (!inode) return std::nullopt;
  TcpSocket socket;
  socket.local = local->first;
  socket.local_port = local->second;
  socket.remote = remote->first;
  socket.remote_port = remote->second;
  socket.state = static_cast<uint8_t>(high * 16 + low);
  socket.inode = *inode;
  return socket;
}

std::optional<uint64_t> ParseSocketLink(std::string_view link) {
  constexpr std::string_view kPrefix = "socket:[";
  if (link.size() <= kPrefix.size() + 1 || link.substr(0, kPrefix.size()) != kPrefix || link.back() != ']') {
    return std::nullopt;
  }
  std::string_view digits = link.substr(kPrefix.size(), link.size() - kPrefix.size() - 1);
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  return ParseUint(digits);
}

void EndpointMatcher::Add(const IpAddress& address, uint16_t port, size_t endpoint) {
  for (const auto& entry : entries_) {
    if (entry.address == address && entry.port == port) return;  // the earlier endpoint keeps it
  }
  entries_.push_back({address, port, endpoint});
}

int EndpointMatcher::Match(const IpAddress& address, uint16_t port) const {
  for (const auto& entry : entries_) {
    if (entry.port == port && entry.address == address) return static_cast<int>(entry.endpoint);
  }
  return -1;
}

std::vector<uint16_t> EndpointMatcher::Ports() const {
  std::vector<uint16_t> ports;
  for (const auto& entry : entries_) {
    if (std::find(ports.begin(), ports.end(), entry.port) == ports.end()) ports.push_back(entry.port);
  }
  return ports;
}

bool SharesNetworkNamespace(pid_t pid) {
  struct stat self {
  }, target{};
  if (::stat("/proc/self/ns/net", &self) != 0) return false;
  if (::stat(("/proc/" + std::to_string(pid) + "/ns/net").c_str(), &target) != 0) return false;
  return self.st_dev == target.st_dev && self.st_ino == target.st_ino;
}

std::optional<uint64_t> ParseTcpActiveOpens(std::string_view snmp) {
  // Two "Tcp:" lines: the field names, then the values.
  std::string_view names, values;
  for (auto line : Split(snmp, '\n')) {
    if (!StartsWith(line, "Tcp:")) continue;
    if (names.empty()) {
      names = line;
    } else {
      values = line;
      break;
    }
  }
  if (values.empty()) return std::nullopt;
  auto name_fields = SplitFields(names);
  auto value_fields = SplitFields(values);
  if (name_fields.size() != value_fields.size()) return std::nullopt;
  for (size_t i = 1; i < name_fields.size(); ++i) {
    if (name_fields[i] == "ActiveOpens") return ParseUint(value_fields[i]);
  }
  return std::nullopt;
}

namespace {
bool FdHolds(const std::string& fd_dir, int fd, uint64_t inode) {
  char link[64];
  std::string path = fd_dir + "/" + std::to_string(fd);
  ssize_t length = ::readlink(path.c_str(), link, sizeof(link));
  if (length <= 0 || static_cast<size_t>(length) >= sizeof(link)) return false;
  auto held = ParseSocketLink(std::string_view(link, static_cast<size_t>(length)));
  return held && *held == inode;
}
}  // namespace

namespace {
// A connection by its client end: client address and port, server address and port.
std::string ConnectionKey(const IpAddress& client, uint16_t client_port, const IpAddress& server,
                          uint16_t server_port) {
  std::string key(reinterpret_cast<const char*>(client.bytes.data()), client.bytes.size());
  key.append(reinterpret_cast<const char*>(server.bytes.data()), server.bytes.size());
  key.append(reinterpret_cast<const char*>(&client_port), sizeof(client_port));
  key.append(reinterpret_cast<const char*>(&server_port), sizeof(server_port));
  return key;
}

bool Contains(const std::vector<uint16_t>& ports, uint16_t port) {
  return std::find(ports.begin(), ports.end(), port) != ports.end();
}

// Fewer rows than the kernel takes from one hash bucket at a time (SKARR_SZ in
// net/ipv4/inet_diag.c): no bucket was walked in chunks, so no socket that
// stayed in the table was skipped.
constexpr size_t kTrustedDumpRows = 16;
constexpr size_t kMaxKnownClients = 4096;
}  // namespace

bool ConnectionCounter::AttributeOpens(const std::string& base, const EndpointMatcher& matcher,
                                       std::optional<uint64_t>& opens) {
  auto own = ListOwnTcpSockets();
  if (!own) return false;
  // Read again after the listing: every connection listed made its connect() before this read.
  auto snmp = ReadFile(base + "/net/snmp");
  if (!snmp) return false;
  auto now = ParseTcpActiveOpens(*snmp);
  if (!now || *now < *dumped_at_opens_) return false;
  const uint64_t moved = *now - *dumped_at_opens_;
  std::vector<TcpSocket> clients;
  std::vector<std::string> keys;
  for (const TcpSocket& ours : own->established) {
    if (!Contains(listen_ports_, ours.local_port)) continue;  // not to a listener the last dump covered
    std::string key = ConnectionKey(ours.remote, ours.remote_port, ours.local, ours.local_port);
    if (known_clients_.count(key)) continue;  // its connect() was before the last dump, or already attributed
    if (matcher.Match(ours.local, ours.local_port) >= 0) return false;  // we are a database endpoint ourselves
    TcpSocket client;
    client.local = ours.remote;
    client.local_port = ours.remote_port;
    client.remote = ours.local;
    client.remote_port = ours.local_port;
    client.family = client.local.IsV4Mapped() ? AF_INET : AF_INET6;
    client.cookie[0] = client.cookie[1] = kAnyCookie;
    clients.push_back(client);
    keys.push_back(std::move(key));
    if (clients.size() > moved) return false;
  }
  if (clients.size() != moved || known_clients_.size() + keys.size() > kMaxKnownClients) return false;
  // The client end must be in this namespace (its connect() moved our counter)
  // and established: absent from the last dump, so connected after it.
  if (!LookupTcp(clients)) return false;
  for (const TcpSocket& client : clients) {
    if (client.state != kTcpEstablished) return false;
  }
  known_clients_.insert(keys.begin(), keys.end());
  dumped_at_opens_ = now;
  opens = now;
  return true;
}

bool ConnectionCounter::Recheck(const std::string& fd_dir, std::vector<double>& counts) {
  std::vector<TcpSocket> sockets;
  sockets.reserve(owned_.size());
  for (const auto& [inode, owned] : owned_) {
    if (!FdHolds(fd_dir, owned.fd, inode)) return false;  // closed or replaced: look again properly
    sockets.push_back(owned.socket);
  }
  if (!LookupTcp(sockets)) return false;
  size_t i = 0;
  for (auto it = owned_.begin(); it != owned_.end(); ++i) {
    const TcpSocket& now = sockets[i];
    if (now.state == kTcpEstablished && now.inode == it->first) {
      counts[it->second.endpoint] += 1;
      ++it;
    } else {
      it = owned_.erase(it);  // closed, or no longer established: not counted
    }
  }
  return true;
}

Status ConnectionCounter::Count(const std::string& procfs_root, pid_t pid, const EndpointMatcher& matcher,
                                size_t endpoints, SocketTable table, std::vector<double>& counts) {
  counts.assign(endpoints, 0);
  last_dumped_ = false;
  last_walked_all_ = false;
  last_attributed_ = false;
  if (matcher.empty()) return {};
  const std::string base = procfs_root + "/" + std::to_string(pid);
  const std::string fd_dir = base + "/fd";
  const auto now = std::chrono::steady_clock::now();
  if (pid != pid_ || procfs_root != procfs_root_) {
    pid_ = pid;
    procfs_root_ = procfs_root;
    owned_.clear();
    foreign_.clear();
    dumped_at_opens_.reset();
    last_walk_ = {};
  }
  const bool walk_due = std::chrono::duration<double>(now - last_walk_).count() >= full_walk_seconds_;

  if (table == SocketTable::kAuto) {
    table = procfs_root == "/proc" && SharesNetworkNamespace(pid) ? SocketTable::kSockDiag : SocketTable::kProcfs;
  }
  last_table_ = table == SocketTable::kSockDiag ? "sock_diag" : "procfs";
  std::optional<uint64_t> opens;
  if (table == SocketTable::kSockDiag) {
    // Read before the dump: a connect() after this read moves it for next time.
    if (auto snmp = ReadFile(base + "/net/snmp")) opens = ParseTcpActiveOpens(*snmp);
    if (!walk_due && opens && dumped_at_opens_) {
      bool quiet = dumped_at_opens_ == opens;
      if (!quiet && attribution_trusted_) quiet = last_attributed_ = AttributeOpens(base, matcher, opens);
      if (quiet) {
        if (Recheck(fd_dir, counts)) return {};
        counts.assign(endpoints, 0);
        last_attributed_ = false;
      }
    }
  }
  dumped_at_opens_.reset();
  attribution_trusted_ = false;
  known_clients_.clear();
  listen_ports_.clear();

  // inode -> endpoint of the established connections to a database in the
  // namespace: usually a handful, and the fds are not looked at when there are none.
  std::unordered_map<uint64_t, Candidate> candidates;
  bool half_open = false;
  auto consider = [&](const TcpSocket& socket) {
    if (socket.inode == 0 && socket.state != kTcpSynSent) return;
    int endpoint = matcher.Match(socket.remote, socket.remote_port);
    if (endpoint < 0) return;
    if (socket.state == kTcpSynSent) half_open = true;  // may be established by the next scrape
    if (socket.state == kTcpEstablished)
      candidates.emplace(socket.inode, Candidate{static_cast<size_t>(endpoint), socket});
  };
  if (table == SocketTable::kSockDiag) {
    // The dump also returns the connections to our own listening ports: the
    // baseline for telling later connect()s to us from the target's.
    auto own = ListOwnTcpSockets();
    if (own) listen_ports_ = own->listen_ports;
    std::vector<uint16_t> ports = matcher.Ports();
    for (uint16_t port : listen_ports_) {
      if (!Contains(ports, port)) ports.push_back(port);
    }
    constexpr uint32_t kStates = (1u << kTcpEstablished) | (1u << kTcpSynSent);
    auto rows = DumpTcpCounted(kStates, ports, [&](const TcpSocket& socket) {
      // A client end cannot leave these two states and come back to ESTABLISHED.
      if (Contains(listen_ports_, socket.remote_port)) {
        known_clients_.insert(ConnectionKey(socket.local, socket.local_port, socket.remote, socket.remote_port));
      }
      consider(socket);
    });
    if (!rows) return rows.status();
    attribution_trusted_ = own && *rows < kTrustedDumpRows;
  } else {
    if (auto status = ReadProcfsTables(base, consider); !status) return status;
  }
  last_dumped_ = true;

  bool walk = walk_due;
  if (!walk) {
    // Confirm the remembered owners with one readlink each.
    for (const auto& [inode, candidate] : candidates) {
      if (foreign_.count(inode)) continue;
      auto it = owned_.find(inode);
      if (it == owned_.end() || !FdHolds(fd_dir, it->second.fd, inode)) {
        walk = true;  // a new connection (whose?), or its fd was closed or reused
        break;
      }
    }
  }
  if (walk) {
    if (candidates.empty()) {
      owned_.clear();
      foreign_.clear();
    } else if (auto status = Walk(fd_dir, candidates); !status) {
      pid_ = 0;  // start afresh next time
      return status;
    }
    last_walk_ = now;
    last_walked_all_ = true;
  }
  // Forget sockets that are gone; count the process's.
  for (auto it = owned_.begin(); it != owned_.end();) {
    auto candidate = candidates.find(it->first);
    if (candidate == candidates.end()) {
      it = owned_.erase(it);
    } else {
      it->second.endpoint = candidate->second.endpoint;
      it->second.socket = candidate->second.socket;
      counts[candidate->second.endpoint] += 1;
      ++it;
    }
  }
  for (auto it = foreign_.begin(); it != foreign_.end();) {
    it = candidates.count(*it) ? std::next(it) : foreign_.erase(it);
  }
  if (table == SocketTable::kSockDiag && !half_open) dumped_at_opens_ = opens;
  return {};
}

Status ConnectionCounter::Walk(const std::string& fd_dir, const std::unordered_map<uint64_t, Candidate>& candidates) {
  int dir_fd = ::open(fd_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) return Status::Error("cannot open " + fd_dir + ": " + std::strerror(errno));
  DIR* dir = ::fdopendir(dir_fd);
  if (!dir) {
    ::close(dir_fd);
    return Status::Error("cannot open " + fd_dir);
  }
  owned_.clear();
  char link[64];
  while (owned_.size() < candidates.size()) {  // every candidate placed: the rest cannot matter
    dirent* entry = ::readdir(dir);
    if (!entry) break;
    if (entry->d_name[0] == '.') continue;
    ssize_t length = ::readlinkat(dir_fd, entry->d_name, link, sizeof(link));
    if (length <= 0 || static_cast<size_t>(length) >= sizeof(link)) continue;  // closed meanwhile, or a long path
    auto inode = ParseSocketLink(std::string_view(link, static_cast<size_t>(length)));
    if (!inode) continue;
    auto candidate = candidates.find(*inode);
    if (candidate == candidates.end()) continue;
    auto fd = ParseUint(entry->d_name);
    if (fd) owned_.emplace(*inode, Owned{static_cast<int>(*fd), candidate->second.endpoint, candidate->second.socket});
  }
  ::closedir(dir);
  foreign_.clear();
  for (const auto& [inode, candidate] : candidates) {
    if (!owned_.count(inode)) foreign_.insert(inode);
  }
  return {};
}

}  // namespace exporter::mattermost
