#include "parse/procfs.h"

#include <charconv>
#include <cstdlib>

#include "exporter/strings.h"

namespace node::parse {

using exporter::StartsWith;
using exporter::Status;

namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::optional<uint64_t> ToUint(std::string_view s) {
  uint64_t value = 0;
  if (s.empty()) return std::nullopt;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return value;
}

std::optional<uint64_t> ToHexUint(std::string_view s) {
  uint64_t value = 0;
  if (s.empty()) return std::nullopt;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value, 16);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return value;
}

Status Malformed(std::string_view what, std::string_view line) {
  return Status::Error("malformed " + std::string(what) + " line: \"" + std::string(line.substr(0, 120)) + "\"");
}

// Splits line into at most N fields; returns how many there were (may exceed N).
template <size_t N>
size_t SplitInto(std::string_view line, std::array<std::string_view, N>& fields) {
  size_t count = 0;
  while (true) {
    std::string_view field = NextField(line);
    if (field.empty()) return count;
    if (count < N) fields[count] = field;
    ++count;
  }
}

}  // namespace

std::string_view NextField(std::string_view& s) {
  size_t i = 0;
  while (i < s.size() && IsBlank(s[i])) ++i;
  size_t start = i;
  while (i < s.size() && !IsBlank(s[i])) ++i;
  std::string_view field = s.substr(start, i - start);
  s.remove_prefix(i);
  return field;
}

Expected<std::array<double, 3>> ParseLoadavg(std::string_view content) {
  std::array<double, 3> loads{};
  for (auto& load : loads) {
    auto value = exporter::ParseDouble(NextField(content));
    if (!value) return Status::Error("malformed loadavg: \"" + std::string(content.substr(0, 80)) + "\"");
    load = *value;
  }
  return loads;
}

Expected<NamedValues> ParseMeminfo(std::string_view content) {
  NamedValues values;
  Status error;
  ForEachLine(content, [&](std::string_view line) {
    if (!error.ok() || exporter::Trim(line).empty()) return;
    std::array<std::string_view, 4> f;
    size_t n = SplitInto(line, f);
    if (n < 2 || n > 3 || f[0].size() < 2 || f[0].back() != ':') {
      error = Malformed("meminfo", line);
      return;
    }
    auto number = ToUint(f[1]);
    if (!number) {
      error = Malformed("meminfo", line);
      return;
    }
    std::string key;
    key.reserve(f[0].size() + 6);
    // "Active(anon):" -> "Active_anon"
    for (char c : f[0].substr(0, f[0].size() - 1)) {
      if (c == '(') {
        key.push_back('_');
      } else if (c != ')') {
        key.push_back(c);
      }
    }
    double value = static_cast<double>(*number);
    if (n == 3) {
      value *= 1024;
      key += "_bytes";
    }
    values.emplace_back(std::move(key), value);
  });
  if (!error.ok()) return error;
  if (values.empty()) return Status::Error("empty meminfo");
  return values;
}

Expected<ProcStatInfo> ParseProcStat(std::string_view content) {
  ProcStatInfo info;
  Status error;
  ForEachLine(content, [&](std::string_view line) {
    if (!error.ok()) return;
    std::string_view rest = line;
    std::string_view key = NextField(rest);
    if (key.empty()) return;
    if (StartsWith(key, "cpu")) {
      CpuTicks cpu;
      if (key.size() > 3) {
        auto index = ToUint(key.substr(3));
        if (!index || *index > 1u << 20) {
          error = Malformed("stat", line);
          return;
        }
        cpu.cpu = static_cast<int>(*index);
      }
      size_t i = 0;
      for (std::string_view field = NextField(rest); !field.empty(); field = NextField(rest)) {
        auto value = ToUint(field);
        if (!value) {
          error = Malformed("stat", line);
          return;
        }
        if (i < cpu.ticks.size()) cpu.ticks[i] = *value;
        ++i;
      }
      if (i < 4) {
        error = Malformed("stat", line);
        return;
      }
      if (cpu.cpu >= 0) info.cpus.push_back(cpu);
      return;
    }
    std::optional<uint64_t>* target = nullptr;
    if (key == "intr") target = &info.intr;
    else if (key == "ctxt") target = &info.ctxt;
    else if (key == "btime") target = &info.btime;
    else if (key == "processes") target = &info.processes;
    else if (key == "procs_running") target = &info.procs_running;
    else if (key == "procs_blocked") target = &info.procs_blocked;
    else if (key == "softirq") target = &info.softirq_total;
    if (!target) return;
    auto value = ToUint(NextField(rest));
    if (!value) {
      error = Malformed("stat", line);
      return;
    }
    *target = value;
    if (key == "softirq") {
      for (std::string_view field = NextField(rest); !field.empty(); field = NextField(rest)) {
        auto count = ToUint(field);
        if (!count) {
          error = Malformed("stat", line);
          return;
        }
        info.softirq.push_back(*count);
      }
    }
  });
  if (!error.ok()) return error;
  if (info.cpus.empty() && !info.ctxt) return Status::Error("no cpu or ctxt line in stat");
  return info;
}

