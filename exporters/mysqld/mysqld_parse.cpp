#include "mysqld_parse.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <ctime>

#include "exporter/strings.h"

namespace mysqld {

using exporter::Families;

int Table::ColumnIndex(std::string_view name) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i] == name) return static_cast<int>(i);
  }
  return -1;
}

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int Number(std::string_view s) {
  int value = 0;
  for (char c : s) value = value * 10 + (c - '0');
  return value;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
int DaysInMonth(int year, int month) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

std::optional<double> UnixSeconds(int year, int month, int day, int hour, int minute, int second) {
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) {
    return std::nullopt;
  }
  return static_cast<double>(exporter::DaysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second);
}

// "15:04:05" -> h, m, s.
bool ParseClock(std::string_view s, int& h, int& m, int& sec) {
  if (s.size() != 8 || s[2] != ':' || s[5] != ':') return false;
  auto a = s.substr(0, 2), b = s.substr(3, 2), c = s.substr(6, 2);
  if (!AllDigits(a) || !AllDigits(b) || !AllDigits(c)) return false;
  h = Number(a);
  m = Number(b);
  sec = Number(c);
  return true;
}

// "Jan 02 15:04:05 2006 MST" (the zone taken as UTC, as Go does for unknown abbreviations).
std::optional<double> ParseOpensslDate(std::string_view s) {
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  auto fields = exporter::Split(s, ' ');
  if (fields.size() != 5) return std::nullopt;
  int month = 0;
  for (int i = 0; i < 12; ++i) {
    if (fields[0] == kMonths[i]) month = i + 1;
  }
  if (month == 0 || fields[1].size() != 2 || !AllDigits(fields[1]) || fields[3].size() != 4 || !AllDigits(fields[3])) {
    return std::nullopt;
  }
  int h, m, sec;
  if (!ParseClock(fields[2], h, m, sec)) return std::nullopt;
  if (fields[4].empty() || !std::all_of(fields[4].begin(), fields[4].end(), [](char c) { return std::isupper(c); })) {
    return std::nullopt;
  }
  return UnixSeconds(Number(fields[3]), month, Number(fields[1]), h, m, sec);
}

// "2006-01-02 15:04:05", UTC.
std::optional<double> ParseSqlDate(std::string_view s) {
  if (s.size() != 19 || s[4] != '-' || s[7] != '-' || s[10] != ' ') return std::nullopt;
  auto y = s.substr(0, 4), mo = s.substr(5, 2), d = s.substr(8, 2);
  if (!AllDigits(y) || !AllDigits(mo) || !AllDigits(d)) return std::nullopt;
  int h, m, sec;
  if (!ParseClock(s.substr(11), h, m, sec)) return std::nullopt;
  return UnixSeconds(Number(y), Number(mo), Number(d), h, m, sec);
}

double CellNumber(const Table::Cell& cell) {
  if (!cell) return 0;
  auto value = ParseGoFloat(exporter::Trim(*cell));
  return value ? *value : 0;
}

// A count: negative and NaN values as 0, huge ones saturated (a plain cast of
// those is undefined behaviour).
uint64_t CellCount(const Table::Cell& cell) {
  double value = CellNumber(cell);
  if (!(value > 0)) return 0;
  if (value >= 18446744073709551616.0) return UINT64_MAX;
  return static_cast<uint64_t>(value);
}

std::string CellText(const Table::Cell& cell) { return cell ? *cell : std::string(); }

}  // namespace

std::optional<double> ParseGoFloat(std::string_view text) {
  if (text.empty()) return std::nullopt;
  char first = text.front();
  if (!(std::isdigit(static_cast<unsigned char>(first)) || first == '+' || first == '-' || first == '.' ||
        first == 'i' || first == 'I' || first == 'n' || first == 'N')) {
    return std::nullopt;
  }
  std::string_view unsigned_part = (first == '+' || first == '-') ? text.substr(1) : text;
  if (unsigned_part.size() >= 2 && unsigned_part[0] == '0' && (unsigned_part[1] == 'x' || unsigned_part[1] == 'X')) {
    return std::nullopt;
  }
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) return std::nullopt;
  }
  return exporter::ParseDouble(text);
}

namespace {
bool EqualsIgnoreCase(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != lower[i]) return false;
  }
  return true;
}
}  // namespace

