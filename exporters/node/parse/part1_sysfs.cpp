#include "parse/part1_sysfs.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>

#include "exporter/strings.h"
#include "parse/procfs.h"

namespace node::parse {

using exporter::Status;

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string Quote(std::string_view s) { return "\"" + std::string(s.substr(0, 80)) + "\""; }

}  // namespace

// --- hwmon ---------------------------------------------------------------

std::string CleanHwmonName(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (size_t i = 0; i < name.size(); ++i) {
    auto c = static_cast<unsigned char>(name[i]);
    if (c >= 0x80) {
      // One "_" per UTF-8 character, as Go's regexp replaces runes.
      if ((c & 0xC0) != 0x80) out.push_back('_');
      continue;
    }
    c = static_cast<unsigned char>(std::tolower(c));
    bool valid = (c >= 'a' && c <= 'z') || IsDigit(static_cast<char>(c)) || c == ':' || c == '_';
    out.push_back(valid ? static_cast<char>(c) : '_');
  }
  size_t begin = out.find_first_not_of('_');
  if (begin == std::string::npos) return "";
  size_t end = out.find_last_not_of('_');
  return out.substr(begin, end - begin + 1);
}

// The semantics of ^([^0-9]+)([0-9]*)?(_(.+))?$ under Go's leftmost-first
// matching: the longest non-digit prefix first; failing that, a shorter type
// ending right before a "_".
std::optional<HwmonSensorFile> ExplodeHwmonSensorFile(std::string_view s) {
  size_t type_end = 0;
  while (type_end < s.size() && !IsDigit(s[type_end])) ++type_end;
  if (type_end == 0) return std::nullopt;
  size_t id_end = type_end;
  while (id_end < s.size() && IsDigit(s[id_end])) ++id_end;
  std::string_view id = s.substr(type_end, id_end - type_end);
  std::optional<std::string_view> property;
  if (id_end == s.size()) {
    property = "";
  } else if (s[id_end] == '_' && id_end + 1 < s.size()) {
    property = s.substr(id_end + 1);
  }
  if (!property) {
    // Backtrack: type = s[0, p) with s[p] == '_' and something after it.
    id = "";
    for (size_t p = std::min(type_end, s.size()) - 1; p > 0; --p) {
      if (s[p] == '_' && p + 1 < s.size()) {
        type_end = p;
        property = s.substr(p + 1);
        break;
      }
    }
    if (!property) return std::nullopt;
  }
  HwmonSensorFile file;
  file.type = std::string(s.substr(0, type_end));
  file.property = std::string(*property);
  if (!id.empty()) {
    int value = 0;
    auto [ptr, ec] = std::from_chars(id.data(), id.data() + id.size(), value);
    if (ec != std::errc() || ptr != id.data() + id.size()) return std::nullopt;
    file.id = value;
  }
  return file;
}

bool IsHwmonSensorType(std::string_view type) {
  static constexpr std::string_view kTypes[] = {
      "vrm",  "beep_enable", "update_interval", "in",     "cpu",      "fan",      "pwm",
      "temp", "curr",        "power",           "energy", "humidity", "intrusion"};
  return std::find(std::begin(kTypes), std::end(kTypes), type) != std::end(kTypes);
}

std::string HwmonChipFromDevicePath(std::string_view path) {
  size_t slash = path.rfind('/');
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  std::string_view prefix = slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
  while (!prefix.empty() && prefix.back() == '/') prefix.remove_suffix(1);
  size_t type_slash = prefix.rfind('/');
  std::string_view type = type_slash == std::string_view::npos ? prefix : prefix.substr(type_slash + 1);
  std::string clean_name = CleanHwmonName(name);
  std::string clean_type = CleanHwmonName(type);
  if (!clean_type.empty() && !clean_name.empty()) return clean_type + "_" + clean_name;
  return clean_name;
}

bool IsHwmonSpecialType(std::string_view sensor_type) {
  return sensor_type == "beep_enable" || sensor_type == "vrm" || sensor_type == "update_interval";
}

std::optional<HwmonSample> HwmonSpecialSample(std::string_view sensor_type, const std::optional<std::string>& bare) {
  if (sensor_type == "beep_enable") {
    return HwmonSample{"node_hwmon_beep_enabled", "Hardware beep enabled", false, bare && *bare == "1" ? 1.0 : 0.0};
  }
  if (sensor_type != "vrm" && sensor_type != "update_interval") return std::nullopt;
  auto value = exporter::ParseDouble(bare ? std::string_view(*bare) : std::string_view());
  if (!value) return std::nullopt;
  if (sensor_type == "vrm")
    return HwmonSample{"node_hwmon_voltage_regulator_version", "Hardware voltage regulator", false, *value};
  return HwmonSample{"node_hwmon_update_interval_seconds", "Hardware monitor update interval", false, *value * 0.001};
}

