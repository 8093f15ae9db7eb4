// pg_stat_database_conflicts_confl_* with the reference's column map.
#include "column_map.h"

namespace postgres {
namespace {

const std::vector<ColumnSpec> kSpec = {
    {"datid", ColumnUsage::kLabel, "OID of a database"},
    {"datname", ColumnUsage::kLabel, "Name of this database"},
    {"confl_tablespace", ColumnUsage::kCounter,
     "Number of queries in this database that have been canceled due to dropped tablespaces"},
    {"confl_lock", ColumnUsage::kCounter,
     "Number of queries in this database that have been canceled due to lock timeouts"},
    {"confl_snapshot", ColumnUsage::kCounter,
     "Number of queries in this database that have been canceled due to old snapshots"},
    {"confl_bufferpin", ColumnUsage::kCounter,
     "Number of queries in this database that have been canceled due to pinned buffers"},
    {"confl_deadlock", ColumnUsage::kCounter,
     "Number of queries in this database that have been canceled due to deadlocks"},
};

class StatDatabaseConflictsCollector : public PgCollector {
 public:
  std::vector<std::string> Queries(const PgContext&) const override {
    return {"SELECT * FROM pg_stat_database_conflicts"};
  }

  Status Collect(const PgContext& ctx, const std::vector<pqxx::result>& results, Families& out) override {
    MapColumns(ctx, results[0], "pg_stat_database_conflicts", kSpec, out);
    return {};
  }
};

}  // namespace
EXPORTER_REGISTER_COLLECTOR(postgres::PgCollector, "stat_database_conflicts", true, StatDatabaseConflictsCollector);
}  // namespace postgres