std::optional<double> ParseStatusValue(std::string_view value) {
  if (value.empty()) return std::nullopt;
  // Most values are plain numbers: try that first, without allocating.
  if (auto number = ParseGoFloat(value)) {
    // "2006-01-02 15:04:05" is no number; a bare number never contains a blank.
    return number;
  }
  if (value.size() <= 12) {
    for (std::string_view word : {"yes", "on", "primary"}) {
      if (EqualsIgnoreCase(value, word)) return 1.0;
    }
    for (std::string_view word : {"no", "off", "disabled", "connecting", "non-primary", "disconnected"}) {
      if (EqualsIgnoreCase(value, word)) return 0.0;
    }
  }
  if (auto t = ParseOpensslDate(value)) return t;
  if (auto t = ParseSqlDate(value)) return t;
  return std::nullopt;
}

std::string ValidPrometheusName(std::string_view name) {
  std::string out(name);
  for (auto& c : out) {
    unsigned char u = static_cast<unsigned char>(c);
    c = std::isalnum(u) && u < 128 ? static_cast<char>(std::tolower(u)) : (c == '_' ? '_' : '_');
  }
  return out;
}

std::string SanitizeState(std::string_view state) {
  if (state.empty()) return "unknown";
  std::string out;
  out.reserve(state.size());
  for (char c : state) {
    switch (c) {
      case ';':
      case ',':
      case ':':
      case '.':
      case '(':
      case ')': break;
      case ' ':
      case '-': out.push_back('_'); break;
      default: out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
  }
  return out;
}

double ParseWsrepGcacheSize(std::string_view options) {
  // "...; gcache.size = 128M; ..."
  const std::string_view key = "gcache.size = ";
  auto pos = options.find(key);
  if (pos == std::string_view::npos) return 0;
  auto rest = options.substr(pos + key.size());
  size_t digits = 0;
  while (digits < rest.size() && std::isdigit(static_cast<unsigned char>(rest[digits]))) ++digits;
  if (digits == 0) return 0;
  double value = static_cast<double>(*exporter::ParseUint(rest.substr(0, digits)));
  rest.remove_prefix(digits);
  double multiplier = 1;
  if (!rest.empty() && (rest[0] == 'M' || rest[0] == 'G')) {
    multiplier = rest[0] == 'M' ? 1024.0 * 1024 : 1024.0 * 1024 * 1024;
    rest.remove_prefix(1);
  }
  if (rest.empty() || rest[0] != ';') return 0;
  return value * multiplier;
}

void AppendGlobalStatus(const Table& table, Families& out) {
  auto commands =
      exporter::Counter(out, "mysql_global_status_commands_total", "Total number of executed MySQL commands.");
  auto handlers =
      exporter::Counter(out, "mysql_global_status_handlers_total", "Total number of executed MySQL handlers.");
  auto connection_errors =
      exporter::Counter(out, "mysql_global_status_connection_errors_total", "Total number of MySQL connection errors.");
  auto pages = exporter::Gauge(out, "mysql_global_status_buffer_pool_pages", "Innodb buffer pool pages by state.");
  auto dirty = exporter::Gauge(out, "mysql_global_status_buffer_pool_dirty_pages", "Innodb buffer pool dirty pages.");
  auto page_changes = exporter::Counter(out, "mysql_global_status_buffer_pool_page_changes_total",
                                        "Innodb buffer pool page state changes.");
  auto row_ops = exporter::Counter(out, "mysql_global_status_innodb_row_ops_total",
                                   "Total number of MySQL InnoDB row operations.");
  auto lost = exporter::Counter(
      out, "mysql_global_status_performance_schema_lost_total",
      "Total number of MySQL instrumentations that could not be loaded or created due to memory constraints.");

  std::string galera_local, galera_cluster, galera_provider;
  for (const auto& row : table.rows) {
    if (row.size() < 2 || !row[0] || !row[1]) continue;
    const std::string& raw_key = *row[0];
    auto value = ParseStatusValue(*row[1]);
    if (!value) {
      if (raw_key == "wsrep_local_state_uuid") galera_local = *row[1];
      if (raw_key == "wsrep_cluster_state_uuid") galera_cluster = *row[1];
      if (raw_key == "wsrep_provider_version") galera_provider = *row[1];
      continue;
    }
    std::string key = ValidPrometheusName(raw_key);
    std::string_view k = key;
    auto suffix = [&](std::string_view prefix) -> std::optional<std::string_view> {
      if (k.size() > prefix.size() && exporter::StartsWith(k, prefix)) return k.substr(prefix.size());
      if (k.size() == prefix.size() && k == prefix) return std::string_view();
      return std::nullopt;
    };
    if (auto s = suffix("com_")) {
      commands.Add(*value, {{"command", *s}});
    } else if (auto s = suffix("handler_")) {
      handlers.Add(*value, {{"handler", *s}});
    } else if (auto s = suffix("connection_errors_")) {
      connection_errors.Add(*value, {{"error", *s}});
    } else if (auto s = suffix("innodb_buffer_pool_pages_")) {
      if (*s == "data" || *s == "free" || *s == "misc" || *s == "old") {
        pages.Add(*value, {{"state", *s}});
      } else if (*s == "dirty") {
        dirty.Add(*value);
      } else if (*s != "total") {
        page_changes.Add(*value, {{"operation", *s}});
      }
    } else if (auto s = suffix("innodb_rows_")) {
      row_ops.Add(*value, {{"operation", *s}});
    } else if (auto s = suffix("performance_schema_")) {
      lost.Add(*value, {{"instrumentation", *s}});
    } else {
      exporter::Untyped(out, "mysql_global_status_" + key, "Generic metric from SHOW GLOBAL STATUS.").Add(*value);
    }
  }
  if (!galera_local.empty()) {
    exporter::Gauge(out, "mysql_galera_status_info", "PXC/Galera status information.")
        .Add(1, {{"wsrep_local_state_uuid", galera_local},
                 {"wsrep_cluster_state_uuid", galera_cluster},
                 {"wsrep_provider_version", galera_provider}});
  }
}

void AppendGlobalVariables(const Table& table, Families& out) {
  std::map<std::string, std::string, std::less<>> text = {
      {"innodb_version", ""},         {"version", ""},      {"version_comment", ""},       {"wsrep_cluster_name", ""},
      {"wsrep_provider_options", ""}, {"tx_isolation", ""}, {"transaction_isolation", ""},
  };
  for (const auto& row : table.rows) {
    if (row.size() < 2 || !row[0] || !row[1]) continue;
    std::string key = ValidPrometheusName(*row[0]);
    if (auto value = ParseStatusValue(*row[1])) {
      exporter::Gauge(out, "mysql_global_variables_" + key, "Generic gauge metric from SHOW GLOBAL VARIABLES.")
          .Add(*value);
    } else if (auto it = text.find(key); it != text.end()) {
      it->second = *row[1];
    }
  }
  exporter::Gauge(out, "mysql_version_info", "MySQL version and distribution.")
      .Add(1, {{"innodb_version", text["innodb_version"]},
               {"version", text["version"]},
               {"version_comment", text["version_comment"]}});
  if (!text["wsrep_cluster_name"].empty()) {
    exporter::Gauge(out, "mysql_galera_variables_info", "PXC/Galera variables information.")
        .Add(1, {{"wsrep_cluster_name", text["wsrep_cluster_name"]}});
  }
  if (!text["wsrep_provider_options"].empty()) {
    exporter::Gauge(out, "mysql_galera_gcache_size_bytes", "PXC/Galera gcache size.")
        .Add(ParseWsrepGcacheSize(text["wsrep_provider_options"]));
  }
  std::string level = text["transaction_isolation"].empty() ? text["tx_isolation"] : text["transaction_isolation"];
  if (!level.empty()) {
    exporter::Gauge(out, "mysql_transaction_isolation", "MySQL transaction isolation.").Add(1, {{"level", level}});
  }
}

namespace {
// MySQL 8.0.22+ SHOW REPLICA STATUS names -> the SHOW SLAVE STATUS names.
std::string SlaveColumnName(std::string_view column) {
  std::string out(column);
  auto replace = [&out](std::string_view from, std::string_view to) {
    for (size_t pos = out.find(from); pos != std::string::npos; pos = out.find(from, pos + to.size())) {
      out.replace(pos, from.size(), to);
    }
  };
  replace("Source", "Master");
  replace("source", "master");
  replace("Replica", "Slave");
  replace("replica", "slave");
  return Lower(out);
}
}  // namespace

void AppendSlaveStatus(const Table& table, Families& out) {
  std::vector<std::string> names;
  names.reserve(table.columns.size());
  for (const auto& column : table.columns) names.push_back(SlaveColumnName(column));
  auto find = [&](std::string_view name) {
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i] == name) return static_cast<int>(i);
    }
    return -1;
  };
  int master_uuid = find("master_uuid"), master_host = find("master_host");
  int channel_name = find("channel_name"), connection_name = find("connection_name");
  for (const auto& row : table.rows) {
    auto cell = [&](int index) {
      return index >= 0 && index < static_cast<int>(row.size()) ? CellText(row[index]) : "";
    };
    std::string host = cell(master_host), uuid = cell(master_uuid), channel = cell(channel_name),
                connection = cell(connection_name);
    for (size_t i = 0; i < names.size() && i < row.size(); ++i) {
      if (!row[i]) continue;
      auto value = ParseStatusValue(*row[i]);
      if (!value) continue;
      exporter::Untyped(out, "mysql_slave_status_" + names[i], "Generic metric from SHOW SLAVE STATUS.")
          .Add(*value, {{"channel_name", channel},
                        {"connection_name", connection},
                        {"master_host", host},
                        {"master_uuid", uuid}});
    }
  }
}

