#include "parse/offdefault.h"

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>

#include <cstring>

#include "exporter/strings.h"
#include "parse/procfs.h"

namespace node::parse {

using exporter::Status;

namespace {

std::string JoinFields(const std::vector<std::string_view>& fields, size_t from) {
  std::string joined;
  for (size_t i = from; i < fields.size(); ++i) {
    if (i > from) joined.push_back(' ');
    joined.append(fields[i]);
  }
  return joined;
}

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Go's strconv.Atoi: an optional sign, then decimal digits.
bool IsGoInt(std::string_view s) {
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) s.remove_prefix(1);
  return AllDigits(s);
}

}  // namespace

// --- interrupts --------------------------------------------------------------

Expected<std::vector<Interrupt>> ParseInterrupts(std::string_view text) {
  size_t header_end = text.find('\n');
  std::string_view header = text.substr(0, header_end);
  if (text.empty()) return Status::Error("interrupts empty");
  const size_t cpus = exporter::SplitFields(header).size();
  std::vector<Interrupt> rows;
  std::string_view rest = header_end == std::string_view::npos ? std::string_view() : text.substr(header_end + 1);
  Status error;
  ForEachLine(rest, [&](std::string_view line) {
    if (!error.ok()) return;
    auto fields = exporter::SplitFields(line);
    // The name, one count per CPU and at least one word of description; ERR and MIS have none.
    if (fields.size() < cpus + 2) return;
    Interrupt row;
    row.type = std::string(fields[0].substr(0, fields[0].size() - 1));  // without its ':'
    row.per_cpu.reserve(cpus);
    for (size_t i = 1; i <= cpus; ++i) {
      auto value = exporter::ParseDouble(fields[i]);
      if (!value) {
        error = Status::Error("invalid value " + std::string(fields[i]) + " in interrupts");
        return;
      }
      row.per_cpu.push_back(*value);
    }
    if (IsGoInt(row.type)) {
      row.info = std::string(fields[cpus + 1]);
      row.devices = JoinFields(fields, cpus + 2);
    } else {
      row.info = JoinFields(fields, cpus + 1);
    }
    for (auto& existing : rows) {
      if (existing.type == row.type) {
        existing = std::move(row);
        return;
      }
    }
    rows.push_back(std::move(row));
  });
  if (!error.ok()) return error;
  return rows;
}

// --- meminfo_numa ------------------------------------------------------------

Expected<std::vector<NumaValue>> ParseNodeMeminfo(std::string_view text) {
  std::vector<NumaValue> values;
  Status error;
  ForEachLine(text, [&](std::string_view raw) {
    if (!error.ok()) return;
    std::string_view line = exporter::Trim(raw);
    if (line.empty()) return;
    auto fields = exporter::SplitFields(line);
    if (fields.size() < 4) {
      error = Status::Error("invalid line in meminfo: " + std::string(line));
      return;
    }
    auto value = exporter::ParseDouble(fields[3]);
    if (!value) {
      error = Status::Error("invalid value in meminfo: " + std::string(fields[3]));
      return;
    }
    if (fields.size() == 5 && fields[4] == "kB") {
      *value *= 1024;
    } else if (fields.size() != 4) {
      error = Status::Error("invalid line in meminfo: " + std::string(line));
      return;
    }
    std::string_view key = fields[2];
    while (!key.empty() && key.back() == ':') key.remove_suffix(1);
    // "Active(anon)" -> "Active_anon": from the first '(' to the last ')'.
    std::string name(key);
    size_t open = name.find('('), close = name.rfind(')');
    if (open != std::string::npos && close != std::string::npos && close > open) {
      name = name.substr(0, open) + "_" + name.substr(open + 1, close - open - 1) + name.substr(close + 1);
    }
    values.push_back({std::move(name), std::string(fields[1]), *value});
  });
  if (!error.ok()) return error;
  return values;
}

