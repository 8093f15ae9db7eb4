// pg_stat_user_tables_* of the connected database (off by default), as the
// reference's example queries.yaml names them.
#include "column_map.h"

namespace postgres {
namespace {

const std::vector<ColumnSpec> kSpec = {
    {"datname", ColumnUsage::kLabel, "Name of current database"},
    {"schemaname", ColumnUsage::kLabel, "Name of the schema that this table is in"},
    {"relname", ColumnUsage::kLabel, "Name of this table"},
    {"seq_scan", ColumnUsage::kCounter, "Number of sequential scans initiated on this table"},
    {"seq_tup_read", ColumnUsage::kCounter, "Number of live rows fetched by sequential scans"},
    {"idx_scan", ColumnUsage::kCounter, "Number of index scans initiated on this table"},
    {"idx_tup_fetch", ColumnUsage::kCounter, "Number of live rows fetched by index scans"},
    {"n_tup_ins", ColumnUsage::kCounter, "Number of rows inserted"},
    {"n_tup_upd", ColumnUsage::kCounter, "Number of rows updated"},
    {"n_tup_del", ColumnUsage::kCounter, "Number of rows deleted"},
    {"n_tup_hot_upd", ColumnUsage::kCounter,
     "Number of rows HOT updated (i.e., with no separate index update required)"},
    {"n_live_tup", ColumnUsage::kGauge, "Estimated number of live rows"},
    {"n_dead_tup", ColumnUsage::kGauge, "Estimated number of dead rows"},
    {"n_mod_since_analyze", ColumnUsage::kGauge, "Estimated number of rows changed since last analyze"},
    {"last_vacuum", ColumnUsage::kGauge,
     "Last time at which this table was manually vacuumed (not counting VACUUM FULL)"},
    {"last_autovacuum", ColumnUsage::kGauge, "Last time at which this table was vacuumed by the autovacuum daemon"},
    {"last_analyze", ColumnUsage::kGauge, "Last time at which this table was manually analyzed"},
    {"last_autoanalyze", ColumnUsage::kGauge, "Last time at which this table was analyzed by the autovacuum daemon"},
    {"vacuum_count", ColumnUsage::kCounter,
     "Number of times this table has been manually vacuumed (not counting VACUUM FULL)"},
    {"autovacuum_count", ColumnUsage::kCounter,
     "Number of times this table has been vacuumed by the autovacuum daemon"},
    {"analyze_count", ColumnUsage::kCounter, "Number of times this table has been manually analyzed"},
    {"autoanalyze_count", ColumnUsage::kCounter,
     "Number of times this table has been analyzed by the autovacuum daemon"},
};

class StatUserTablesCollector : public PgCollector {
 public:
  std::vector<std::string> Queries(const PgContext&) const override {
    return {
        "SELECT current_database() AS datname, schemaname, relname, seq_scan, seq_tup_read, "
        "idx_scan, idx_tup_fetch, n_tup_ins, n_tup_upd, n_tup_del, n_tup_hot_upd, n_live_tup, "
        "n_dead_tup, n_mod_since_analyze, "
        "extract(epoch from COALESCE(last_vacuum, '1970-01-01Z'))::float8 AS last_vacuum, "
        "extract(epoch from COALESCE(last_autovacuum, '1970-01-01Z'))::float8 AS last_autovacuum, "
        "extract(epoch from COALESCE(last_analyze, '1970-01-01Z'))::float8 AS last_analyze, "
        "extract(epoch from COALESCE(last_autoanalyze, '1970-01-01Z'))::float8 AS last_autoanalyze, "
        "vacuum_count, autovacuum_count, analyze_count, autoanalyze_count FROM pg_stat_user_tables"};
  }

  Status Collect(const PgContext& ctx, const std::vector<pqxx::result>& results, Families& out) override {
    MapColumns(ctx, results[0], "pg_stat_user_tables", kSpec, out);
    return {};
  }
};

}  // namespace
EXPORTER_REGISTER_COLLECTOR(postgres::PgCollector, "stat_user_tables", false, StatUserTablesCollector);
}  // namespace postgres
