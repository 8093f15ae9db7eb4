#pragma once

// Pure parsers of the kernel's NFS RPC statistics: /proc/net/rpc/nfs (client)
// and /proc/net/rpc/nfsd (server). Field layouts and the checks on them follow
// the prometheus/procfs nfs package node_exporter 1.5 uses, so a file either
// reference rejects is rejected here too.

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "exporter/status.h"

namespace node::parse {

// The "net" line: packets in total, over UDP, over TCP, and TCP connections.
struct NfsNetwork {
  uint64_t net_count = 0, udp_count = 0, tcp_count = 0, tcp_connect = 0;
};

// Procedure names of the "proc2", "proc3" and client "proc4" lines, in the
// kernel's order (the label values node_exporter uses).
extern const std::array<const char*, 18> kNfsV2Procedures;
extern const std::array<const char*, 22> kNfsV3Procedures;
extern const std::array<const char*, 59> kNfsClientV4Procedures;

struct NfsClientStats {
  NfsNetwork network;
  uint64_t rpc_count = 0, retransmissions = 0, auth_refreshes = 0;
  std::array<uint64_t, 18> v2{};
  std::array<uint64_t, 22> v3{};
  std::array<uint64_t, 59> v4{};  // shorter lines of older kernels leave zeros
};
exporter::Expected<NfsClientStats> ParseNfsClientStats(std::string_view content);

struct NfsServerStats {
  uint64_t reply_cache_hits = 0, reply_cache_misses = 0, reply_cache_nocache = 0;
  uint64_t file_handles_stale = 0;
  uint64_t io_read = 0, io_write = 0;
  uint64_t threads = 0;
  uint64_t read_ahead_cache_size = 0, read_ahead_not_found = 0;
  NfsNetwork network;
  uint64_t rpc_count = 0, rpc_bad_fmt = 0, rpc_bad_auth = 0, rpc_bad_client = 0;
  std::array<uint64_t, 18> v2{};
  std::array<uint64_t, 22> v3{};
  // "proc4ops": the per-operation counters, op 0 first (at least 39 of them).
  std::vector<uint64_t> v4_ops;
};
exporter::Expected<NfsServerStats> ParseNfsServerStats(std::string_view content);

// The NFSv4 server operations node_exporter reports: (index in v4_ops, name).
struct NfsV4Op {
  size_t index;
  const char* name;
};
extern const std::array<NfsV4Op, 33> kNfsServerV4Ops;

}  // namespace node::parse
