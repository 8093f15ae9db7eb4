// pg_stat_replication_*: one series per WAL sender, with the reference's column
// map; slot_name comes from the sender's replication slot.
#include "column_map.h"

namespace postgres {
namespace {

const std::vector<ColumnSpec> kSpec = {
    {"pid", ColumnUsage::kDiscard, ""},
    {"usesysid", ColumnUsage::kDiscard, ""},
    {"usename", ColumnUsage::kDiscard, ""},
    {"application_name", ColumnUsage::kLabel, ""},
    {"client_addr", ColumnUsage::kLabel, ""},
    {"client_hostname", ColumnUsage::kDiscard, ""},
    {"client_port", ColumnUsage::kDiscard, ""},
    {"backend_start", ColumnUsage::kDiscard, ""},
    {"backend_xmin", ColumnUsage::kDiscard, ""},
    {"state", ColumnUsage::kLabel, ""},
    {"sent_lsn", ColumnUsage::kDiscard, ""},
    {"write_lsn", ColumnUsage::kDiscard, ""},
    {"flush_lsn", ColumnUsage::kDiscard, ""},
    {"replay_lsn", ColumnUsage::kDiscard, ""},
    {"write_lag", ColumnUsage::kDiscard, ""},
    {"flush_lag", ColumnUsage::kDiscard, ""},
    {"replay_lag", ColumnUsage::kDiscard, ""},
    {"sync_priority", ColumnUsage::kDiscard, ""},
    {"sync_state", ColumnUsage::kLabel, ""},
    {"slot_name", ColumnUsage::kLabel, ""},
    {"pg_current_wal_lsn", ColumnUsage::kDiscard, ""},
    {"pg_current_wal_lsn_bytes", ColumnUsage::kGauge, "WAL position in bytes"},
    {"pg_wal_lsn_diff", ColumnUsage::kGauge, "Lag in bytes between master and slave"},
};

class StatReplicationCollector : public PgCollector {
 public:
  std::vector<std::string> Queries(const PgContext&) const override {
    return {
        "SELECT r.*, s.slot_name, "
        "(CASE pg_is_in_recovery() WHEN 't' THEN NULL ELSE pg_current_wal_lsn() END) "
        "AS pg_current_wal_lsn, "
        "(CASE pg_is_in_recovery() WHEN 't' THEN NULL ELSE "
        "pg_wal_lsn_diff(pg_current_wal_lsn(), pg_lsn('0/0'))::float END) AS pg_current_wal_lsn_bytes, "
        "(CASE pg_is_in_recovery() WHEN 't' THEN NULL ELSE "
        "pg_wal_lsn_diff(pg_current_wal_lsn(), r.replay_lsn)::float END) AS pg_wal_lsn_diff "
        "FROM pg_stat_replication r LEFT JOIN pg_replication_slots s ON s.active_pid = r.pid"};
  }

  Status Collect(const PgContext& ctx, const std::vector<pqxx::result>& results, Families& out) override {
    MapColumns(ctx, results[0], "pg_stat_replication", kSpec, out);
    return {};
  }
};

}  // namespace
EXPORTER_REGISTER_COLLECTOR(postgres::PgCollector, "stat_replication", true, StatReplicationCollector);
}  // namespace postgres