Expected<std::vector<DiskStatsLine>> ParseDiskstats(std::string_view content) {
  std::vector<DiskStatsLine> disks;
  Status error;
  ForEachLine(content, [&](std::string_view line) {
    if (!error.ok()) return;
    std::string_view rest = line;
    std::string_view major = NextField(rest);
    if (major.empty()) return;
    std::string_view minor = NextField(rest);
    std::string_view name = NextField(rest);
    auto ma = ToUint(major), mi = ToUint(minor);
    if (!ma || !mi || name.empty()) {
      error = Malformed("diskstats", line);
      return;
    }
    DiskStatsLine disk;
    disk.major = static_cast<uint32_t>(*ma);
    disk.minor = static_cast<uint32_t>(*mi);
    disk.name = std::string(name);
    disk.counters.reserve(17);
    for (std::string_view field = NextField(rest); !field.empty(); field = NextField(rest)) {
      auto value = ToUint(field);
      if (!value) {
        error = Malformed("diskstats", line);
        return;
      }
      disk.counters.push_back(*value);
    }
    if (disk.counters.size() < 11) {
      error = Malformed("diskstats", line);
      return;
    }
    disks.push_back(std::move(disk));
  });
  if (!error.ok()) return error;
  return disks;
}

std::vector<std::pair<std::string, std::string>> ParseUdevProperties(std::string_view content) {
  std::vector<std::pair<std::string, std::string>> properties;
  ForEachLine(content, [&](std::string_view line) {
    if (!StartsWith(line, "E:")) return;
    line.remove_prefix(2);
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) return;
    properties.emplace_back(std::string(line.substr(0, eq)), std::string(line.substr(eq + 1)));
  });
  return properties;
}

Expected<std::vector<NetDevLine>> ParseNetDev(std::string_view content) {
  static const char* const kNames[] = {
      "receive_bytes",  "receive_packets",  "receive_errs",  "receive_drop",  "receive_fifo",  "receive_frame",
      "receive_compressed", "receive_multicast", "transmit_bytes", "transmit_packets", "transmit_errs",
      "transmit_drop", "transmit_fifo", "transmit_colls", "transmit_carrier", "transmit_compressed"};
  std::vector<NetDevLine> devices;
  Status error;
  int line_number = 0;
  ForEachLine(content, [&](std::string_view line) {
    if (!error.ok() || ++line_number <= 2 || exporter::Trim(line).empty()) return;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      error = Malformed("net/dev", line);
      return;
    }
    NetDevLine device;
    device.name = std::string(exporter::Trim(line.substr(0, colon)));
    std::string_view rest = line.substr(colon + 1);
    size_t i = 0;
    device.counters.reserve(16);
    for (std::string_view field = NextField(rest); !field.empty(); field = NextField(rest), ++i) {
      auto value = ToUint(field);
      if (!value || i >= 16) {
        error = Malformed("net/dev", line);
        return;
      }
      device.counters.emplace_back(kNames[i], *value);
    }
    if (i != 16 || device.name.empty()) {
      error = Malformed("net/dev", line);
      return;
    }
    devices.push_back(std::move(device));
  });
  if (!error.ok()) return error;
  if (line_number < 2) return Status::Error("net/dev has no header");
  return devices;
}

