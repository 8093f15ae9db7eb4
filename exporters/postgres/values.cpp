#include "values.h"

#include <cmath>
#include <limits>

#include "exporter/strings.h"

namespace postgres {

namespace {
constexpr unsigned kBoolOid = 16;
constexpr unsigned kTimestampOid = 1114;
constexpr unsigned kTimestamptzOid = 1184;

struct UnitRule {
  std::string_view unit;
  double factor;
  std::string_view suffix;
};
constexpr UnitRule kUnits[] = {
    {"ms", 1e-3, "seconds"},          {"s", 1, "seconds"},           {"min", 60, "seconds"},
    {"h", 3600, "seconds"},           {"d", 86400, "seconds"},       {"B", 1, "bytes"},
    {"kB", 1024.0, "bytes"},          {"MB", 1048576.0, "bytes"},    {"GB", 1073741824.0, "bytes"},
    {"TB", 1099511627776.0, "bytes"}, {"1kB", 1024.0, "bytes"},      {"2kB", 2048.0, "bytes"},
    {"4kB", 4096.0, "bytes"},         {"8kB", 8192.0, "bytes"},      {"16kB", 16384.0, "bytes"},
    {"32kB", 32768.0, "bytes"},       {"64kB", 65536.0, "bytes"},    {"16MB", 16777216.0, "bytes"},
    {"32MB", 33554432.0, "bytes"},    {"64MB", 67108864.0, "bytes"},
};

// Go's strconv.ParseFloat accepts what strtod does for these values; reject
// trailing junk and the empty string.
std::optional<double> ParseNumber(std::string_view s) {
  s = exporter::Trim(s);
  if (s.empty()) return std::nullopt;
  return exporter::ParseDouble(s);
}

bool Digits(std::string_view s, size_t pos, size_t count, int& out) {
  if (pos + count > s.size()) return false;
  out = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}
}  // namespace

std::optional<NormalisedSetting> NormaliseSetting(std::string_view setting, std::string_view unit) {
  auto value = ParseNumber(setting);
  if (!value) return std::nullopt;
  NormalisedSetting out{*value, ""};
  if (unit.empty()) return out;
  for (const auto& rule : kUnits) {
    if (rule.unit != unit) continue;
    out.suffix = std::string(rule.suffix);
    if (*value != -1) out.value = *value * rule.factor;  // -1 means "off": kept as is
    return out;
  }
  return std::nullopt;
}

std::optional<SettingMetric> SettingToMetric(std::string_view name, std::string_view setting, std::string_view unit,
                                             std::string_view vartype) {
  SettingMetric metric;
  metric.name = std::string(name);
  for (char& c : metric.name) {
    if (c == '.') c = '_';
  }
  metric.help = "Server Parameter: " + std::string(name);
  if (vartype == "bool") {
    metric.value = setting == "on" ? 1 : 0;
    return metric;
  }
  if (vartype != "integer" && vartype != "real") return std::nullopt;
  auto normalised = NormaliseSetting(setting, unit);
  if (!normalised) return std::nullopt;
  metric.value = normalised->value;
  if (!normalised->suffix.empty()) {
    metric.name += "_" + normalised->suffix;
    metric.help += " [Units converted to " + normalised->suffix + ".]";
  }
  return metric;
}

std::string ShortVersion(std::string_view version) {
  auto fields = exporter::SplitFields(version);
  if (fields.size() < 2) return "";
  std::string_view number = fields[1];
  // The leading dotted digits ("15.18", "16beta1" -> "16").
  size_t end = 0;
  while (end < number.size() && ((number[end] >= '0' && number[end] <= '9') || number[end] == '.')) ++end;
  number = number.substr(0, end);
  while (!number.empty() && number.back() == '.') number.remove_suffix(1);
  if (number.empty()) return "";
  std::vector<std::string> parts;
  for (auto part : exporter::Split(number, '.')) {
    if (part.empty()) return "";
    auto n = exporter::ParseUint(part);
    if (!n) return "";
    parts.push_back(std::to_string(*n));  // semver drops leading zeros
  }
  if (parts.size() > 3) parts.resize(3);
  while (parts.size() < 3) parts.push_back("0");
  return parts[0] + "." + parts[1] + "." + parts[2];
}

std::optional<double> ParsePgTimestamp(std::string_view s) {
  s = exporter::Trim(s);
  int year, month, day, hour, minute, second;
  if (s.size() < 19 || !Digits(s, 0, 4, year) || s[4] != '-' || !Digits(s, 5, 2, month) || s[7] != '-' ||
      !Digits(s, 8, 2, day) || (s[10] != ' ' && s[10] != 'T') || !Digits(s, 11, 2, hour) || s[13] != ':' ||
      !Digits(s, 14, 2, minute) || s[16] != ':' || !Digits(s, 17, 2, second)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  size_t pos = 19;
  double fraction = 0;
  if (pos < s.size() && s[pos] == '.') {
    double scale = 0.1;
    ++pos;
    size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      fraction += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return std::nullopt;
  }
  int offset_seconds = 0;
  if (pos < s.size()) {
    char sign = s[pos];
    if (sign == 'Z' && pos + 1 == s.size()) {
      pos = s.size();
    } else {
      if (sign != '+' && sign != '-') return std::nullopt;
      int hours = 0, minutes = 0, seconds = 0;
      if (!Digits(s, pos + 1, 2, hours)) return std::nullopt;
      pos += 3;
      if (pos < s.size()) {
        if (s[pos] != ':' || !Digits(s, pos + 1, 2, minutes)) return std::nullopt;
        pos += 3;
      }
      if (pos < s.size()) {
        if (s[pos] != ':' || !Digits(s, pos + 1, 2, seconds)) return std::nullopt;
        pos += 3;
      }
      if (pos != s.size()) return std::nullopt;
      offset_seconds = (hours * 3600 + minutes * 60 + seconds) * (sign == '-' ? -1 : 1);
    }
  }
  double days = static_cast<double>(exporter::DaysFromCivil(year, month, day));
  return days * 86400 + hour * 3600 + minute * 60 + second - offset_seconds + fraction;
}

std::optional<double> ColumnValue(const char* text, bool is_null, unsigned type_oid) {
  if (is_null) return std::numeric_limits<double>::quiet_NaN();
  std::string_view s(text);
  if (type_oid == kBoolOid) return s == "t" ? 1.0 : 0.0;
  if (type_oid == kTimestamptzOid || type_oid == kTimestampOid) return ParsePgTimestamp(s);
  return ParseNumber(s);
}

}  // namespace postgres
