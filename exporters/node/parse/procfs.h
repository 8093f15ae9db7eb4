#pragma once

// Pure parsers of /proc and /sys file formats. Each takes the file's content
// and returns the parsed values or the reason it could not; none touches the
// filesystem, so each is unit-tested on literal strings and fixtures.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "exporter/status.h"

namespace node::parse {

using exporter::Expected;

// Calls fn(line) for each line of s, without the trailing newline.
template <class Fn>
void ForEachLine(std::string_view s, Fn&& fn) {
  while (!s.empty()) {
    size_t end = s.find('\n');
    std::string_view line = s.substr(0, end);
    fn(line);
    if (end == std::string_view::npos) break;
    s.remove_prefix(end + 1);
  }
}

// The next blank-separated field of *s (consumed); empty at the end.
std::string_view NextField(std::string_view& s);

// /proc/loadavg: the 1, 5 and 15 minute averages.
Expected<std::array<double, 3>> ParseLoadavg(std::string_view content);

// /proc/meminfo: ("MemTotal_bytes", bytes) pairs, named as node_memory_* wants them
// ("Active(anon)" becomes "Active_anon"; "kB" values become *_bytes).
using NamedValues = std::vector<std::pair<std::string, double>>;
Expected<NamedValues> ParseMeminfo(std::string_view content);

// /proc/stat.
struct CpuTicks {
  int cpu = -1;  // -1: the aggregate "cpu" line
  // user nice system idle iowait irq softirq steal guest guest_nice
  std::array<uint64_t, 10> ticks{};
};
struct ProcStatInfo {
  std::vector<CpuTicks> cpus;  // per-CPU lines only
  std::optional<uint64_t> intr, ctxt, btime, processes, procs_running, procs_blocked;
  std::optional<uint64_t> softirq_total;
  std::vector<uint64_t> softirq;  // per vector
};
Expected<ProcStatInfo> ParseProcStat(std::string_view content);

// /proc/diskstats: one entry per device, with its 14, 18 or 20 counters.
struct DiskStatsLine {
  uint32_t major = 0, minor = 0;
  std::string name;
  std::vector<uint64_t> counters;
};
Expected<std::vector<DiskStatsLine>> ParseDiskstats(std::string_view content);

// udev's data file of a block device (/run/udev/data/b8:0): E:KEY=VALUE properties.
std::vector<std::pair<std::string, std::string>> ParseUdevProperties(std::string_view content);

// /proc/net/dev: per interface, named counters ("receive_bytes", "transmit_colls", ...).
struct NetDevLine {
  std::string name;
  std::vector<std::pair<const char*, uint64_t>> counters;  // names are static strings
};
Expected<std::vector<NetDevLine>> ParseNetDev(std::string_view content);

// /proc/net/netstat and /proc/net/snmp: header/value line pairs, returned as
// ("TcpExt_ListenDrops", "0"). Values stay text: the collector filters first.
Expected<std::vector<std::pair<std::string, std::string_view>>> ParseNetstat(std::string_view content);
// /proc/net/snmp6: "Ip6InReceives 12" lines, returned as ("Ip6_InReceives", "12").
Expected<std::vector<std::pair<std::string, std::string_view>>> ParseSnmp6(std::string_view content);

// "key value" lines (/proc/vmstat).
Expected<std::vector<std::pair<std::string_view, std::string_view>>> ParseKeyValueLines(std::string_view content);

// /proc/sys/fs/file-nr: allocated, unused, maximum.
Expected<std::array<uint64_t, 3>> ParseFileNr(std::string_view content);

// A file holding one unsigned integer (entropy_avail, nf_conntrack_count).
Expected<uint64_t> ParseSingleUint(std::string_view content);
// A file holding one signed integer, in base 10 or 0x hex (sysfs attributes).
Expected<int64_t> ParseSysfsInt(std::string_view content);

// /proc/net/sockstat{,6}: ("TCP_inuse", 5), ("sockets_used", 22), ...
Expected<std::vector<std::pair<std::string, double>>> ParseSockstat(std::string_view content);

// /proc/pressure/{cpu,io,memory}: the "total" microseconds of the some and full lines.
struct PressureTotals {
  std::optional<uint64_t> some_us, full_us;
};
Expected<PressureTotals> ParsePressure(std::string_view content);

// /proc/PID/mountinfo.
struct MountInfo {
  std::string mount_point;  // octal escapes decoded
  std::string fs_type;
  std::string source;
  bool read_only = false;   // per-mount options (the 6th field)
};
Expected<std::vector<MountInfo>> ParseMountinfo(std::string_view content);
// Decodes \040-style octal escapes of mountinfo fields.
std::string UnescapeMountField(std::string_view s);

// /proc/net/softnet_stat: per CPU (line index), processed, dropped, time_squeezed.
struct SoftnetLine {
  uint64_t processed = 0, dropped = 0, time_squeezed = 0;
};
Expected<std::vector<SoftnetLine>> ParseSoftnet(std::string_view content);

// /proc/net/udp{,6}: the sums of tx_queue and rx_queue over all sockets.
struct UdpQueues {
  uint64_t tx = 0, rx = 0;
};
Expected<UdpQueues> ParseUdpQueues(std::string_view content);

// /proc/net/arp: entries per device, in first-seen order.
Expected<std::vector<std::pair<std::string, uint64_t>>> ParseArp(std::string_view content);

// /proc/net/stat/nf_conntrack: the named columns summed over CPUs (hex values).
Expected<std::vector<std::pair<std::string, uint64_t>>> ParseConntrackStat(std::string_view content);

// os-release: KEY=value with shell-style quoting.
std::vector<std::pair<std::string, std::string>> ParseOsRelease(std::string_view content);
// The leading "12" or "22.04" of VERSION_ID as a number; nullopt when none.
std::optional<double> ParseOsVersion(std::string_view version_id);

// /sys/devices/system/clocksource/*/available_clocksource: names on one line.
std::vector<std::string> ParseWordList(std::string_view content);

}  // namespace node::parse
