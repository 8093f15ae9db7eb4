#pragma once

// Pure parsers of the kernel's IPVS tables: /proc/net/ip_vs_stats and
// /proc/net/ip_vs, as prometheus/procfs parses them for node_exporter 1.5.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "exporter/status.h"

namespace node::parse {

// ip_vs_stats: the totals line (hexadecimal) under the two header lines.
struct IpvsStats {
  uint64_t connections = 0, incoming_packets = 0, outgoing_packets = 0, incoming_bytes = 0, outgoing_bytes = 0;
};
exporter::Expected<IpvsStats> ParseIpvsStats(std::string_view content);

// ip_vs: one entry per real server ("->" line) under its virtual service.
struct IpvsBackend {
  std::string local_address;  // "" for a firewall-mark service
  uint16_t local_port = 0;
  std::string local_mark;  // the FWM service's mark, as written
  std::string proto;       // TCP, UDP or FWM
  std::string remote_address;
  uint16_t remote_port = 0;
  uint64_t weight = 0, active_connections = 0, inactive_connections = 0;
};
exporter::Expected<std::vector<IpvsBackend>> ParseIpvsBackends(std::string_view content);

// An address as Go's net.IP prints it: dotted IPv4 (also for IPv4-mapped
// IPv6), otherwise RFC 5952 ("2620::1").
std::string FormatIpvsAddress(const uint8_t* bytes, size_t size);

}  // namespace node::parse
