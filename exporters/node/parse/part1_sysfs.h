#pragma once

// Pure parsers for the hardware collectors (hwmon, thermal_zone, cpufreq,
// powersupplyclass, rapl, schedstat, edac, bonding, mdadm): /sys and /proc
// formats, and the name/unit rules node_exporter 1.5 applies to them. None
// touches the filesystem.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "exporter/status.h"

namespace node::parse {

using exporter::Expected;

// --- hwmon ---------------------------------------------------------------

// node_exporter's cleanMetricName: lower case, every character outside
// [a-z0-9:_] replaced by "_", leading and trailing "_" trimmed.
std::string CleanHwmonName(std::string_view name);

// A sensor file name split as <type><id>_<property> ("temp1_crit_alarm" ->
// "temp", 1, "crit_alarm"; "update_interval" -> "update_interval", 0, "").
struct HwmonSensorFile {
  std::string type;
  int id = 0;
  std::string property;
};
std::optional<HwmonSensorFile> ExplodeHwmonSensorFile(std::string_view file_name);

// Whether type is one of the sensor types node_exporter reads.
bool IsHwmonSensorType(std::string_view type);

// The chip label of a hwmon directory from its resolved device path
// ("/sys/devices/platform/coretemp.0" -> "platform_coretemp_0"); empty when
// the path gives no usable name.
std::string HwmonChipFromDevicePath(std::string_view device_path);

// One sample of a sensor element: its family, help, type and scaled value.
struct HwmonSample {
  std::string name;
  std::string help;
  bool counter = false;
  double value = 0;
};
// The sample for element (the property; "" for the bare file) of a sensor of
// sensor_type, with raw the file's content without newlines. has_bare tells
// whether the sensor also has a bare file (then "input" keeps its suffix).
// nullopt when raw is not a number, or for "label" and the special types
// (beep_enable, vrm, update_interval) that HwmonSpecialSample handles.
std::optional<HwmonSample> HwmonElementSample(std::string_view sensor_type, std::string_view element,
                                              std::string_view raw, bool has_bare);
// The one sample of the beep_enable, vrm and update_interval "sensors" from
// their bare file (bare = nullopt when it is absent); nullopt when sensor_type
// is none of them or the value is unusable.
std::optional<HwmonSample> HwmonSpecialSample(std::string_view sensor_type, const std::optional<std::string>& bare);
bool IsHwmonSpecialType(std::string_view sensor_type);

// --- generic sysfs values -------------------------------------------------

// Go's strconv.ParseInt(s, 0, 64) on the trimmed content: decimal, 0x hex,
// 0o/0 octal, 0b binary, optional sign.
Expected<int64_t> ParseGoInt64(std::string_view content);
// strconv.ParseUint(strings.TrimSpace(s), 10, 64).
Expected<uint64_t> ParseDecimalUint(std::string_view content);
// strconv.ParseInt(strings.TrimSpace(s), 10, 64).
Expected<int64_t> ParseDecimalInt(std::string_view content);

// --- power_supply -----------------------------------------------------------

// How node_exporter exports a /sys/class/power_supply/<name>/<file>.
struct PowerSupplyAttribute {
  const char* file;
  const char* metric;  // node_power_supply_<metric>; nullptr: an info label
  double divisor;      // value / divisor
};
// The attribute for file, or nullptr when node_exporter ignores the file.
const PowerSupplyAttribute* FindPowerSupplyAttribute(std::string_view file);

// --- rapl --------------------------------------------------------------------

// A powercap zone name: "package-0" -> ("package", 0); "dram" -> ("dram", nullopt:
// numbered by how often the name was seen). An error for "package-x".
struct RaplName {
  std::string name;
  std::optional<int> index;
};
Expected<RaplName> ParseRaplName(std::string_view content);

// --- schedstat ---------------------------------------------------------------

struct SchedstatCpu {
  std::string cpu;
  uint64_t running_ns = 0, waiting_ns = 0, timeslices = 0;
};
// /proc/schedstat: the cpuN lines (other lines, and cpu lines that do not hold
// nine numbers, are skipped as node_exporter skips them).
std::vector<SchedstatCpu> ParseSchedstat(std::string_view content);

// --- mdstat ------------------------------------------------------------------

struct MdStat {
  std::string name;
  std::string state;  // "active", "inactive", "recovering", "resyncing", "checking", ...
  int64_t disks_active = 0, disks_total = 0, disks_failed = 0, disks_spare = 0;
  int64_t blocks_total = 0, blocks_synced = 0;
};
// /proc/mdstat, with the semantics (and the errors) of node_exporter 1.5's procfs.
Expected<std::vector<MdStat>> ParseMdstat(std::string_view content);

}  // namespace node::parse