Expected<std::vector<std::pair<std::string, double>>> ParseNumastat(std::string_view text) {
  std::vector<std::pair<std::string, double>> values;
  Status error;
  ForEachLine(text, [&](std::string_view raw) {
    if (!error.ok()) return;
    std::string_view line = exporter::Trim(raw);
    if (line.empty()) return;
    auto fields = exporter::SplitFields(line);
    if (fields.size() != 2) {
      error = Status::Error("line scan did not return 2 fields: " + std::string(line));
      return;
    }
    auto value = exporter::ParseDouble(fields[1]);
    if (!value) {
      error = Status::Error("invalid value in numastat: " + std::string(fields[1]));
      return;
    }
    values.emplace_back(std::string(fields[0]), *value);
  });
  if (!error.ok()) return error;
  return values;
}

bool NumaNodeNumber(std::string_view node_dir, std::string& number) {
  constexpr std::string_view kMarker = "devices/system/node/node";
  size_t at = node_dir.rfind(kMarker);
  if (at == std::string_view::npos) return false;
  std::string_view digits = node_dir.substr(at + kMarker.size());
  size_t n = 0;
  while (n < digits.size() && digits[n] >= '0' && digits[n] <= '9') ++n;
  number = std::string(digits.substr(0, n));
  return true;
}

// --- tcpstat -----------------------------------------------------------------

Expected<bool> AddInetDiagMessages(std::string_view buffer, TcpStats& stats) {
  while (!buffer.empty()) {
    nlmsghdr header;
    if (buffer.size() < sizeof(header)) return Status::Error("netlink: truncated message header");
    std::memcpy(&header, buffer.data(), sizeof(header));
    if (header.nlmsg_len < sizeof(header) || header.nlmsg_len > buffer.size()) {
      return Status::Error("netlink: bad message length " + std::to_string(header.nlmsg_len));
    }
    std::string_view payload = buffer.substr(sizeof(header), header.nlmsg_len - sizeof(header));
    if (header.nlmsg_type == NLMSG_DONE) return true;
    if (header.nlmsg_type == NLMSG_ERROR) {
      nlmsgerr error;
      if (payload.size() < sizeof(error.error)) return Status::Error("netlink: truncated error message");
      std::memcpy(&error.error, payload.data(), sizeof(error.error));
      // The kernel sends -errno; anything else is reported as the number it is.
      if (error.error < 0 && error.error > -4096) {
        return Status::Error(std::string("netlink: ") + std::strerror(-error.error));
      }
      if (error.error != 0) return Status::Error("netlink: error " + std::to_string(error.error));
    } else if (header.nlmsg_type == SOCK_DIAG_BY_FAMILY) {
      inet_diag_msg msg;
      if (payload.size() < sizeof(msg)) return Status::Error("netlink: truncated inet_diag_msg");
      std::memcpy(&msg, payload.data(), sizeof(msg));
      stats.by_state[msg.idiag_state] += 1;
      stats.rx_queued += msg.idiag_rqueue;
      stats.tx_queued += msg.idiag_wqueue;
      ++stats.sockets;
    }
    size_t step = NLMSG_ALIGN(header.nlmsg_len);
    if (step >= buffer.size()) break;
    buffer.remove_prefix(step);
  }
  return false;
}

std::string_view TcpStateName(int state) {
  static constexpr std::string_view kNames[] = {"established", "syn_sent",  "syn_recv", "fin_wait1",
                                                "fin_wait2",   "time_wait", "close",    "close_wait",
                                                "last_ack",    "listen",    "closing"};
  if (state < 1 || state > 11) return "unknown";
  return kNames[state - 1];
}

// --- processes ---------------------------------------------------------------

