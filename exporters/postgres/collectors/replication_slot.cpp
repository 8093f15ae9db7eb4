// pg_replication_slots_{active,pg_wal_lsn_diff}{slot_name,database}, as the reference.
#include "column_map.h"

namespace postgres {
namespace {

const std::vector<ColumnSpec> kSpec = {
    {"slot_name", ColumnUsage::kLabel, "Name of the replication slot"},
    {"database", ColumnUsage::kLabel, "Name of the database"},
    {"active", ColumnUsage::kGauge, "Flag indicating if the slot is active"},
    {"pg_wal_lsn_diff", ColumnUsage::kGauge, "Replication lag in bytes"},
};

class ReplicationSlotCollector : public PgCollector {
 public:
  std::vector<std::string> Queries(const PgContext&) const override {
    return {
        "SELECT slot_name, database, active, (CASE pg_is_in_recovery() WHEN 't' THEN NULL ELSE "
        "pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::float END) AS pg_wal_lsn_diff "
        "FROM pg_replication_slots"};
  }

  Status Collect(const PgContext& ctx, const std::vector<pqxx::result>& results, Families& out) override {
    MapColumns(ctx, results[0], "pg_replication_slots", kSpec, out);
    return {};
  }
};

}  // namespace
EXPORTER_REGISTER_COLLECTOR(postgres::PgCollector, "replication_slot", true, ReplicationSlotCollector);
}  // namespace postgres