std::optional<HwmonSample> HwmonElementSample(std::string_view sensor_type, std::string_view element,
                                              std::string_view raw, bool has_bare) {
  if (element == "label" || IsHwmonSpecialType(sensor_type)) return std::nullopt;
  auto parsed = exporter::ParseDouble(raw);
  if (!parsed) return std::nullopt;
  double v = *parsed;
  std::string name = "node_hwmon_" + std::string(sensor_type);
  if (element == "input") {
    if (has_bare) name += "_input";
  } else if (!element.empty()) {
    name += "_" + CleanHwmonName(element);
  }
  std::string type(sensor_type), el(element);
  auto sample = [&](std::string suffix, std::string help, double value, bool counter = false) {
    return HwmonSample{name + suffix, std::move(help), counter, value};
  };
  if (element == "fault" || element == "alarm")
    return sample("", "Hardware sensor " + el + " status (" + type + ")", v);
  if (element == "beep") return sample("_enabled", "Hardware monitor sensor has beeping enabled", v);
  if (type == "in" || type == "cpu") return sample("_volts", "Hardware monitor for voltage (" + el + ")", v * 0.001);
  if (type == "temp" && element != "type") {
    return sample("_celsius", "Hardware monitor for temperature (" + el + ")", v * 0.001);
  }
  if (type == "curr") return sample("_amps", "Hardware monitor for current (" + el + ")", v * 0.001);
  if (type == "energy") {
    return sample("_joule_total", "Hardware monitor for joules used so far (" + el + ")", v / 1000000.0, true);
  }
  if (type == "power" && element == "accuracy") {
    return sample("", "Hardware monitor power meter accuracy, as a ratio", v / 1000000.0);
  }
  if (type == "power" &&
      (element == "average_interval" || element == "average_interval_min" || element == "average_interval_max")) {
    return sample("_seconds", "Hardware monitor power usage update interval (" + el + ")", v * 0.001);
  }
  if (type == "power") return sample("_watt", "Hardware monitor for power usage in watts (" + el + ")", v / 1000000.0);
  if (type == "humidity") {
    return sample("",
                  "Hardware monitor for humidity, as a ratio (multiply with 100.0 to get the humidity as a "
                  "percentage) (" +
                      el + ")",
                  v / 1000000.0);
  }
  if (type == "fan" && (element == "input" || element == "min" || element == "max" || element == "target")) {
    return sample("_rpm", "Hardware monitor for fan revolutions per minute (" + el + ")", v);
  }
  return sample("", "Hardware monitor " + type + " element " + el, v);
}

// --- generic sysfs values -------------------------------------------------

Expected<int64_t> ParseGoInt64(std::string_view content) {
  std::string_view s = exporter::Trim(content);
  std::string_view digits = s;
  bool negative = false;
  if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) {
    negative = digits[0] == '-';
    digits.remove_prefix(1);
  }
  int base = 10;
  if (digits.size() > 1 && digits[0] == '0') {
    char p = static_cast<char>(std::tolower(static_cast<unsigned char>(digits[1])));
    if (p == 'x' || p == 'b' || p == 'o') {
      base = p == 'x' ? 16 : p == 'b' ? 2 : 8;
      digits.remove_prefix(2);
    } else {
      base = 8;
      digits.remove_prefix(1);
    }
  }
  uint64_t magnitude = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude, base);
  if (digits.empty() || ec != std::errc() || ptr != digits.data() + digits.size() ||
      magnitude > (negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1)) {
    return Status::Error("invalid integer " + Quote(s));
  }
  return negative ? static_cast<int64_t>(0 - magnitude) : static_cast<int64_t>(magnitude);
}

Expected<uint64_t> ParseDecimalUint(std::string_view content) {
  std::string_view s = exporter::Trim(content);
  auto value = exporter::ParseUint(s);
  if (!value) return Status::Error("invalid unsigned integer " + Quote(s));
  return *value;
}

Expected<int64_t> ParseDecimalInt(std::string_view content) {
  std::string_view s = exporter::Trim(content);
  std::string_view digits = s;
  if (!digits.empty() && digits[0] == '+') digits.remove_prefix(1);
  std::optional<int64_t> value;
  if (!digits.empty() && digits[0] != '+' && (digits[0] != '-' || s[0] != '+')) value = exporter::ParseInt(digits);
  if (!value) return Status::Error("invalid integer " + Quote(s));
  return *value;
}