void AppendProcesslist(const Table& table, const ProcesslistOptions& options, Families& out) {
  std::map<std::pair<std::string, std::string>, std::pair<uint64_t, uint64_t>> by_state;
  std::map<std::string, uint64_t> by_user, by_host;
  for (const auto& row : table.rows) {
    if (row.size() < 6) continue;
    std::string user = CellText(row[0]);
    std::string host = CellText(row[1]);
    if (host.empty()) host = "unknown";
    auto count = CellCount(row[4]);
    auto seconds = CellCount(row[5]);
    auto& entry = by_state[{SanitizeState(CellText(row[2])), SanitizeState(CellText(row[3]))}];
    entry.first += count;
    entry.second += seconds;
    by_user[user] += count;
    by_host[host] += count;
  }
  auto threads =
      exporter::Gauge(out, "mysql_info_schema_processlist_threads", "The number of threads split by current state.");
  auto seconds = exporter::Gauge(out, "mysql_info_schema_processlist_seconds",
                                 "The number of seconds threads have used split by current state.");
  for (const auto& [key, value] : by_state) {
    threads.Add(static_cast<double>(value.first), {{"command", key.first}, {"state", key.second}});
    seconds.Add(static_cast<double>(value.second), {{"command", key.first}, {"state", key.second}});
  }
  if (options.by_host) {
    auto hosts =
        exporter::Gauge(out, "mysql_info_schema_processlist_processes_by_host", "The number of processes by host.");
    for (const auto& [host, count] : by_host) hosts.Add(static_cast<double>(count), {{"client_host", host}});
  }
  if (options.by_user) {
    auto users =
        exporter::Gauge(out, "mysql_info_schema_processlist_processes_by_user", "The number of processes by user.");
    for (const auto& [user, count] : by_user) users.Add(static_cast<double>(count), {{"mysql_user", user}});
  }
}

