#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace exporter::log {

enum class Level { kDebug, kInfo, kWarn, kError };
enum class Format { kLogfmt, kJson };

bool ParseLevel(std::string_view text, Level& level);
bool ParseFormat(std::string_view text, Format& format);
void Configure(Level level, Format format);
bool Enabled(Level level);

using Fields = std::vector<std::pair<std::string_view, std::string>>;

// One line on stderr, as the Go exporters print it: ts=... level=... msg=... key=value
void Write(Level level, std::string_view msg, const Fields& fields = {});

inline void Debug(std::string_view msg, const Fields& fields = {}) { Write(Level::kDebug, msg, fields); }
inline void Info(std::string_view msg, const Fields& fields = {}) { Write(Level::kInfo, msg, fields); }
inline void Warn(std::string_view msg, const Fields& fields = {}) { Write(Level::kWarn, msg, fields); }
inline void Error(std::string_view msg, const Fields& fields = {}) { Write(Level::kError, msg, fields); }

// Formats one line without writing it; exposed for tests.
std::string FormatLine(Level level, std::string_view msg, const Fields& fields, Format format);

}  // namespace exporter::log
