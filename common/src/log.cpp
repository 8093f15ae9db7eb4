#include "exporter/log.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>

namespace exporter::log {

namespace {
std::atomic<Level> g_level{Level::kInfo};
std::atomic<Format> g_format{Format::kLogfmt};

std::string_view LevelName(Level level) {
  switch (level) {
    case Level::kDebug: return "debug";
    case Level::kInfo: return "info";
    case Level::kWarn: return "warn";
    case Level::kError: return "error";
  }
  return "info";
}

std::string Timestamp() {
  auto now = std::chrono::system_clock::now();
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  std::time_t seconds = static_cast<std::time_t>(millis / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<int>(millis % 1000));
  return buffer;
}

bool NeedsQuoting(std::string_view value) {
  if (value.empty()) return true;
  for (char c : value) {
    if (c <= ' ' || c == '=' || c == '"' || static_cast<unsigned char>(c) >= 0x7f) return true;
  }
  return false;
}

void AppendEscaped(std::string& out, std::string_view value) {
  for (char c : value) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char hex[8];
          std::snprintf(hex, sizeof hex, "\\u%04x", c);
          out += hex;
        } else {
          out.push_back(c);
        }
    }
  }
}

void AppendLogfmt(std::string& out, std::string_view key, std::string_view value) {
  if (!out.empty()) out.push_back(' ');
  out += key;
  out.push_back('=');
  if (NeedsQuoting(value)) {
    out.push_back('"');
    AppendEscaped(out, value);
    out.push_back('"');
  } else {
    out += value;
  }
}

void AppendJson(std::string& out, std::string_view key, std::string_view value) {
  out += out.size() > 1 ? ",\"" : "\"";
  AppendEscaped(out, key);
  out += "\":\"";
  AppendEscaped(out, value);
  out.push_back('"');
}
}  // namespace

bool ParseLevel(std::string_view text, Level& level) {
  if (text == "debug") level = Level::kDebug;
  else if (text == "info") level = Level::kInfo;
  else if (text == "warn") level = Level::kWarn;
  else if (text == "error") level = Level::kError;
  else return false;
  return true;
}

bool ParseFormat(std::string_view text, Format& format) {
  if (text == "logfmt") format = Format::kLogfmt;
  else if (text == "json") format = Format::kJson;
  else return false;
  return true;
}

void Configure(Level level, Format format) {
  g_level = level;
  g_format = format;
}

bool Enabled(Level level) { return level >= g_level.load(std::memory_order_relaxed); }

std::string FormatLine(Level level, std::string_view msg, const Fields& fields, Format format) {
  std::string line;
  auto append = format == Format::kJson ? AppendJson : AppendLogfmt;
  if (format == Format::kJson) line.push_back('{');
  append(line, "ts", Timestamp());
  append(line, "level", LevelName(level));
  append(line, "msg", msg);
  for (const auto& [key, value] : fields) append(line, key, value);
  if (format == Format::kJson) line.push_back('}');
  line.push_back('\n');
  return line;
}

void Write(Level level, std::string_view msg, const Fields& fields) {
  if (!Enabled(level)) return;
  std::string line = FormatLine(level, msg, fields, g_format.load(std::memory_order_relaxed));
  // One write(2) per line keeps lines from concurrent threads whole.
  ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
  (void)ignored;
}

}  // namespace exporter::log