void AppendInnodbCmp(const Table& table, Families& out) {
  auto ops = exporter::Counter(out, "mysql_info_schema_innodb_cmp_compress_ops_total",
                               "Number of times a B-tree page of the size PAGE_SIZE has been compressed.");
  auto ops_ok =
      exporter::Counter(out, "mysql_info_schema_innodb_cmp_compress_ops_ok_total",
                        "Number of times a B-tree page of the size PAGE_SIZE has been successfully compressed.");
  auto time = exporter::Counter(out, "mysql_info_schema_innodb_cmp_compress_time_seconds_total",
                                "Total time in seconds spent in attempts to compress B-tree pages.");
  auto uops = exporter::Counter(out, "mysql_info_schema_innodb_cmp_uncompress_ops_total",
                                "Number of times a B-tree page of the size PAGE_SIZE has been uncompressed.");
  auto utime = exporter::Counter(out, "mysql_info_schema_innodb_cmp_uncompress_time_seconds_total",
                                 "Total time in seconds spent in uncompressing B-tree pages.");
  for (const auto& row : table.rows) {
    if (row.size() < 6) continue;
    std::string page_size = CellText(row[0]);
    ops.Add(CellNumber(row[1]), {{"page_size", page_size}});
    ops_ok.Add(CellNumber(row[2]), {{"page_size", page_size}});
    time.Add(CellNumber(row[3]), {{"page_size", page_size}});
    uops.Add(CellNumber(row[4]), {{"page_size", page_size}});
    utime.Add(CellNumber(row[5]), {{"page_size", page_size}});
  }
}

