#pragma once

// Pure conversions of what MySQL returns into metric values and names, as
// mysqld_exporter 0.14 does them. No I/O here: everything is unit-tested on
// literal strings.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "exporter/metrics.h"

namespace mysqld {

// One result set: column names and rows, NULL as nullopt.
struct Table {
  using Cell = std::optional<std::string>;
  std::vector<std::string> columns;
  std::vector<std::vector<Cell>> rows;

  // Index of a column by exact name, or -1.
  int ColumnIndex(std::string_view name) const;
};

// A status or variable value as a number: ON/YES/PRIMARY -> 1, OFF/NO/DISABLED/
// CONNECTING/NON-PRIMARY/DISCONNECTED -> 0 (case-insensitive), dates
// ("Jan 02 15:04:05 2006 GMT", "2006-01-02 15:04:05", UTC) -> Unix seconds, else
// a Go-syntax float. nullopt for anything else (free text), which is skipped.
std::optional<double> ParseStatusValue(std::string_view value);

// A number as Go's strconv.ParseFloat accepts it (no blanks, no hex mantissa without exponent).
std::optional<double> ParseGoFloat(std::string_view text);

// Non [a-zA-Z0-9_] characters to '_', then lower case.
std::string ValidPrometheusName(std::string_view name);

// Thread commands and states as label values: empty -> "unknown", lower case,
// ";,:.()" dropped, blanks and '-' to '_'.
std::string SanitizeState(std::string_view state);

// The gcache.size of wsrep_provider_options in bytes (M and G suffixes), 0 when absent.
double ParseWsrepGcacheSize(std::string_view provider_options);

// SHOW GLOBAL STATUS rows (name, value) -> mysql_global_status_* families,
// with Com_*, Handler_*, Connection_errors_*, Innodb_buffer_pool_pages_*,
// Innodb_rows_* and Performance_schema_* regrouped into labelled families.
void AppendGlobalStatus(const Table& table, exporter::Families& out);

// SHOW GLOBAL VARIABLES rows -> mysql_global_variables_*, mysql_version_info,
// mysql_transaction_isolation and the Galera info families.
void AppendGlobalVariables(const Table& table, exporter::Families& out);

// SHOW [ALL] SLAVE STATUS / SHOW REPLICA STATUS -> mysql_slave_status_*.
// MySQL 8's Source/Replica column names are mapped to the Master/Slave names.
void AppendSlaveStatus(const Table& table, exporter::Families& out);

// The processlist query's rows (user, host, command, state, processes, seconds).
struct ProcesslistOptions {
  bool by_user = true;
  bool by_host = true;
};
void AppendProcesslist(const Table& table, const ProcesslistOptions& options, exporter::Families& out);

// information_schema.innodb_cmp / innodb_cmpmem rows.
void AppendInnodbCmp(const Table& table, exporter::Families& out);
void AppendInnodbCmpMem(const Table& table, exporter::Families& out);

// One query_response_time table (time, count, total) -> a histogram family.
void AppendQueryResponseTime(const Table& table, const std::string& name, const std::string& help,
                             exporter::Families& out);

// information_schema.tables rows (schema, name, type, engine, version,
// row_format, rows, data_length, index_length, data_free, create_options).
void AppendTables(const Table& table, exporter::Families& out);

}  // namespace mysqld
