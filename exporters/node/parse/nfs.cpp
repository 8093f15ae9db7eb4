#include "parse/nfs.h"

#include <string>

#include "exporter/strings.h"
#include "parse/procfs.h"

namespace node::parse {

using exporter::Status;

const std::array<const char*, 18> kNfsV2Procedures = {"Null", "GetAttr", "SetAttr", "Root",   "Lookup",  "ReadLink",
                                                      "Read", "WrCache", "Write",   "Create", "Remove",  "Rename",
                                                      "Link", "SymLink", "MkDir",   "RmDir",  "ReadDir", "FsStat"};

const std::array<const char*, 22> kNfsV3Procedures = {
    "Null",    "GetAttr",     "SetAttr", "Lookup", "Access",   "ReadLink", "Read",   "Write",
    "Create",  "MkDir",       "SymLink", "MkNod",  "Remove",   "RmDir",    "Rename", "Link",
    "ReadDir", "ReadDirPlus", "FsStat",  "FsInfo", "PathConf", "Commit"};

const std::array<const char*, 59> kNfsClientV4Procedures = {"Null",
                                                            "Read",
                                                            "Write",
                                                            "Commit",
                                                            "Open",
                                                            "OpenConfirm",
                                                            "OpenNoattr",
                                                            "OpenDowngrade",
                                                            "Close",
                                                            "Setattr",
                                                            "FsInfo",
                                                            "Renew",
                                                            "SetClientID",
                                                            "SetClientIDConfirm",
                                                            "Lock",
                                                            "Lockt",
                                                            "Locku",
                                                            "Access",
                                                            "Getattr",
                                                            "Lookup",
                                                            "LookupRoot",
                                                            "Remove",
                                                            "Rename",
                                                            "Link",
                                                            "Symlink",
                                                            "Create",
                                                            "Pathconf",
                                                            "StatFs",
                                                            "ReadLink",
                                                            "ReadDir",
                                                            "ServerCaps",
                                                            "DelegReturn",
                                                            "GetACL",
                                                            "SetACL",
                                                            "FsLocations",
                                                            "ReleaseLockowner",
                                                            "Secinfo",
                                                            "FsidPresent",
                                                            "ExchangeID",
                                                            "CreateSession",
                                                            "DestroySession",
                                                            "Sequence",
                                                            "GetLeaseTime",
                                                            "ReclaimComplete",
                                                            "LayoutGet",
                                                            "GetDeviceInfo",
                                                            "LayoutCommit",
                                                            "LayoutReturn",
                                                            "SecinfoNoName",
                                                            "TestStateID",
                                                            "FreeStateID",
                                                            "GetDeviceList",
                                                            "BindConnToSession",
                                                            "DestroyClientID",
                                                            "Seek",
                                                            "Allocate",
                                                            "DeAllocate",
                                                            "LayoutStats",
                                                            "Clone"};

const std::array<NfsV4Op, 33> kNfsServerV4Ops = {{
    {3, "Access"},    {4, "Close"},       {5, "Commit"},        {6, "Create"},   {7, "DelegPurge"}, {8, "DelegReturn"},
    {9, "GetAttr"},   {10, "GetFH"},      {11, "Link"},         {12, "Lock"},    {13, "Lockt"},     {14, "Locku"},
    {15, "Lookup"},   {16, "LookupRoot"}, {17, "Nverify"},      {18, "Open"},    {19, "OpenAttr"},  {20, "OpenConfirm"},
    {21, "OpenDgrd"}, {22, "PutFH"},      {25, "Read"},         {26, "ReadDir"}, {27, "ReadLink"},  {28, "Remove"},
    {29, "Rename"},   {30, "Renew"},      {31, "RestoreFH"},    {32, "SaveFH"},  {33, "SecInfo"},   {34, "SetAttr"},
    {35, "Verify"},   {36, "Write"},      {37, "RelLockOwner"},
}};

namespace {

struct RpcLine {
  std::string_view label;
  std::vector<uint64_t> values;
};

Status Invalid(std::string_view what, std::string_view line) {
  return Status::Error("invalid " + std::string(what) + " line \"" + std::string(line.substr(0, 160)) + "\"");
}

// "label v1 v2 ...": at least one value, all unsigned decimal. max_values
// limits how many are parsed (the server's "th" line ends in floats).
Status SplitRpcLine(std::string_view line, std::string_view what, RpcLine& out, size_t max_values = SIZE_MAX) {
  std::string_view rest = line;
  out.label = NextField(rest);
  out.values.clear();
  for (std::string_view field = NextField(rest); !field.empty(); field = NextField(rest)) {
    if (out.values.size() == max_values) break;
    auto value = exporter::ParseUint(field);
    if (!value) return Invalid(what, line);
    out.values.push_back(*value);
  }
  if (out.values.empty()) return Invalid(what, line);
  return {};
}

template <size_t N>
Status Fixed(const RpcLine& line, std::string_view text, std::array<uint64_t*, N> fields) {
  if (line.values.size() != N) return Invalid(line.label, text);
  for (size_t i = 0; i < N; ++i) *fields[i] = line.values[i];
  return {};
}

// "procN count v1 .. vcount": the count must match, and cover at least min values.
template <size_t N>
Status Procedures(const RpcLine& line, std::string_view text, size_t min, std::array<uint64_t, N>& out) {
  uint64_t count = line.values[0];
  if (line.values.size() - 1 != count || count < min) return Invalid(line.label, text);
  out.fill(0);
  for (size_t i = 0; i < N && i + 1 < line.values.size(); ++i) out[i] = line.values[i + 1];
  return {};
}

}  // namespace

exporter::Expected<NfsClientStats> ParseNfsClientStats(std::string_view content) {
  NfsClientStats stats;
  RpcLine line;
  Status status;
  ForEachLine(content, [&](std::string_view text) {
    if (!status.ok()) return;
    if (auto split = SplitRpcLine(text, "NFS metric", line); !split) {
      status = split;
      return;
    }
    auto& net = stats.network;
    if (line.label == "net") {
      status = Fixed<4>(line, text, {&net.net_count, &net.udp_count, &net.tcp_count, &net.tcp_connect});
    } else if (line.label == "rpc") {
      status = Fixed<3>(line, text, {&stats.rpc_count, &stats.retransmissions, &stats.auth_refreshes});
    } else if (line.label == "proc2") {
      status = Procedures(line, text, 18, stats.v2);
    } else if (line.label == "proc3") {
      status = Procedures(line, text, 22, stats.v3);
    } else if (line.label == "proc4") {
      status = Procedures(line, text, 0, stats.v4);
    } else {
      status = Status::Error("unknown NFS metric line \"" + std::string(line.label) + "\"");
    }
  });
  if (!status.ok()) return status;
  return stats;
}

exporter::Expected<NfsServerStats> ParseNfsServerStats(std::string_view content) {
  NfsServerStats stats;
  RpcLine line;
  Status status;
  uint64_t unused = 0;
  ForEachLine(content, [&](std::string_view text) {
    if (!status.ok()) return;
    std::string_view rest = text;
    // "th" carries the thread count and the times all were busy, then a histogram of floats.
    bool threads = NextField(rest) == "th";
    if (auto split = SplitRpcLine(text, "NFSd metric", line, threads ? 2 : SIZE_MAX); !split) {
      status = split;
      return;
    }
    auto& net = stats.network;
    if (line.label == "rc") {
      status = Fixed<3>(line, text, {&stats.reply_cache_hits, &stats.reply_cache_misses, &stats.reply_cache_nocache});
    } else if (line.label == "fh") {
      status = Fixed<5>(line, text, {&stats.file_handles_stale, &unused, &unused, &unused, &unused});
    } else if (line.label == "io") {
      status = Fixed<2>(line, text, {&stats.io_read, &stats.io_write});
    } else if (threads) {
      status = Fixed<2>(line, text, {&stats.threads, &unused});
    } else if (line.label == "ra") {
      if (line.values.size() != 12) {
        status = Invalid(line.label, text);
        return;
      }
      stats.read_ahead_cache_size = line.values[0];
      stats.read_ahead_not_found = line.values[11];
    } else if (line.label == "net") {
      status = Fixed<4>(line, text, {&net.net_count, &net.udp_count, &net.tcp_count, &net.tcp_connect});
    } else if (line.label == "rpc") {
      status = Fixed<5>(line, text,
                        {&stats.rpc_count, &unused, &stats.rpc_bad_fmt, &stats.rpc_bad_auth, &stats.rpc_bad_client});
    } else if (line.label == "proc2") {
      status = Procedures(line, text, 18, stats.v2);
    } else if (line.label == "proc3") {
      status = Procedures(line, text, 22, stats.v3);
    } else if (line.label == "proc4") {
      // Null and Compound calls: checked but not reported, as node_exporter does.
      if (line.values[0] != 2 || line.values.size() != 3) status = Invalid(line.label, text);
    } else if (line.label == "proc4ops") {
      uint64_t count = line.values[0];
      if (line.values.size() - 1 != count || count < 39) {
        status = Invalid(line.label, text);
        return;
      }
      stats.v4_ops.assign(line.values.begin() + 1, line.values.end());
    } else {
      status = Status::Error("unknown NFSd metric line \"" + std::string(line.label) + "\"");
    }
  });
  if (!status.ok()) return status;
  return stats;
}

}  // namespace node::parse