void AppendInnodbCmpMem(const Table& table, Families& out) {
  auto used = exporter::Counter(out, "mysql_info_schema_innodb_cmpmem_pages_used_total",
                                "Number of blocks of the size PAGE_SIZE that are currently in use.");
  auto free = exporter::Counter(out, "mysql_info_schema_innodb_cmpmem_pages_free_total",
                                "Number of blocks of the size PAGE_SIZE that are currently available for allocation.");
  auto ops = exporter::Counter(out, "mysql_info_schema_innodb_cmpmem_relocation_ops_total",
                               "Number of times a block of the size PAGE_SIZE has been relocated.");
  auto time = exporter::Counter(out, "mysql_info_schema_innodb_cmpmem_relocation_time_seconds_total",
                                "Total time in seconds spent in relocating blocks.");
  for (const auto& row : table.rows) {
    if (row.size() < 6) continue;
    std::string page_size = CellText(row[0]), buffer_pool = CellText(row[1]);
    used.Add(CellNumber(row[2]), {{"buffer_pool", buffer_pool}, {"page_size", page_size}});
    free.Add(CellNumber(row[3]), {{"buffer_pool", buffer_pool}, {"page_size", page_size}});
    ops.Add(CellNumber(row[4]), {{"buffer_pool", buffer_pool}, {"page_size", page_size}});
    // RELOCATION_TIME is in microseconds; 0.14 divides by 1000 (kept for compatibility).
    time.Add(CellNumber(row[5]) / 1000, {{"buffer_pool", buffer_pool}, {"page_size", page_size}});
  }
}

void AppendQueryResponseTime(const Table& table, const std::string& name, const std::string& help, Families& out) {
  uint64_t count = 0;
  double sum = 0;
  std::map<double, uint64_t> buckets;
  for (const auto& row : table.rows) {
    if (row.size() < 3) continue;
    double upper = CellNumber(row[0]);
    count += CellCount(row[1]);
    sum += CellNumber(row[2]);
    // The "TOO LONG" row parses as 0: it counts, but is no bucket.
    if (upper == 0) continue;
    buckets[upper] = count;
  }
  prometheus::MetricFamily family;
  family.name = name;
  family.help = help;
  family.type = prometheus::MetricType::Histogram;
  auto& metric = family.metric.emplace_back();
  metric.histogram.sample_count = count;
  metric.histogram.sample_sum = sum;
  for (const auto& [upper, cumulative] : buckets) {
    prometheus::ClientMetric::Bucket bucket;
    bucket.upper_bound = upper;
    bucket.cumulative_count = cumulative;
    metric.histogram.bucket.push_back(bucket);
  }
  prometheus::ClientMetric::Bucket inf;
  inf.upper_bound = std::numeric_limits<double>::infinity();
  inf.cumulative_count = count;
  metric.histogram.bucket.push_back(inf);
  out.push_back(std::move(family));
}

void AppendTables(const Table& table, Families& out) {
  auto version = exporter::Gauge(out, "mysql_info_schema_table_version", "The version number of the table's .frm file");
  auto rows = exporter::Gauge(out, "mysql_info_schema_table_rows",
                              "The estimated number of rows in the table from information_schema.tables");
  auto size = exporter::Gauge(out, "mysql_info_schema_table_size",
                              "The size of the table components from information_schema.tables");
  for (const auto& row : table.rows) {
    if (row.size() < 11) continue;
    std::string schema = CellText(row[0]), name = CellText(row[1]);
    version.Add(CellNumber(row[4]), {{"create_options", CellText(row[10])},
                                     {"engine", CellText(row[3])},
                                     {"row_format", CellText(row[5])},
                                     {"schema", schema},
                                     {"table", name},
                                     {"type", CellText(row[2])}});
    rows.Add(CellNumber(row[6]), {{"schema", schema}, {"table", name}});
    size.Add(CellNumber(row[7]), {{"component", "data_length"}, {"schema", schema}, {"table", name}});
    size.Add(CellNumber(row[8]), {{"component", "index_length"}, {"schema", schema}, {"table", name}});
    size.Add(CellNumber(row[9]), {{"component", "data_free"}, {"schema", schema}, {"table", name}});
  }
}

}  // namespace mysqld