// --- power_supply -----------------------------------------------------------

namespace {
constexpr double kMicro = 1e6;
constexpr PowerSupplyAttribute kPowerSupplyAttributes[] = {
    {"authentic", "authentic", 1},
    {"calibrate", "calibrate", 1},
    {"capacity", "capacity", 1},
    {"capacity_alert_max", "capacity_alert_max", 1},
    {"capacity_alert_min", "capacity_alert_min", 1},
    {"capacity_level", nullptr, 0},
    {"charge_control_limit", "charge_control_limit", kMicro},
    {"charge_control_limit_max", "charge_control_limit_max", kMicro},
    {"charge_counter", "charge_counter", kMicro},
    {"charge_empty", "charge_empty", kMicro},
    {"charge_empty_design", "charge_empty_design", kMicro},
    {"charge_full", "charge_full", kMicro},
    {"charge_full_design", "charge_full_design", kMicro},
    {"charge_now", "charge_ampere", kMicro},
    {"charge_term_current", "charge_term_current", kMicro},
    {"charge_type", nullptr, 0},
    {"constant_charge_current", "constant_charge_current", kMicro},
    {"constant_charge_current_max", "constant_charge_current_max", kMicro},
    {"constant_charge_voltage", "constant_charge_voltage", kMicro},
    {"constant_charge_voltage_max", "constant_charge_voltage_max", kMicro},
    {"current_boot", "current_boot", kMicro},
    {"current_max", "current_max", kMicro},
    {"current_now", "current_ampere", kMicro},
    {"cycle_count", "cyclecount", 1},
    {"energy_empty", "energy_empty", kMicro},
    {"energy_empty_design", "energy_empty_design", kMicro},
    {"energy_full", "energy_full", kMicro},
    {"energy_full_design", "energy_full_design", kMicro},
    {"energy_now", "energy_watthour", kMicro},
    {"health", nullptr, 0},
    {"input_current_limit", "input_current_limit", kMicro},
    {"manufacturer", nullptr, 0},
    {"model_name", nullptr, 0},
    {"online", "online", 1},
    {"power_now", "power_watt", kMicro},
    {"precharge_current", "precharge_current", kMicro},
    {"present", "present", 1},
    {"scope", nullptr, 0},
    {"serial_number", nullptr, 0},
    {"status", nullptr, 0},
    {"technology", nullptr, 0},
    {"temp", "temp_celsius", 10},
    {"temp_alert_max", "temp_alert_max_celsius", 10},
    {"temp_alert_min", "temp_alert_min_celsius", 10},
    {"temp_ambient", "temp_ambient_celsius", 10},
    {"temp_ambient_max", "temp_ambient_max_celsius", 10},
    {"temp_ambient_min", "temp_ambient_min_celsius", 10},
    {"temp_max", "temp_max_celsius", 10},
    {"temp_min", "temp_min_celsius", 10},
    {"time_to_empty_now", "time_to_empty_seconds", 1},
    {"time_to_full_now", "time_to_full_seconds", 1},
    {"type", nullptr, 0},
    {"usb_type", nullptr, 0},
    {"voltage_boot", "voltage_boot", kMicro},
    {"voltage_max", "voltage_max", kMicro},
    {"voltage_max_design", "voltage_max_design", kMicro},
    {"voltage_min", "voltage_min", kMicro},
    {"voltage_min_design", "voltage_min_design", kMicro},
    {"voltage_now", "voltage_volt", kMicro},
    {"voltage_ocv", "voltage_ocv", kMicro},
    // Parsed (so malformed content fails as in node_exporter) but not exported.
    {"charge_avg", "", 0},
    {"current_avg", "", 0},
    {"energy_avg", "", 0},
    {"power_avg", "", 0},
    {"time_to_empty_avg", "", 0},
    {"time_to_full_avg", "", 0},
    {"voltage_avg", "", 0},
};
}  // namespace

const PowerSupplyAttribute* FindPowerSupplyAttribute(std::string_view file) {
  for (const auto& attribute : kPowerSupplyAttributes) {
    if (file == attribute.file) return &attribute;
  }
  return nullptr;
}

// --- rapl --------------------------------------------------------------------

Expected<RaplName> ParseRaplName(std::string_view content) {
  std::string_view name = exporter::Trim(content);
  auto parts = exporter::Split(name, '-');
  if (parts.size() == 2) {
    std::string_view digits = parts[1];
    if (!digits.empty() && digits[0] == '+') digits.remove_prefix(1);
    auto index = exporter::ParseInt(digits);
    if (!index || *index < INT32_MIN || *index > INT32_MAX) {
      return Status::Error("invalid index in RAPL zone name " + Quote(name));
    }
    return RaplName{std::string(parts[0]), static_cast<int>(*index)};
  }
  return RaplName{std::string(name), std::nullopt};
}

