// pg_stat_activity_count{datname,state} and pg_stat_activity_max_tx_duration as
// the reference (every database x every state, zeros included), plus the fuller
// pg_stat_activity_connections{datname,usename,application_name,state} of
// client connections.
#include "pg_collector.h"

namespace postgres {
namespace {

constexpr const char* kActivityQuery = R"SQL(
SELECT pg_database.datname, tmp.state, COALESCE(count, 0) AS count, COALESCE(max_tx_duration, 0) AS max_tx_duration
FROM (VALUES ('active'), ('idle'), ('idle in transaction'), ('idle in transaction (aborted)'),
             ('fastpath function call'), ('disabled')) AS tmp(state)
CROSS JOIN pg_database
LEFT JOIN (SELECT datname, state, count(*) AS count,
                  MAX(EXTRACT(EPOCH FROM now() - xact_start))::float AS max_tx_duration
           FROM pg_stat_activity GROUP BY datname, state) AS tmp2
  ON tmp.state = tmp2.state AND pg_database.datname = tmp2.datname)SQL";

class StatActivityCollector : public PgCollector {
 public:
  std::vector<std::string> Queries(const PgContext& ctx) const override {
    std::string connections = "SELECT datname, usename, application_name, state, count(*) FROM pg_stat_activity ";
    if (ctx.server_version() >= 100000) connections += "WHERE backend_type = 'client backend' ";
    return {kActivityQuery, connections + "GROUP BY 1, 2, 3, 4"};
  }

  Status Collect(const PgContext& ctx, const std::vector<pqxx::result>& results, Families& out) override {
    const auto& result = results[0];
    auto count = exporter::Gauge(out, "pg_stat_activity_count", "number of connections in this state");
    auto duration = exporter::Gauge(out, "pg_stat_activity_max_tx_duration",
                                    "max duration in seconds any active transaction has been running");
    for (const auto& row : result) {
      Labels labels = ctx.WithServer({{"datname", FieldText(row[0])}, {"state", FieldText(row[1])}});
      count.Add(FieldDouble(row[2]), labels);
      duration.Add(FieldDouble(row[3]), labels);
    }

    auto connections = exporter::Gauge(out, "pg_stat_activity_connections",
                                       "Client connections by database, user, application_name and state.");
    for (const auto& row : results[1]) {
      connections.Add(FieldDouble(row[4]), ctx.WithServer({{"datname", FieldText(row[0])},
                                                           {"usename", FieldText(row[1])},
                                                           {"application_name", FieldText(row[2])},
                                                           {"state", FieldText(row[3])}}));
    }
    return {};
  }
};

}  // namespace
EXPORTER_REGISTER_COLLECTOR(postgres::PgCollector, "stat_activity", true, StatActivityCollector);
}  // namespace postgres