Expected<std::vector<std::pair<std::string, std::string_view>>> ParseNetstat(std::string_view content) {
  std::vector<std::pair<std::string, std::string_view>> values;
  std::string_view header;
  Status error;
  ForEachLine(content, [&](std::string_view line) {
    if (!error.ok() || exporter::Trim(line).empty()) return;
    if (header.empty()) {
      header = line;
      return;
    }
    std::string_view names = header, numbers = line;
    header = {};
    std::string_view protocol = NextField(names);
    if (protocol != NextField(numbers) || protocol.size() < 2 || protocol.back() != ':') {
      error = Malformed("netstat", line);
      return;
    }
    protocol.remove_suffix(1);
    while (true) {
      std::string_view name = NextField(names), number = NextField(numbers);
      if (name.empty() != number.empty()) {
        error = Malformed("netstat", line);
        return;
      }
      if (name.empty()) break;
      std::string key;
      key.reserve(protocol.size() + 1 + name.size());
      key.append(protocol).append("_").append(name);
      values.emplace_back(std::move(key), number);
    }
  });
  if (!error.ok()) return error;
  if (!header.empty()) return Status::Error("netstat header without values: \"" + std::string(header.substr(0, 60)) + "\"");
  return values;
}

Expected<std::vector<std::pair<std::string, std::string_view>>> ParseSnmp6(std::string_view content) {
  std::vector<std::pair<std::string, std::string_view>> values;
  ForEachLine(content, [&](std::string_view line) {
    std::string_view name = NextField(line), value = NextField(line);
    if (value.empty()) return;
    size_t six = name.find('6');
    if (six == std::string_view::npos) return;
    std::string key;
    key.reserve(name.size() + 1);
    key.append(name.substr(0, six + 1)).append("_").append(name.substr(six + 1));
    values.emplace_back(std::move(key), value);
  });
  return values;
}

Expected<std::vector<std::pair<std::string_view, std::string_view>>> ParseKeyValueLines(std::string_view content) {
  std::vector<std::pair<std::string_view, std::string_view>> values;
  Status error;
  ForEachLine(content, [&](std::string_view line) {
    if (!error.ok()) return;
    std::string_view rest = line;
    std::string_view key = NextField(rest);
    if (key.empty()) return;
    std::string_view value = NextField(rest);
    if (value.empty() || !NextField(rest).empty()) {
      error = Malformed("key value", line);
      return;
    }
    values.emplace_back(key, value);
  });
  if (!error.ok()) return error;
  return values;
}

Expected<std::array<uint64_t, 3>> ParseFileNr(std::string_view content) {
  std::array<uint64_t, 3> values{};
  std::string_view rest = content;
  for (auto& value : values) {
    auto parsed = ToUint(NextField(rest));
    if (!parsed) return Status::Error("malformed file-nr: \"" + std::string(content.substr(0, 80)) + "\"");
    value = *parsed;
  }
  return values;
}

Expected<uint64_t> ParseSingleUint(std::string_view content) {
  auto value = ToUint(exporter::Trim(content));
  if (!value) return Status::Error("not an unsigned integer: \"" + std::string(content.substr(0, 40)) + "\"");
  return *value;
}

Expected<int64_t> ParseSysfsInt(std::string_view content) {
  std::string_view s = exporter::Trim(content);
  if (StartsWith(s, "0x")) {
    auto value = ToHexUint(s.substr(2));
    if (!value) return Status::Error("not a hex integer: \"" + std::string(s.substr(0, 40)) + "\"");
    return static_cast<int64_t>(*value);
  }
  auto value = exporter::ParseInt(s);
  if (!value) return Status::Error("not an integer: \"" + std::string(s.substr(0, 40)) + "\"");
  return *value;
}

Expected<std::vector<std::pair<std::string, double>>> ParseSockstat(std::string_view content) {
  std::vector<std::pair<std::string, double>> values;
  Status error;
  ForEachLine(content, [&](std::string_view line) {
    if (!error.ok()) return;
    std::string_view rest = line;
    std::string_view protocol = NextField(rest);
    if (protocol.empty()) return;
    if (protocol.size() < 2 || protocol.back() != ':') {
      error = Malformed("sockstat", line);
      return;
    }
    protocol.remove_suffix(1);
    while (true) {
      std::string_view key = NextField(rest);
      if (key.empty()) break;
      auto value = ToUint(NextField(rest));
      if (!value) {
        error = Malformed("sockstat", line);
        return;
      }
      std::string name;
      name.reserve(protocol.size() + 1 + key.size());
      name.append(protocol).append("_").append(key);
      values.emplace_back(std::move(name), static_cast<double>(*value));
    }
  });
  if (!error.ok()) return error;
  return values;
}

