#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace postgres {

// A pg_settings value converted as postgres_exporter 0.11 does: times to
// seconds, sizes (including block units such as 8kB and 16MB) to bytes, -1 kept
// as is. `suffix` is "seconds", "bytes" or "" (unitless); nullopt for an
// unparsable value or an unknown unit.
struct NormalisedSetting {
  double value = 0;
  std::string suffix;
};
std::optional<NormalisedSetting> NormaliseSetting(std::string_view setting, std::string_view unit);

// The metric name and help of one pg_settings row (bool, integer or real).
struct SettingMetric {
  std::string name;  // without the pg_settings_ prefix
  std::string help;
  double value = 0;
};
std::optional<SettingMetric> SettingToMetric(std::string_view name, std::string_view setting, std::string_view unit,
                                             std::string_view vartype);

// "PostgreSQL 15.18 (Debian ...) on ..." -> "15.18.0", as the reference's
// semver.ParseTolerant; "" when the string has no version.
std::string ShortVersion(std::string_view version);

// A timestamptz in ISO output ("2026-11-21 09:25:51.123456+00", "... -03:30")
// as Unix seconds; nullopt when malformed.
std::optional<double> ParsePgTimestamp(std::string_view text);

// A column value as a sample value: NULL -> NaN, booleans -> 0/1, numbers,
// timestamps -> Unix seconds; nullopt for other text (the reference skips those).
std::optional<double> ColumnValue(const char* text, bool is_null, unsigned type_oid);

}  // namespace postgres
