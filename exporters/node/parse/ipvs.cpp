#include "parse/ipvs.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

#include "exporter/strings.h"
#include "parse/procfs.h"

namespace node::parse {

using exporter::Status;

namespace {

template <class T>
bool ParseHex(std::string_view s, T& out) {
  if (s.empty()) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out, 16);
  return ec == std::errc() && ptr == s.data() + s.size();
}

// "C0A80016:0CEA" (IPv4, hex) or "[2620:0000:...:0001]:0050" (IPv6): address and port.
Status ParseAddressPort(std::string_view s, std::string& address, uint16_t& port) {
  uint8_t bytes[16];
  if (s.size() == 13) {
    for (size_t i = 0; i < 4; ++i) {
      if (!ParseHex(s.substr(2 * i, 2), bytes[i])) return Status::Error("invalid IP: " + std::string(s));
    }
    address = FormatIpvsAddress(bytes, 4);
  } else if (s.size() == 46) {
    std::string text(s.substr(1, 39));
    if (inet_pton(AF_INET6, text.c_str(), bytes) != 1) return Status::Error("invalid IPv6 address: " + text);
    address = FormatIpvsAddress(bytes, 16);
  } else {
    return Status::Error("unexpected IP:Port: " + std::string(s));
  }
  if (!ParseHex(s.substr(s.size() - 4), port)) return Status::Error("invalid port: " + std::string(s));
  return {};
}

}  // namespace

std::string FormatIpvsAddress(const uint8_t* bytes, size_t size) {
  static const uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (size == 16 && std::memcmp(bytes, kMapped, 12) == 0) {
    bytes += 12;
    size = 4;
  }
  if (size == 4) {
    return std::to_string(bytes[0]) + "." + std::to_string(bytes[1]) + "." + std::to_string(bytes[2]) + "." +
           std::to_string(bytes[3]);
  }
  if (size != 16) return "?";
  uint16_t groups[8];
  for (int i = 0; i < 8; ++i) groups[i] = static_cast<uint16_t>(bytes[2 * i] << 8 | bytes[2 * i + 1]);
  // The longest run of two or more zero groups (the first of equals) becomes "::".
  int best = -1, best_len = 0;
  for (int i = 0; i < 8;) {
    if (groups[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && groups[j] == 0) ++j;
    if (j - i >= 2 && j - i > best_len) {
      best = i;
      best_len = j - i;
    }
    i = j;
  }
  std::string out;
  char hex[8];
  for (int i = 0; i < 8; ++i) {
    if (i == best) {
      out += "::";
      i += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    auto [end, ec] = std::to_chars(hex, hex + sizeof(hex), groups[i], 16);
    (void)ec;
    out.append(hex, end);
  }
  return out;
}

exporter::Expected<IpvsStats> ParseIpvsStats(std::string_view content) {
  // The totals are the third line; at least a fourth must follow, as procfs requires.
  std::string_view lines[3];
  std::string_view rest = content;
  for (auto& line : lines) {
    size_t end = rest.find('\n');
    if (end == std::string_view::npos) return Status::Error("ip_vs_stats corrupt: too short");
    line = rest.substr(0, end);
    rest.remove_prefix(end + 1);
  }
  auto fields = exporter::SplitFields(lines[2]);
  if (fields.size() != 5) return Status::Error("ip_vs_stats corrupt: unexpected number of fields");
  IpvsStats stats;
  uint64_t* out[] = {&stats.connections, &stats.incoming_packets, &stats.outgoing_packets, &stats.incoming_bytes,
                     &stats.outgoing_bytes};
  for (size_t i = 0; i < 5; ++i) {
    if (!ParseHex(fields[i], *out[i]))
      return Status::Error("ip_vs_stats: invalid value \"" + std::string(fields[i]) + "\"");
  }
  return stats;
}

exporter::Expected<std::vector<IpvsBackend>> ParseIpvsBackends(std::string_view content) {
  std::vector<IpvsBackend> backends;
  IpvsBackend service;  // the virtual service the "->" lines belong to
  Status status;
  ForEachLine(content, [&](std::string_view line) {
    if (!status.ok()) return;
    auto fields = exporter::SplitFields(line);
    if (fields.empty()) return;
    if (fields[0] == "IP" || fields[0] == "Prot" || (fields.size() > 1 && fields[1] == "RemoteAddress:Port")) return;
    if (fields[0] == "TCP" || fields[0] == "UDP") {
      if (fields.size() < 2) return;
      service.proto = std::string(fields[0]);
      service.local_mark.clear();
      status = ParseAddressPort(fields[1], service.local_address, service.local_port);
    } else if (fields[0] == "FWM") {
      if (fields.size() < 2) return;
      service.proto = "FWM";
      service.local_mark = std::string(fields[1]);
      service.local_address.clear();
      service.local_port = 0;
    } else if (fields[0] == "->") {
      if (fields.size() < 6) return;
      IpvsBackend backend = service;
      if (status = ParseAddressPort(fields[1], backend.remote_address, backend.remote_port); !status.ok()) return;
      auto weight = exporter::ParseUint(fields[3]);
      auto active = exporter::ParseUint(fields[4]);
      auto inactive = exporter::ParseUint(fields[5]);
      if (!weight || !active || !inactive) {
        status = Status::Error("ip_vs: invalid backend line \"" + std::string(line.substr(0, 120)) + "\"");
        return;
      }
      backend.weight = *weight;
      backend.active_connections = *active;
      backend.inactive_connections = *inactive;
      backends.push_back(std::move(backend));
    }
  });
  if (!status.ok()) return status;
  return backends;
}

}  // namespace node::parse