Expected<PressureTotals> ParsePressure(std::string_view content) {
  PressureTotals totals;
  Status error;
  ForEachLine(content, [&](std::string_view line) {
    if (!error.ok()) return;
    std::string_view rest = line;
    std::string_view kind = NextField(rest);
    if (kind.empty()) return;
    std::optional<uint64_t>* target = kind == "some" ? &totals.some_us : kind == "full" ? &totals.full_us : nullptr;
    if (!target) {
      error = Malformed("pressure", line);
      return;
    }
    for (std::string_view field = NextField(rest); !field.empty(); field = NextField(rest)) {
      if (StartsWith(field, "total=")) {
        *target = ToUint(field.substr(6));
        if (!*target) error = Malformed("pressure", line);
        return;
      }
    }
    error = Malformed("pressure", line);
  });
  if (!error.ok()) return error;
  if (!totals.some_us) return Status::Error("pressure file without a \"some\" line");
  return totals;
}

std::string UnescapeMountField(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '3' &&
        s[i + 2] >= '0' && s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
      out.push_back(static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0')));
      i += 3;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

Expected<std::vector<MountInfo>> ParseMountinfo(std::string_view content) {
  std::vector<MountInfo> mounts;
  Status error;
  ForEachLine(content, [&](std::string_view line) {
    if (!error.ok() || exporter::Trim(line).empty()) return;
    std::array<std::string_view, 32> f;
    size_t n = SplitInto(line, f);
    if (n < 10 || n > f.size()) {
      error = Malformed("mountinfo", line);
      return;
    }
    size_t separator = 6;
    while (separator < n && f[separator] != "-") ++separator;
    if (separator + 2 >= n) {
      error = Malformed("mountinfo", line);
      return;
    }
    MountInfo mount;
    mount.mount_point = UnescapeMountField(f[4]);
    mount.fs_type = std::string(f[separator + 1]);
    mount.source = UnescapeMountField(f[separator + 2]);
    std::string_view options = f[5];
    while (!options.empty()) {
      size_t comma = options.find(',');
      if (options.substr(0, comma) == "ro") mount.read_only = true;
      if (comma == std::string_view::npos) break;
      options.remove_prefix(comma + 1);
    }
    mounts.push_back(std::move(mount));
  });
  if (!error.ok()) return error;
  return mounts;
}

Expected<std::vector<SoftnetLine>> ParseSoftnet(std::string_view content) {
  std::vector<SoftnetLine> cpus;
  Status error;
  ForEachLine(content, [&](std::string_view line) {
    if (!error.ok() || exporter::Trim(line).empty()) return;
    std::array<std::string_view, 3> f;
    size_t n = SplitInto(line, f);
    auto processed = n >= 3 ? ToHexUint(f[0]) : std::nullopt;
    auto dropped = n >= 3 ? ToHexUint(f[1]) : std::nullopt;
    auto squeezed = n >= 3 ? ToHexUint(f[2]) : std::nullopt;
    if (!processed || !dropped || !squeezed) {
      error = Malformed("softnet_stat", line);
      return;
    }
    cpus.push_back({*processed, *dropped, *squeezed});
  });
  if (!error.ok()) return error;
  return cpus;
}

Expected<UdpQueues> ParseUdpQueues(std::string_view content) {
  UdpQueues queues;
  Status error;
  bool header = true;
  ForEachLine(content, [&](std::string_view line) {
    if (!error.ok() || exporter::Trim(line).empty()) return;
    if (header) {
      header = false;
      return;
    }
    std::array<std::string_view, 5> f;
    size_t n = SplitInto(line, f);
    size_t colon = n >= 5 ? f[4].find(':') : std::string_view::npos;
    if (colon == std::string_view::npos) {
      error = Malformed("udp", line);
      return;
    }
    auto tx = ToHexUint(f[4].substr(0, colon)), rx = ToHexUint(f[4].substr(colon + 1));
    if (!tx || !rx) {
      error = Malformed("udp", line);
      return;
    }
    queues.tx += *tx;
    queues.rx += *rx;
  });
  if (!error.ok()) return error;
  if (header) return Status::Error("udp file without a header");
  return queues;
}

Expected<std::vector<std::pair<std::string, uint64_t>>> ParseArp(std::string_view content) {
  std::vector<std::pair<std::string, uint64_t>> devices;
  Status error;
  bool header = true;
  ForEachLine(content, [&](std::string_view line) {
    if (!error.ok() || exporter::Trim(line).empty()) return;
    if (header) {
      header = false;
      return;
    }
    std::array<std::string_view, 6> f;
    size_t n = SplitInto(line, f);
    if (n < 6) {
      error = Malformed("arp", line);
      return;
    }
    std::string_view device = n == 6 ? f[5] : std::string_view();
    if (n > 6) {  // the device is the last field
      std::string_view rest = line;
      for (std::string_view field = NextField(rest); !field.empty(); field = NextField(rest)) device = field;
    }
    for (auto& [name, count] : devices) {
      if (name == device) {
        ++count;
        return;
      }
    }
    devices.emplace_back(std::string(device), 1);
  });
  if (!error.ok()) return error;
  return devices;
}

Expected<std::vector<std::pair<std::string, uint64_t>>> ParseConntrackStat(std::string_view content) {
  std::vector<std::pair<std::string, uint64_t>> sums;
  Status error;
  bool header = true;
  ForEachLine(content, [&](std::string_view line) {
    if (!error.ok() || exporter::Trim(line).empty()) return;
    std::string_view rest = line;
    if (header) {
      header = false;
      for (std::string_view name = NextField(rest); !name.empty(); name = NextField(rest)) {
        sums.emplace_back(std::string(name), 0);
      }
      return;
    }
    size_t i = 0;
    for (std::string_view field = NextField(rest); !field.empty(); field = NextField(rest), ++i) {
      auto value = ToHexUint(field);
      if (!value || i >= sums.size()) {
        error = Malformed("nf_conntrack stat", line);
        return;
      }
      sums[i].second += *value;
    }
    if (i != sums.size()) error = Malformed("nf_conntrack stat", line);
  });
  if (!error.ok()) return error;
  if (header) return Status::Error("empty nf_conntrack stat");
  return sums;
}

std::vector<std::pair<std::string, std::string>> ParseOsRelease(std::string_view content) {
  std::vector<std::pair<std::string, std::string>> values;
  ForEachLine(content, [&](std::string_view line) {
    line = exporter::Trim(line);
    if (line.empty() || line[0] == '#') return;
    size_t eq = line.find('=');
    if (eq == std::string_view::npos || eq == 0) return;
    std::string key(line.substr(0, eq));
    std::string_view raw = line.substr(eq + 1);
    std::string value;
    char quote = 0;
    for (size_t i = 0; i < raw.size(); ++i) {
      char c = raw[i];
      if (quote) {
        if (c == quote) {
          quote = 0;
        } else if (c == '\\' && quote == '"' && i + 1 < raw.size()) {
          value.push_back(raw[++i]);
        } else {
          value.push_back(c);
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '\\' && i + 1 < raw.size()) {
        value.push_back(raw[++i]);
      } else {
        value.push_back(c);
      }
    }
    for (auto& entry : values) {
      if (entry.first == key) {
        entry.second = std::move(value);
        return;
      }
    }
    values.emplace_back(std::move(key), std::move(value));
  });
  return values;
}

std::optional<double> ParseOsVersion(std::string_view version_id) {
  size_t i = 0;
  while (i < version_id.size() && version_id[i] >= '0' && version_id[i] <= '9') ++i;
  if (i == 0) return std::nullopt;
  if (i < version_id.size() && version_id[i] == '.') {
    ++i;
    while (i < version_id.size() && version_id[i] >= '0' && version_id[i] <= '9') ++i;
  }
  std::string_view number = version_id.substr(0, i);
  if (number.back() == '.') number.remove_suffix(1);
  return exporter::ParseDouble(number);
}

std::vector<std::string> ParseWordList(std::string_view content) {
  std::vector<std::string> words;
  for (std::string_view word = NextField(content); !word.empty(); word = NextField(content)) {
    words.emplace_back(word);
  }
  return words;
}

}  // namespace node::parse
