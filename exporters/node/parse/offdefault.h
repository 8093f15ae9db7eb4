#pragma once

// Pure parsers for node_exporter's off-by-default collectors (interrupts,
// meminfo_numa, ksmd, tcpstat, processes, mountstats): /proc and /sys formats and the
// netlink sock_diag answer, with the rules node_exporter 1.5 applies to them.
// None touches the filesystem or a socket. ksmd's and processes' one-number
// files go through ParseSingleUint (procfs.h).

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "exporter/status.h"

namespace node::parse {

using exporter::Expected;

// --- interrupts (/proc/interrupts) -----------------------------------------

// One row: "type" is the name before ':' ("24", "LOC"); for a numbered
// interrupt info is the chip and devices the rest joined by single spaces,
// otherwise info is the whole description and devices is empty. One value
// per CPU column of the header.
struct Interrupt {
  std::string type;
  std::string info;
  std::string devices;
  std::vector<double> per_cpu;
};
// Rows with no description (ERR, MIS) are skipped; a repeated name keeps the
// last row, in the place of the first. An empty file or a non-numeric count
// is an error.
Expected<std::vector<Interrupt>> ParseInterrupts(std::string_view text);

// --- meminfo_numa (/sys/devices/system/node/nodeN/{meminfo,numastat}) ------

struct NumaValue {
  std::string name;  // "Active_anon" for "Active(anon):"
  std::string node;  // from the "Node N" prefix of the line
  double value = 0;  // bytes for kB lines
};
// "Node 0 MemTotal:  14379220 kB" lines; blank lines are skipped.
Expected<std::vector<NumaValue>> ParseNodeMeminfo(std::string_view text);
// "numa_hit 616816703" lines, in file order.
Expected<std::vector<std::pair<std::string, double>>> ParseNumastat(std::string_view text);
// The N of a ".../devices/system/node/nodeN" directory (digits only, possibly
// empty, as node_exporter's regexp takes them); false when the path does not
// have that shape.
bool NumaNodeNumber(std::string_view node_dir, std::string& number);

// --- tcpstat (NETLINK_SOCK_DIAG answer) ------------------------------------

// Counts by TCP state (1 = established ... 11 = closing, as the kernel numbers
// them) and the summed receive/send queues of the sockets.
struct TcpStats {
  std::map<int, double> by_state;
  double rx_queued = 0;
  double tx_queued = 0;
  uint64_t sockets = 0;
};
// Adds the inet_diag_msg records of one recv() buffer of a sock_diag dump to
// stats. Returns true once NLMSG_DONE is seen, false when more is to come; an
// NLMSG_ERROR or a truncated message is an error.
Expected<bool> AddInetDiagMessages(std::string_view buffer, TcpStats& stats);
// node_exporter's name of a TCP state ("established", ... "closing"; "unknown"
// for anything else).
std::string_view TcpStateName(int state);

// --- processes (/proc/PID/stat) --------------------------------------------

struct ProcessState {
  std::string state;  // "S", "R", ...
  int64_t num_threads = 0;
};
// /proc/PID/stat as procfs reads it: comm in parentheses, then at least the
// fields up to delayacct_blkio_ticks.
Expected<ProcessState> ParseProcessState(std::string_view text);
// Whether a /proc directory entry is a PID as procfs' AllProcs takes it.
bool IsPidName(std::string_view name);

// --- mountstats (/proc/self/mountstats, /proc/self/mountinfo) --------------

struct NfsOperationStats {
  std::string name;  // "READ"
  uint64_t requests = 0, transmissions = 0, major_timeouts = 0, bytes_sent = 0, bytes_received = 0;
  uint64_t queue_ms = 0, response_ms = 0, request_ms = 0;
};
// The xprt line; UDP's missing connect fields are zeros, so the fields line up with TCP's.
struct NfsTransportStats {
  std::string protocol;
  uint64_t port = 0, bind = 0, connect = 0, connect_idle_time = 0, idle_time_seconds = 0, sends = 0, receives = 0,
           bad_transaction_ids = 0, cumulative_active_requests = 0, cumulative_backlog = 0, maximum_rpc_slots = 0,
           cumulative_sending_queue = 0, cumulative_pending_queue = 0;
};
struct NfsMountStats {
  double age_seconds = 0;
  // read, write, direct read, direct write, read total, write total, read pages, write pages.
  std::vector<uint64_t> bytes = std::vector<uint64_t>(8);
  // The 27 counters of the "events:" line, in the kernel's order.
  std::vector<uint64_t> events = std::vector<uint64_t>(27);
  NfsTransportStats transport;
  std::vector<NfsOperationStats> operations;
};
struct MountStatsEntry {
  std::string device;
  std::string mount_point;
  std::string fstype;
  bool has_nfs_stats = false;  // an nfs/nfs4 mount with statvers=
  NfsMountStats nfs;
};
// As procfs 0.8 reads the file: "device" lines start entries; an NFS entry
// with statvers= is followed by its statistics up to a blank line.
Expected<std::vector<MountStatsEntry>> ParseMountStats(std::string_view text);
// The "addr" super option of each /proc/PID/mountinfo line ("" when absent), in
// file order; a line that is not a mountinfo line is an error.
Expected<std::vector<std::string>> ParseMountInfoAddresses(std::string_view text);

}  // namespace node::parse