// --- schedstat ---------------------------------------------------------------

namespace {
// Digits at s[*pos] (at least one), advancing *pos.
bool TakeDigits(std::string_view s, size_t* pos, std::string_view* out) {
  size_t start = *pos;
  while (*pos < s.size() && IsDigit(s[*pos])) ++*pos;
  *out = s.substr(start, *pos - start);
  return *pos > start;
}
}  // namespace

// node_exporter matches `cpu(\d+) (\d+) ... (\d+)` (ten numbers) anywhere in a line.
std::vector<SchedstatCpu> ParseSchedstat(std::string_view content) {
  std::vector<SchedstatCpu> cpus;
  ForEachLine(content, [&](std::string_view line) {
    for (size_t at = line.find("cpu"); at != std::string_view::npos; at = line.find("cpu", at + 1)) {
      size_t pos = at + 3;
      std::string_view fields[10];
      bool matched = TakeDigits(line, &pos, &fields[0]);
      for (int i = 1; matched && i < 10; ++i) {
        matched = pos < line.size() && line[pos] == ' ' && (++pos, TakeDigits(line, &pos, &fields[i]));
      }
      if (!matched) continue;
      auto running = exporter::ParseUint(fields[7]);
      auto waiting = exporter::ParseUint(fields[8]);
      auto slices = exporter::ParseUint(fields[9]);
      if (running && waiting && slices) cpus.push_back({std::string(fields[0]), *running, *waiting, *slices});
      return;
    }
  });
  return cpus;
}

// --- mdstat ------------------------------------------------------------------

namespace {

size_t Count(std::string_view s, std::string_view what) {
  size_t n = 0;
  for (size_t at = s.find(what); at != std::string_view::npos; at = s.find(what, at + what.size())) ++n;
  return n;
}

// `prefix(.+)X` with Go's leftmost-first, greedy semantics, where X is a
// character accepted by is_end: for the leftmost prefix that has an X at least
// one character after it, the text up to the last such X.
template <class IsEnd>
std::optional<std::string_view> GreedyCapture(std::string_view line, std::string_view prefix, IsEnd is_end) {
  for (size_t at = line.find(prefix); at != std::string_view::npos; at = line.find(prefix, at + 1)) {
    size_t begin = at + prefix.size();
    for (size_t end = line.size(); end > begin + 1; --end) {
      if (is_end(line[end - 1])) return line.substr(begin, end - 1 - begin);
    }
  }
  return std::nullopt;
}

// `\((\d+)/\d+\)`: the first "(N/M)".
std::optional<std::string_view> SyncedBlocks(std::string_view line) {
  for (size_t at = line.find('('); at != std::string_view::npos; at = line.find('(', at + 1)) {
    size_t pos = at + 1;
    std::string_view synced, total;
    if (!TakeDigits(line, &pos, &synced) || pos >= line.size() || line[pos] != '/') continue;
    ++pos;
    if (!TakeDigits(line, &pos, &total) || pos >= line.size() || line[pos] != ')') continue;
    return synced;
  }
  return std::nullopt;
}

// `(\d+) blocks .*\[(\d+)/(\d+)\] \[([U_]+)\]`: total and active from the
// last "[N/M] [UU_]" after "<digits> blocks ".
std::optional<std::pair<std::string_view, std::string_view>> StatusCounts(std::string_view line) {
  size_t blocks = std::string_view::npos;
  for (size_t at = line.find(" blocks "); at != std::string_view::npos; at = line.find(" blocks ", at + 1)) {
    if (at > 0 && IsDigit(line[at - 1])) {
      blocks = at + 8;
      break;
    }
  }
  if (blocks == std::string_view::npos) return std::nullopt;
  std::optional<std::pair<std::string_view, std::string_view>> found;
  for (size_t at = line.find('[', blocks); at != std::string_view::npos; at = line.find('[', at + 1)) {
    size_t pos = at + 1;
    std::string_view total, active;
    if (!TakeDigits(line, &pos, &total) || pos >= line.size() || line[pos] != '/') continue;
    ++pos;
    if (!TakeDigits(line, &pos, &active) || line.substr(pos, 3) != "] [") continue;
    pos += 3;
    size_t flags = pos;
    while (pos < line.size() && (line[pos] == 'U' || line[pos] == '_')) ++pos;
    if (pos == flags || pos >= line.size() || line[pos] != ']') continue;
    found = std::pair{total, active};
  }
  return found;
}

Status StatusLine(std::string_view device_line, std::string_view status_line, MdStat& md) {
  auto fields = exporter::SplitFields(status_line);
  if (fields.empty()) return Status::Error("unexpected statusLine " + Quote(status_line));
  auto size = exporter::ParseInt(fields[0]);
  if (!size) return Status::Error("unexpected statusLine " + Quote(status_line));
  md.blocks_total = *size;
  if (device_line.find("raid0") != std::string_view::npos || device_line.find("linear") != std::string_view::npos) {
    md.disks_total = md.disks_active = static_cast<int64_t>(Count(device_line, "["));
    return {};
  }
  if (device_line.find("inactive") != std::string_view::npos) return {};
  auto counts = StatusCounts(status_line);
  if (!counts) return Status::Error("couldn't find all the substring matches: " + std::string(status_line));
  auto total = exporter::ParseInt(counts->first);
  auto active = exporter::ParseInt(counts->second);
  if (!total || !active) return Status::Error("unexpected statusLine " + Quote(status_line));
  md.disks_total = *total;
  md.disks_active = *active;
  return {};
}

Status RecoveryLine(std::string_view line, int64_t& synced) {
  auto blocks = SyncedBlocks(line);
  if (!blocks) return Status::Error("unexpected recoveryLine: " + std::string(line));
  auto value = exporter::ParseInt(*blocks);
  if (!value) return Status::Error("error parsing int from recoveryLine " + Quote(line));
  synced = *value;
  // node_exporter also parses the percentage, finish time and speed, failing on what it cannot read.
  auto pct = GreedyCapture(line, "= ", [](char c) { return c == '%'; });
  if (!pct || !exporter::ParseDouble(exporter::Trim(*pct))) {
    return Status::Error("unexpected recoveryLine matching percentage: " + std::string(line));
  }
  std::optional<std::string_view> finish;
  for (size_t at = line.find("finish="); at != std::string_view::npos && !finish; at = line.find("finish=", at + 1)) {
    size_t begin = at + 7, end = line.rfind("min");
    if (end != std::string_view::npos && end > begin) finish = line.substr(begin, end - begin);
  }
  if (!finish || !exporter::ParseDouble(*finish)) {
    return Status::Error("unexpected recoveryLine matching est. finish time: " + std::string(line));
  }
  auto speed = GreedyCapture(line, "speed=", [](char c) { return c >= 'A' && c <= 'Z'; });
  if (!speed || !exporter::ParseDouble(*speed)) {
    return Status::Error("unexpected recoveryLine matching speed: " + std::string(line));
  }
  return {};
}

}  // namespace

