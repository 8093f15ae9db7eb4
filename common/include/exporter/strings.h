#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace exporter {

std::string_view Trim(std::string_view s);
std::vector<std::string_view> SplitFields(std::string_view line);  // on runs of blanks
std::vector<std::string_view> Split(std::string_view s, char sep);
bool StartsWith(std::string_view s, std::string_view prefix);

std::optional<double> ParseDouble(std::string_view s);
std::optional<int64_t> ParseInt(std::string_view s);
std::optional<uint64_t> ParseUint(std::string_view s);

// Go-style durations: "10s", "1.5m", "250ms", "1h30m". A bare number is seconds.
std::optional<double> ParseDurationSeconds(std::string_view s);

std::string UrlDecode(std::string_view s);

// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (negative before).
int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day);

// Reads a whole file; nullopt when it cannot be opened or read, or (errno
// EFBIG) when it holds more than max_bytes.
std::optional<std::string> ReadFile(const std::string& path, size_t max_bytes = SIZE_MAX);

}  // namespace exporter
