#include "parse/bcache.h"

#include <string>

#include "exporter/strings.h"
#include "parse/procfs.h"

namespace node::parse {

using exporter::Status;

namespace {

Status Invalid(std::string_view text) {
  return Status::Error("invalid bcache value \"" + std::string(text.substr(0, 80)) + "\"");
}

// bch_hprint's "int.frac" with frac in 1024ths printed as a decimal number of hundredths.
std::optional<double> ParsePseudoFloat(std::string_view s) {
  size_t dot = s.find('.');
  auto whole = exporter::ParseDouble(s.substr(0, dot));
  if (!whole) return std::nullopt;
  if (dot == std::string_view::npos) return whole;
  std::string_view frac = s.substr(dot + 1);
  frac = frac.substr(0, frac.find('.'));
  auto fraction = exporter::ParseDouble(frac);
  if (!fraction) return std::nullopt;
  return *whole + *fraction / 10.24;
}

// The last blank-separated field of a line.
std::string_view LastField(std::string_view line) {
  std::string_view last;
  for (std::string_view field = NextField(line); !field.empty(); field = NextField(line)) last = field;
  return last;
}

std::string_view TrimSuffix(std::string_view s, std::string_view suffix) {
  if (s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix) s.remove_suffix(suffix.size());
  return s;
}

}  // namespace

exporter::Expected<uint64_t> ParseBcacheValue(std::string_view text) {
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  if (text.empty()) return Status::Error("zero-length bcache value");
  double multiplier = 1;
  std::optional<double> mantissa;
  char unit = text.back();
  if (unit > '9') {
    switch (unit) {
      case 'k':
        multiplier = 0x1p10;
        break;
      case 'M':
        multiplier = 0x1p20;
        break;
      case 'G':
        multiplier = 0x1p30;
        break;
      case 'T':
        multiplier = 0x1p40;
        break;
      case 'P':
        multiplier = 0x1p50;
        break;
      case 'E':
        multiplier = 0x1p60;
        break;
      case 'Z':
        multiplier = 0x1p70;
        break;
      case 'Y':
        multiplier = 0x1p80;
        break;
      default:
        multiplier = 0;
    }
    mantissa = ParsePseudoFloat(text.substr(0, text.size() - 1));
  } else {
    mantissa = exporter::ParseDouble(text);
  }
  if (!mantissa || *mantissa < 0) return Invalid(text);
  double value = *mantissa * multiplier;
  if (!(value < 0x1p64)) return Invalid(text);  // also NaN ("nan(1)"): the cast would be undefined
  return static_cast<uint64_t>(value);
}

exporter::Expected<int64_t> ParseBcacheSignedValue(std::string_view text) {
  bool negative = !text.empty() && text.front() == '-';
  auto value = ParseBcacheValue(negative ? text.substr(1) : text);
  if (!value) return value.status();
  // Negated as unsigned: -2^63 has no positive int64 counterpart (wraps as Go's int64 does).
  return static_cast<int64_t>(negative ? 0 - *value : *value);
}

exporter::Expected<BcacheWritebackRateDebug> ParseBcacheWritebackRateDebug(std::string_view content) {
  BcacheWritebackRateDebug debug;
  Status status;
  ForEachLine(content, [&](std::string_view line) {
    if (!status.ok()) return;
    auto unsigned_field = [&](uint64_t& out, std::string_view suffix) {
      auto value = ParseBcacheValue(TrimSuffix(LastField(line), suffix));
      if (value)
        out = *value;
      else
        status = value.status();
    };
    auto signed_field = [&](int64_t& out, std::string_view suffix) {
      auto value = ParseBcacheSignedValue(TrimSuffix(LastField(line), suffix));
      if (value)
        out = *value;
      else
        status = value.status();
    };
    if (exporter::StartsWith(line, "rate:"))
      unsigned_field(debug.rate, "/sec");
    else if (exporter::StartsWith(line, "dirty:"))
      unsigned_field(debug.dirty, "");
    else if (exporter::StartsWith(line, "target:"))
      unsigned_field(debug.target, "");
    else if (exporter::StartsWith(line, "proportional:"))
      signed_field(debug.proportional, "");
    else if (exporter::StartsWith(line, "integral:"))
      signed_field(debug.integral, "");
    else if (exporter::StartsWith(line, "change:"))
      signed_field(debug.change, "/sec");
    else if (exporter::StartsWith(line, "next io:")) {
      auto value = exporter::ParseInt(TrimSuffix(LastField(line), "ms"));
      if (value)
        debug.next_io_ms = *value;
      else
        status = Status::Error("invalid bcache next io line \"" + std::string(line) + "\"");
    }
  });
  if (!status.ok()) return status;
  return debug;
}

exporter::Expected<BcachePriorityStats> ParseBcachePriorityStats(std::string_view content) {
  BcachePriorityStats stats;
  Status status;
  ForEachLine(content, [&](std::string_view line) {
    if (!status.ok()) return;
    uint64_t* out = exporter::StartsWith(line, "Unused:")     ? &stats.unused_percent
                    : exporter::StartsWith(line, "Metadata:") ? &stats.metadata_percent
                                                              : nullptr;
    if (!out) return;
    auto value = exporter::ParseUint(TrimSuffix(LastField(line), "%"));
    if (value)
      *out = *value;
    else
      status = Status::Error("invalid bcache priority_stats line \"" + std::string(line) + "\"");
  });
  if (!status.ok()) return status;
  return stats;
}

}  // namespace node::parse