Expected<std::vector<MdStat>> ParseMdstat(std::string_view content) {
  std::vector<std::string_view> lines = exporter::Split(content, '\n');
  std::vector<MdStat> result;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    if (exporter::Trim(line).empty() || line[0] == ' ' || exporter::StartsWith(line, "Personalities") ||
        exporter::StartsWith(line, "unused")) {
      continue;
    }
    auto fields = exporter::SplitFields(line);
    if (fields.size() < 3)
      return Status::Error("not enough fields in mdline (expected at least 3): " + std::string(line));
    MdStat md;
    md.name = std::string(fields[0]);
    md.state = std::string(fields[2]);
    if (lines.size() <= i + 3)
      return Status::Error("error parsing " + Quote(md.name) + ": too few lines for md device");
    md.disks_failed = static_cast<int64_t>(Count(line, "(F)"));
    md.disks_spare = static_cast<int64_t>(Count(line, "(S)"));
    if (auto status = StatusLine(line, lines[i + 1], md); !status) {
      return Status::Error("error parsing md device lines: " + status.message());
    }
    std::string_view sync_line = lines[i + 2].find("bitmap") != std::string_view::npos ? lines[i + 3] : lines[i + 2];
    md.blocks_synced = md.blocks_total;
    bool recovering = sync_line.find("recovery") != std::string_view::npos;
    bool resyncing = sync_line.find("resync") != std::string_view::npos;
    bool checking = sync_line.find("check") != std::string_view::npos;
    if (recovering || resyncing || checking) {
      md.state = recovering ? "recovering" : checking ? "checking" : "resyncing";
      if (sync_line.find("PENDING") != std::string_view::npos || sync_line.find("DELAYED") != std::string_view::npos) {
        md.blocks_synced = 0;
      } else if (auto status = RecoveryLine(sync_line, md.blocks_synced); !status) {
        return Status::Error("error parsing sync line in md device " + Quote(md.name) + ": " + status.message());
      }
    }
    result.push_back(std::move(md));
  }
  return result;
}

}  // namespace node::parse