Expected<ProcessState> ParseProcessState(std::string_view text) {
  size_t open = text.find('('), close = text.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
    return Status::Error("stat: no command in parentheses");
  }
  auto fields = exporter::SplitFields(text.substr(close + 1));
  // state ... delayacct_blkio_ticks (fields 3 to 42 of proc(5)).
  constexpr size_t kNeeded = 40;
  if (fields.size() < kNeeded) return Status::Error("stat: unexpected EOF");
  for (size_t i = 1; i < kNeeded; ++i) {
    if (!IsGoInt(fields[i])) return Status::Error("stat: expected integer, got " + std::string(fields[i]));
  }
  ProcessState state;
  state.state = std::string(fields[0]);
  auto threads = exporter::ParseInt(fields[17][0] == '+' ? fields[17].substr(1) : fields[17]);
  if (!threads) return Status::Error("stat: value out of range: " + std::string(fields[17]));
  state.num_threads = *threads;
  return state;
}

bool IsPidName(std::string_view name) { return AllDigits(name); }

// --- mountstats --------------------------------------------------------------

namespace {

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> lines;
  ForEachLine(text, [&](std::string_view line) { lines.push_back(line); });
  return lines;
}

std::string Joined(const std::vector<std::string_view>& fields) { return "[" + JoinFields(fields, 0) + "]"; }

// Every field from `from` on as an unsigned decimal.
Expected<std::vector<uint64_t>> Uints(const std::vector<std::string_view>& fields, size_t from) {
  std::vector<uint64_t> values;
  for (size_t i = from; i < fields.size(); ++i) {
    auto value = exporter::ParseUint(fields[i]);
    if (!value) return Status::Error("invalid number " + std::string(fields[i]));
    values.push_back(*value);
  }
  return values;
}

Status ParseNfsTransport(const std::vector<std::string_view>& fields, std::string_view version,
                         NfsTransportStats& out) {
  // fields: "xprt:", protocol, numbers.
  std::string_view protocol = fields[1];
  size_t numbers = fields.size() - 2, expected = 0;
  if (version == "1.0") {
    if (protocol == "tcp") {
      expected = 10;
    } else if (protocol == "udp") {
      expected = 7;
    } else {
      return Status::Error("invalid NFS protocol \"" + std::string(protocol) + "\" in stats 1.0 statement");
    }
  } else if (version == "1.1") {
    if (protocol == "tcp") {
      expected = 13;
    } else if (protocol == "udp") {
      expected = 10;
    } else {
      return Status::Error("invalid NFS protocol \"" + std::string(protocol) + "\" in stats 1.1 statement");
    }
  } else {
    return Status::Error("unrecognized NFS transport stats version: \"" + std::string(version) + "\"");
  }
  if (numbers != expected) return Status::Error("invalid NFS transport stats " + std::string(version) + " statement");
  auto values = Uints(fields, 2);
  if (!values) return values.status();
  std::vector<uint64_t> ns = *values;
  ns.resize(13, 0);
  // UDP has no connect count, connect idle time or idle time: zeros in their place.
  if (protocol == "udp") ns.insert(ns.begin() + 2, 3, 0);
  out.protocol = std::string(protocol);
  out.port = ns[0];
  out.bind = ns[1];
  out.connect = ns[2];
  out.connect_idle_time = ns[3];
  out.idle_time_seconds = ns[4];
  out.sends = ns[5];
  out.receives = ns[6];
  out.bad_transaction_ids = ns[7];
  out.cumulative_active_requests = ns[8];
  out.cumulative_backlog = ns[9];
  out.maximum_rpc_slots = ns[10];
  out.cumulative_sending_queue = ns[11];
  out.cumulative_pending_queue = ns[12];
  return {};
}

