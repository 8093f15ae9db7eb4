// pg_stat_database_* from SELECT * FROM pg_stat_database with the reference's column map.
#include "column_map.h"

namespace postgres {
namespace {

const std::vector<ColumnSpec> kSpec = {
    {"datid", ColumnUsage::kLabel, "OID of a database"},
    {"datname", ColumnUsage::kLabel, "Name of this database"},
    {"numbackends", ColumnUsage::kGauge,
     "Number of backends currently connected to this database. This is the only column in this view that returns a "
     "value reflecting current state; all other columns return the accumulated values since the last reset."},
    {"xact_commit", ColumnUsage::kCounter, "Number of transactions in this database that have been committed"},
    {"xact_rollback", ColumnUsage::kCounter, "Number of transactions in this database that have been rolled back"},
    {"blks_read", ColumnUsage::kCounter, "Number of disk blocks read in this database"},
    {"blks_hit", ColumnUsage::kCounter,
     "Number of times disk blocks were found already in the buffer cache, so that a read was not necessary (this "
     "only includes hits in the PostgreSQL buffer cache, not the operating system's file system cache)"},
    {"tup_returned", ColumnUsage::kCounter, "Number of rows returned by queries in this database"},
    {"tup_fetched", ColumnUsage::kCounter, "Number of rows fetched by queries in this database"},
    {"tup_inserted", ColumnUsage::kCounter, "Number of rows inserted by queries in this database"},
    {"tup_updated", ColumnUsage::kCounter, "Number of rows updated by queries in this database"},
    {"tup_deleted", ColumnUsage::kCounter, "Number of rows deleted by queries in this database"},
    {"conflicts", ColumnUsage::kCounter,
     "Number of queries canceled due to conflicts with recovery in this database. (Conflicts occur only on standby "
     "servers; see pg_stat_database_conflicts for details.)"},
    {"temp_files", ColumnUsage::kCounter,
     "Number of temporary files created by queries in this database. All temporary files are counted, regardless of "
     "why the temporary file was created (e.g., sorting or hashing), and regardless of the log_temp_files setting."},
    {"temp_bytes", ColumnUsage::kCounter,
     "Total amount of data written to temporary files by queries in this database. All temporary files are counted, "
     "regardless of why the temporary file was created, and regardless of the log_temp_files setting."},
    {"deadlocks", ColumnUsage::kCounter, "Number of deadlocks detected in this database"},
    {"blk_read_time", ColumnUsage::kCounter,
     "Time spent reading data file blocks by backends in this database, in milliseconds"},
    {"blk_write_time", ColumnUsage::kCounter,
     "Time spent writing data file blocks by backends in this database, in milliseconds"},
    {"stats_reset", ColumnUsage::kCounter, "Time at which these statistics were last reset"},
};

class StatDatabaseCollector : public PgCollector {
 public:
  std::vector<std::string> Queries(const PgContext&) const override { return {"SELECT * FROM pg_stat_database"}; }

  Status Collect(const PgContext& ctx, const std::vector<pqxx::result>& results, Families& out) override {
    MapColumns(ctx, results[0], "pg_stat_database", kSpec, out);
    return {};
  }
};

}  // namespace
EXPORTER_REGISTER_COLLECTOR(postgres::PgCollector, "stat_database", true, StatDatabaseCollector);
}  // namespace postgres
