// pg_replication_lag and pg_replication_is_replica, as the reference's queries.yaml defines them.
#include "column_map.h"

namespace postgres {
namespace {

const std::vector<ColumnSpec> kSpec = {
    {"lag", ColumnUsage::kGauge, "Replication lag behind master in seconds"},
    {"is_replica", ColumnUsage::kGauge, "Indicates if the server is a replica"},
};

class ReplicationCollector : public PgCollector {
 public:
  std::vector<std::string> Queries(const PgContext&) const override {
    return {
        "SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0 ELSE GREATEST(0, EXTRACT(EPOCH FROM "
        "(now() - pg_last_xact_replay_timestamp()))) END::float8 AS lag, "
        "CASE WHEN pg_is_in_recovery() THEN 1 ELSE 0 END AS is_replica"};
  }

  Status Collect(const PgContext& ctx, const std::vector<pqxx::result>& results, Families& out) override {
    MapColumns(ctx, results[0], "pg_replication", kSpec, out);
    return {};
  }
};

}  // namespace
EXPORTER_REGISTER_COLLECTOR(postgres::PgCollector, "replication", true, ReplicationCollector);
}  // namespace postgres