// The statistics of one NFS mount from lines[i] on; i ends past them.
Status ParseNfsStats(const std::vector<std::string_view>& lines, size_t& i, std::string_view version,
                     NfsMountStats& out) {
  while (i < lines.size()) {
    auto fields = exporter::SplitFields(lines[i++]);
    if (fields.empty()) break;
    std::string_view key = fields[0];
    if (key == "opts:" || key == "age:" || key == "bytes:" || key == "events:") {
      if (fields.size() < 2) return Status::Error("not enough information for NFS stats: " + Joined(fields));
    }
    if (key == "age:") {
      auto age = exporter::ParseDouble(fields[1]);
      if (!age) return Status::Error("invalid NFS age: " + std::string(fields[1]));
      out.age_seconds = *age;
    } else if (key == "bytes:" || key == "events:") {
      auto& target = key == "bytes:" ? out.bytes : out.events;
      if (fields.size() - 1 != target.size()) {
        return Status::Error(std::string("invalid NFS ") + (key == "bytes:" ? "bytes" : "events") +
                             " stats: " + Joined(fields));
      }
      auto values = Uints(fields, 1);
      if (!values) return values.status();
      target = *values;
    } else if (key == "xprt:") {
      if (fields.size() < 3) return Status::Error("not enough information for NFS transport stats: " + Joined(fields));
      if (auto status = ParseNfsTransport(fields, version, out.transport); !status.ok()) return status;
    }
    if (key == "per-op") break;
  }
  // The per-operation statistics come last, up to a blank line.
  while (i < lines.size()) {
    auto fields = exporter::SplitFields(lines[i++]);
    if (fields.empty()) break;
    if (fields.size() < 9) return Status::Error("invalid NFS per-operations stats: " + Joined(fields));
    auto values = Uints(fields, 1);
    if (!values) return values.status();
    NfsOperationStats op;
    op.name = std::string(fields[0]);
    if (!op.name.empty() && op.name.back() == ':') op.name.pop_back();
    const auto& v = *values;
    op.requests = v[0];
    op.transmissions = v[1];
    op.major_timeouts = v[2];
    op.bytes_sent = v[3];
    op.bytes_received = v[4];
    op.queue_ms = v[5];
    op.response_ms = v[6];
    op.request_ms = v[7];
    out.operations.push_back(std::move(op));
  }
  return {};
}

}  // namespace

Expected<std::vector<MountStatsEntry>> ParseMountStats(std::string_view text) {
  auto lines = Lines(text);
  std::vector<MountStatsEntry> mounts;
  size_t i = 0;
  while (i < lines.size()) {
    auto fields = exporter::SplitFields(lines[i++]);
    if (fields.empty() || fields[0] != "device") continue;
    // device <device> mounted on <mount point> with fstype <type> [statvers=<version>]
    if (fields.size() < 8) return Status::Error("invalid device entry: " + Joined(fields));
    MountStatsEntry mount;
    mount.device = std::string(fields[1]);
    mount.mount_point = std::string(fields[4]);
    mount.fstype = std::string(fields[7]);
    if (fields.size() > 8) {
      if (mount.fstype != "nfs" && mount.fstype != "nfs4") {
        return Status::Error("cannot parse MountStats for fstype \"" + mount.fstype + "\"");
      }
      std::string_view version = fields[8];
      if (version.substr(0, 9) == "statvers=") version.remove_prefix(9);
      if (auto status = ParseNfsStats(lines, i, version, mount.nfs); !status.ok()) return status;
      mount.has_nfs_stats = true;
    }
    mounts.push_back(std::move(mount));
  }
  return mounts;
}

Expected<std::vector<std::string>> ParseMountInfoAddresses(std::string_view text) {
  std::vector<std::string> addresses;
  for (std::string_view line : Lines(text)) {
    auto fields = exporter::Split(line, ' ');
    if (fields.size() < 10) return Status::Error("couldn't find enough fields in mount string: " + std::string(line));
    if (fields[fields.size() - 4] != "-") {
      return Status::Error("couldn't find separator in expected field: " + std::string(fields[fields.size() - 4]));
    }
    if (!IsGoInt(fields[0]) || !IsGoInt(fields[1])) {
      return Status::Error("failed to parse mount ID or parent ID: " + std::string(line));
    }
    // The super options; as procfs splits "k=v=w", the value is "v", and a later "addr" wins.
    std::string address;
    for (std::string_view option : exporter::Split(fields.back(), ',')) {
      auto parts = exporter::Split(option, '=');
      if (parts[0] == "addr") address = parts.size() < 2 ? "" : std::string(parts[1]);
    }
    addresses.push_back(std::move(address));
  }
  return addresses;
}

}  // namespace node::parse
