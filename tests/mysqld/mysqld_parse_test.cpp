#include "mysqld_parse.h"

#include <gtest/gtest.h>

#include <cmath>

namespace mysqld {
namespace {

using exporter::Families;

const prometheus::MetricFamily* Find(const Families& families, const std::string& name) {
  for (const auto& family : families) {
    if (family.name == name && !family.metric.empty()) return &family;
  }
  return nullptr;
}

// The value of the sample of `name` whose labels include `labels`; NaN when absent.
double Value(const Families& families, const std::string& name,
             const std::vector<std::pair<std::string, std::string>>& labels = {}) {
  for (const auto& family : families) {
    if (family.name != name) continue;
    for (const auto& metric : family.metric) {
      bool match = true;
      for (const auto& [key, value] : labels) {
        bool found = false;
        for (const auto& label : metric.label) found |= label.name == key && label.value == value;
        match &= found;
      }
      if (!match) continue;
      switch (family.type) {
        case prometheus::MetricType::Counter: return metric.counter.value;
        case prometheus::MetricType::Gauge: return metric.gauge.value;
        default: return metric.untyped.value;
      }
    }
  }
  return std::nan("");
}

Table KeyValues(std::vector<std::pair<std::string, std::optional<std::string>>> rows) {
  Table table;
  table.columns = {"Variable_name", "Value"};
  for (auto& [key, value] : rows) table.rows.push_back({key, value});
  return table;
}

TEST(mysqld_parse, StatusValueWords) {
  EXPECT_EQ(ParseStatusValue("ON"), 1.0);
  EXPECT_EQ(ParseStatusValue("on"), 1.0);
  EXPECT_EQ(ParseStatusValue("Yes"), 1.0);
  EXPECT_EQ(ParseStatusValue("Primary"), 1.0);
  EXPECT_EQ(ParseStatusValue("OFF"), 0.0);
  EXPECT_EQ(ParseStatusValue("No"), 0.0);
  EXPECT_EQ(ParseStatusValue("DISABLED"), 0.0);
  EXPECT_EQ(ParseStatusValue("Connecting"), 0.0);
  EXPECT_EQ(ParseStatusValue("non-Primary"), 0.0);
  EXPECT_EQ(ParseStatusValue("Disconnected"), 0.0);
}

TEST(mysqld_parse, StatusValueNumbers) {
  EXPECT_EQ(ParseStatusValue("42"), 42.0);
  EXPECT_EQ(ParseStatusValue("-1.5"), -1.5);
  EXPECT_EQ(ParseStatusValue("1e3"), 1000.0);
  EXPECT_EQ(ParseStatusValue("18446744073709551615"), 18446744073709551615.0);
  EXPECT_FALSE(ParseStatusValue(""));
  EXPECT_FALSE(ParseStatusValue(" 5"));
  EXPECT_FALSE(ParseStatusValue("5 "));
  EXPECT_FALSE(ParseStatusValue("0x1A"));
  EXPECT_FALSE(ParseStatusValue("REPEATABLE-READ"));
  EXPECT_FALSE(ParseStatusValue("10.11.19-MariaDB"));
  EXPECT_FALSE(ParseStatusValue("/var/lib/mysql/"));
  EXPECT_FALSE(ParseStatusValue("utf8mb4"));
}

TEST(mysqld_parse, StatusValueDates) {
  // OpenSSL's certificate dates (Ssl_server_not_after) and SQL datetimes, as UTC.
  EXPECT_EQ(ParseStatusValue("Jan 02 15:04:05 2006 GMT"), 1136214245.0);
  EXPECT_EQ(ParseStatusValue("Dec 31 23:59:59 2037 UTC"), 2145916799.0);
  EXPECT_EQ(ParseStatusValue("2006-01-02 15:04:05"), 1136214245.0);
  EXPECT_EQ(ParseStatusValue("2024-02-29 00:00:00"), 1709164800.0);
  EXPECT_FALSE(ParseStatusValue("2023-02-29 00:00:00"));  // no such day
  EXPECT_FALSE(ParseStatusValue("2006-13-02 15:04:05"));
  EXPECT_FALSE(ParseStatusValue("2006-01-02 25:04:05"));
  EXPECT_FALSE(ParseStatusValue("Jan  2 15:04:05 2006 GMT"));  // Go's layout wants a 2-digit day
  EXPECT_FALSE(ParseStatusValue("Foo 02 15:04:05 2006 GMT"));
  EXPECT_FALSE(ParseStatusValue("2006-01-02T15:04:05"));
}

TEST(mysqld_parse, ValidPrometheusName) {
  EXPECT_EQ(ValidPrometheusName("Innodb_buffer_pool_pages_data"), "innodb_buffer_pool_pages_data");
  EXPECT_EQ(ValidPrometheusName("Rpl_semi-sync.x"), "rpl_semi_sync_x");
  EXPECT_EQ(ValidPrometheusName(""), "");
}

TEST(mysqld_parse, SanitizeState) {
  EXPECT_EQ(SanitizeState(""), "unknown");
  EXPECT_EQ(SanitizeState("Sending data"), "sending_data");
  EXPECT_EQ(SanitizeState("Waiting for table metadata lock"), "waiting_for_table_metadata_lock");
  EXPECT_EQ(SanitizeState("Slave has read all relay log; waiting for more updates"),
            "slave_has_read_all_relay_log_waiting_for_more_updates");
  EXPECT_EQ(SanitizeState("Binlog Dump (GTID)"), "binlog_dump_gtid");
  EXPECT_EQ(SanitizeState("Query"), "query");
  EXPECT_EQ(SanitizeState("Waiting on empty queue: x.y, z-w"), "waiting_on_empty_queue_xy_z_w");
}

TEST(mysqld_parse, WsrepGcacheSize) {
  EXPECT_EQ(ParseWsrepGcacheSize("base_dir = /var/lib/mysql/; gcache.size = 128M; gcache.page_size = 128M;"),
            128.0 * 1024 * 1024);
  EXPECT_EQ(ParseWsrepGcacheSize("gcache.size = 2G; x"), 2.0 * 1024 * 1024 * 1024);
  EXPECT_EQ(ParseWsrepGcacheSize("gcache.size = 4096; x"), 4096.0);
  EXPECT_EQ(ParseWsrepGcacheSize("gcache.name = x;"), 0.0);
  EXPECT_EQ(ParseWsrepGcacheSize("gcache.size = 12K;"), 0.0);
  EXPECT_EQ(ParseWsrepGcacheSize(""), 0.0);
}

TEST(mysqld_parse, GlobalStatusRegrouping) {
  Families out;
  AppendGlobalStatus(KeyValues({{"Com_select", "12"},
                                {"Com_alter_db", "0"},
                                {"Compression", "OFF"},
                                {"Handler_read_rnd_next", "7"},
                                {"Connection_errors_max_connections", "3"},
                                {"Innodb_buffer_pool_pages_data", "100"},
                                {"Innodb_buffer_pool_pages_free", "900"},
                                {"Innodb_buffer_pool_pages_dirty", "4"},
                                {"Innodb_buffer_pool_pages_total", "1000"},
                                {"Innodb_buffer_pool_pages_flushed", "55"},
                                {"Innodb_rows_read", "99"},
                                {"Innodb_row_lock_waits", "1"},
                                {"Performance_schema_accounts_lost", "2"},
                                {"Uptime", "3600"},
                                {"Ssl_cipher", ""},
                                {"Ssl_version", "TLSv1.3"},
                                {"Rsa_public_key", "-----BEGIN"},
                                {"Slave_running", "OFF"},
                                {"Null_value", std::nullopt}}),
                     out);
  EXPECT_EQ(Value(out, "mysql_global_status_commands_total", {{"command", "select"}}), 12);
  EXPECT_EQ(Value(out, "mysql_global_status_commands_total", {{"command", "alter_db"}}), 0);
  EXPECT_EQ(Value(out, "mysql_global_status_compression"), 0);  // "com" needs its underscore
  EXPECT_EQ(Value(out, "mysql_global_status_handlers_total", {{"handler", "read_rnd_next"}}), 7);
  EXPECT_EQ(Value(out, "mysql_global_status_connection_errors_total", {{"error", "max_connections"}}), 3);
  EXPECT_EQ(Value(out, "mysql_global_status_buffer_pool_pages", {{"state", "data"}}), 100);
  EXPECT_EQ(Value(out, "mysql_global_status_buffer_pool_pages", {{"state", "free"}}), 900);
  EXPECT_EQ(Value(out, "mysql_global_status_buffer_pool_dirty_pages"), 4);
  EXPECT_EQ(Value(out, "mysql_global_status_buffer_pool_page_changes_total", {{"operation", "flushed"}}), 55);
  EXPECT_TRUE(std::isnan(Value(out, "mysql_global_status_buffer_pool_pages", {{"state", "total"}})));
  EXPECT_TRUE(std::isnan(Value(out, "mysql_global_status_buffer_pool_page_changes_total", {{"operation", "total"}})));
  EXPECT_EQ(Value(out, "mysql_global_status_innodb_row_ops_total", {{"operation", "read"}}), 99);
  EXPECT_EQ(Value(out, "mysql_global_status_innodb_row_lock_waits"), 1);  // not a row op
  EXPECT_EQ(Value(out, "mysql_global_status_performance_schema_lost_total", {{"instrumentation", "accounts_lost"}}), 2);
  EXPECT_EQ(Value(out, "mysql_global_status_uptime"), 3600);
  EXPECT_EQ(Value(out, "mysql_global_status_slave_running"), 0);
  EXPECT_EQ(Find(out, "mysql_global_status_ssl_version"), nullptr);
  EXPECT_EQ(Find(out, "mysql_global_status_ssl_cipher"), nullptr);
  EXPECT_EQ(Find(out, "mysql_global_status_null_value"), nullptr);
  EXPECT_EQ(Find(out, "mysql_global_status_com_select"), nullptr);

  const auto* commands = Find(out, "mysql_global_status_commands_total");
  ASSERT_NE(commands, nullptr);
  EXPECT_EQ(commands->type, prometheus::MetricType::Counter);
  EXPECT_EQ(Find(out, "mysql_global_status_uptime")->type, prometheus::MetricType::Untyped);
  EXPECT_EQ(Find(out, "mysql_global_status_buffer_pool_pages")->type, prometheus::MetricType::Gauge);
  EXPECT_EQ(Find(out, "mysql_galera_status_info"), nullptr);
}

TEST(mysqld_parse, GlobalStatusGalera) {
  Families out;
  AppendGlobalStatus(KeyValues({{"wsrep_local_state_uuid", "a-b"},
                                {"wsrep_cluster_state_uuid", "c-d"},
                                {"wsrep_provider_version", "26.4.11(r)"},
                                {"wsrep_cluster_status", "Primary"}}),
                     out);
  EXPECT_EQ(Value(out, "mysql_galera_status_info",
                  {{"wsrep_local_state_uuid", "a-b"},
                   {"wsrep_cluster_state_uuid", "c-d"},
                   {"wsrep_provider_version", "26.4.11(r)"}}),
            1);
  EXPECT_EQ(Value(out, "mysql_global_status_wsrep_cluster_status"), 1);
}

TEST(mysqld_parse, GlobalVariables) {
  Families out;
  AppendGlobalVariables(KeyValues({{"max_connections", "151"},
                                   {"read_only", "OFF"},
                                   {"innodb_version", "10.11.19"},
                                   {"version", "10.11.19-MariaDB"},
                                   {"version_comment", "Debian 12"},
                                   {"tx_isolation", "READ-COMMITTED"},
                                   {"wsrep_cluster_name", "my_wsrep_cluster"},
                                   {"wsrep_provider_options", "gcache.size = 1M; x"},
                                   {"datadir", "/var/lib/mysql/"}}),
                        out);
  EXPECT_EQ(Value(out, "mysql_global_variables_max_connections"), 151);
  EXPECT_EQ(Value(out, "mysql_global_variables_read_only"), 0);
  EXPECT_EQ(Find(out, "mysql_global_variables_max_connections")->type, prometheus::MetricType::Gauge);
  EXPECT_EQ(Find(out, "mysql_global_variables_datadir"), nullptr);
  EXPECT_EQ(Value(out, "mysql_version_info",
                  {{"innodb_version", "10.11.19"}, {"version", "10.11.19-MariaDB"}, {"version_comment", "Debian 12"}}),
            1);
  EXPECT_EQ(Value(out, "mysql_transaction_isolation", {{"level", "READ-COMMITTED"}}), 1);
  EXPECT_EQ(Value(out, "mysql_galera_variables_info", {{"wsrep_cluster_name", "my_wsrep_cluster"}}), 1);
  EXPECT_EQ(Value(out, "mysql_galera_gcache_size_bytes"), 1024.0 * 1024);
}

TEST(mysqld_parse, GlobalVariablesMinimal) {
  Families out;
  AppendGlobalVariables(KeyValues({{"transaction_isolation", "SERIALIZABLE"}, {"tx_isolation", "READ-COMMITTED"}}),
                        out);
  // version_info is always there, even with empty labels.
  EXPECT_EQ(Value(out, "mysql_version_info", {{"version", ""}}), 1);
  EXPECT_EQ(Value(out, "mysql_transaction_isolation", {{"level", "SERIALIZABLE"}}), 1);
  EXPECT_EQ(Find(out, "mysql_galera_variables_info"), nullptr);
  EXPECT_EQ(Find(out, "mysql_galera_gcache_size_bytes"), nullptr);
}

TEST(mysqld_parse, SlaveStatusMariaDb) {
  Table table;
  table.columns = {"Connection_name",  "Slave_IO_State",    "Master_Host",
                   "Slave_IO_Running", "Slave_SQL_Running", "Seconds_Behind_Master",
                   "Last_Error",       "Master_Server_Id",  "Master_UUID"};
  table.rows.push_back({"", "Waiting for master", "db1", "Yes", "Connecting", "3", "", "1", std::nullopt});
  table.rows.push_back({"second", "", "db2", "No", "No", std::nullopt, "oops", "2", std::nullopt});
  Families out;
  AppendSlaveStatus(table, out);
  EXPECT_EQ(Value(out, "mysql_slave_status_slave_io_running", {{"master_host", "db1"}, {"connection_name", ""}}), 1);
  EXPECT_EQ(Value(out, "mysql_slave_status_slave_sql_running", {{"master_host", "db1"}}), 0);
  EXPECT_EQ(Value(out, "mysql_slave_status_seconds_behind_master", {{"master_host", "db1"}}), 3);
  EXPECT_EQ(Value(out, "mysql_slave_status_master_server_id", {{"connection_name", "second"}}), 2);
  EXPECT_EQ(Value(out, "mysql_slave_status_slave_io_running", {{"connection_name", "second"}}), 0);
  EXPECT_TRUE(std::isnan(Value(out, "mysql_slave_status_seconds_behind_master", {{"master_host", "db2"}})));
  EXPECT_EQ(Find(out, "mysql_slave_status_last_error"), nullptr);
  EXPECT_EQ(Find(out, "mysql_slave_status_master_host"), nullptr);
  const auto* family = Find(out, "mysql_slave_status_master_server_id");
  ASSERT_NE(family, nullptr);
  EXPECT_EQ(family->type, prometheus::MetricType::Untyped);
  std::set<std::string> names;
  for (const auto& label : family->metric[0].label) names.insert(label.name);
  EXPECT_EQ(names, (std::set<std::string>{"channel_name", "connection_name", "master_host", "master_uuid"}));
}

TEST(mysqld_parse, SlaveStatusMysql8ReplicaNames) {
  Table table;
  table.columns = {"Source_Host", "Replica_IO_Running", "Seconds_Behind_Source", "Source_UUID", "Channel_Name"};
  table.rows.push_back({"db1", "Yes", "0", "uuid-1", "ch"});
  Families out;
  AppendSlaveStatus(table, out);
  EXPECT_EQ(Value(out, "mysql_slave_status_slave_io_running",
                  {{"master_host", "db1"}, {"master_uuid", "uuid-1"}, {"channel_name", "ch"}}),
            1);
  EXPECT_EQ(Value(out, "mysql_slave_status_seconds_behind_master"), 0);
}

TEST(mysqld_parse, SlaveStatusNotAReplica) {
  Table table;
  table.columns = {"Connection_name", "Slave_IO_Running"};
  Families out;
  AppendSlaveStatus(table, out);
  for (const auto& family : out) EXPECT_TRUE(family.metric.empty()) << family.name;
}

TEST(mysqld_parse, Processlist) {
  Table table;
  table.columns = {"user", "host", "command", "state", "processes", "seconds"};
  table.rows.push_back({"app", "10.0.0.1", "Query", "Sending data", "3", "12"});
  table.rows.push_back({"app", "10.0.0.2", "Query", "Sending data", "1", "1"});
  table.rows.push_back({"app", "10.0.0.2", "Sleep", "", "5", "500"});
  table.rows.push_back({"event_scheduler", "", "Daemon", "Waiting on empty queue", "1", "100"});
  table.rows.push_back({"system user", std::nullopt, "", "", "2", std::nullopt});
  Families out;
  AppendProcesslist(table, {}, out);
  EXPECT_EQ(Value(out, "mysql_info_schema_processlist_threads", {{"command", "query"}, {"state", "sending_data"}}), 4);
  EXPECT_EQ(Value(out, "mysql_info_schema_processlist_seconds", {{"command", "query"}, {"state", "sending_data"}}), 13);
  EXPECT_EQ(Value(out, "mysql_info_schema_processlist_threads", {{"command", "sleep"}, {"state", "unknown"}}), 5);
  EXPECT_EQ(Value(out, "mysql_info_schema_processlist_threads", {{"command", "unknown"}, {"state", "unknown"}}), 2);
  EXPECT_EQ(Value(out, "mysql_info_schema_processlist_processes_by_user", {{"mysql_user", "app"}}), 9);
  EXPECT_EQ(Value(out, "mysql_info_schema_processlist_processes_by_user", {{"mysql_user", "system user"}}), 2);
  EXPECT_EQ(Value(out, "mysql_info_schema_processlist_processes_by_host", {{"client_host", "10.0.0.2"}}), 6);
  EXPECT_EQ(Value(out, "mysql_info_schema_processlist_processes_by_host", {{"client_host", "unknown"}}), 3);

  Families without;
  AppendProcesslist(table, {false, false}, without);
  EXPECT_EQ(Find(without, "mysql_info_schema_processlist_processes_by_user"), nullptr);
  EXPECT_EQ(Find(without, "mysql_info_schema_processlist_processes_by_host"), nullptr);
  EXPECT_NE(Find(without, "mysql_info_schema_processlist_threads"), nullptr);
}

TEST(mysqld_parse, InnodbCmpAndCmpMem) {
  Table cmp;
  cmp.columns = {"page_size", "compress_ops", "compress_ops_ok", "compress_time", "uncompress_ops", "uncompress_time"};
  cmp.rows.push_back({"1024", "10", "9", "2", "5", "1"});
  cmp.rows.push_back({"16384", "0", "0", "0", "0", "0"});
  Families out;
  AppendInnodbCmp(cmp, out);
  EXPECT_EQ(Value(out, "mysql_info_schema_innodb_cmp_compress_ops_total", {{"page_size", "1024"}}), 10);
  EXPECT_EQ(Value(out, "mysql_info_schema_innodb_cmp_compress_ops_ok_total", {{"page_size", "1024"}}), 9);
  EXPECT_EQ(Value(out, "mysql_info_schema_innodb_cmp_uncompress_time_seconds_total", {{"page_size", "1024"}}), 1);
  EXPECT_EQ(Value(out, "mysql_info_schema_innodb_cmp_compress_ops_total", {{"page_size", "16384"}}), 0);

  Table mem;
  mem.columns = {"page_size", "buffer_pool_instance", "pages_used", "pages_free", "relocation_ops", "relocation_time"};
  mem.rows.push_back({"1024", "0", "7", "3", "2", "5000"});
  Families mem_out;
  AppendInnodbCmpMem(mem, mem_out);
  EXPECT_EQ(
      Value(mem_out, "mysql_info_schema_innodb_cmpmem_pages_used_total", {{"page_size", "1024"}, {"buffer_pool", "0"}}),
      7);
  EXPECT_EQ(Value(mem_out, "mysql_info_schema_innodb_cmpmem_pages_free_total"), 3);
  EXPECT_EQ(Value(mem_out, "mysql_info_schema_innodb_cmpmem_relocation_time_seconds_total"), 5);
}

TEST(mysqld_parse, QueryResponseTimeHistogram) {
  Table table;
  table.columns = {"TIME", "COUNT", "TOTAL"};
  table.rows.push_back({"      0.000001", "2", "      0.000001"});
  table.rows.push_back({"      0.000010", "3", "      0.000020"});
  table.rows.push_back({"      1.000000", "5", "      2.000000"});
  table.rows.push_back({"TOO LONG", "1", "TOO LONG"});
  Families out;
  AppendQueryResponseTime(table, "mysql_info_schema_query_response_time_seconds", "h", out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].type, prometheus::MetricType::Histogram);
  const auto& histogram = out[0].metric[0].histogram;
  EXPECT_EQ(histogram.sample_count, 11u);
  EXPECT_DOUBLE_EQ(histogram.sample_sum, 2.000021);
  ASSERT_EQ(histogram.bucket.size(), 4u);
  EXPECT_EQ(histogram.bucket[0].upper_bound, 0.000001);
  EXPECT_EQ(histogram.bucket[0].cumulative_count, 2u);
  EXPECT_EQ(histogram.bucket[1].cumulative_count, 5u);
  EXPECT_EQ(histogram.bucket[2].cumulative_count, 10u);
  EXPECT_TRUE(std::isinf(histogram.bucket[3].upper_bound));
  EXPECT_EQ(histogram.bucket[3].cumulative_count, 11u);
}

TEST(mysqld_parse, Tables) {
  Table table;
  table.columns = {"TABLE_SCHEMA", "TABLE_NAME",  "TABLE_TYPE",   "ENGINE",    "VERSION",       "ROW_FORMAT",
                   "TABLE_ROWS",   "DATA_LENGTH", "INDEX_LENGTH", "DATA_FREE", "CREATE_OPTIONS"};
  table.rows.push_back({"shop", "orders", "BASE TABLE", "InnoDB", "10", "Dynamic", "1000", "16384", "8192", "0", ""});
  Families out;
  AppendTables(table, out);
  EXPECT_EQ(Value(out, "mysql_info_schema_table_rows", {{"schema", "shop"}, {"table", "orders"}}), 1000);
  EXPECT_EQ(Value(out, "mysql_info_schema_table_size", {{"component", "index_length"}}), 8192);
  EXPECT_EQ(Value(out, "mysql_info_schema_table_version", {{"engine", "InnoDB"}, {"type", "BASE TABLE"}}), 10);
}

TEST(mysqld_parse, MalformedRowsAreSkipped) {
  Table short_rows;
  short_rows.columns = {"a"};
  short_rows.rows.push_back({"x"});
  short_rows.rows.push_back({});
  Families out;
  AppendGlobalStatus(short_rows, out);
  AppendProcesslist(short_rows, {}, out);
  AppendInnodbCmp(short_rows, out);
  AppendTables(short_rows, out);
  for (const auto& family : out) EXPECT_TRUE(family.metric.empty()) << family.name;
}

}  // namespace
}  // namespace mysqld
