// pg_database_size_bytes{datname}, as the reference's "database" collector.
#include "pg_collector.h"

namespace postgres {
namespace {

class DatabaseCollector : public PgCollector {
 public:
  std::vector<std::string> Queries(const PgContext&) const override {
    return {
        "SELECT datname, pg_database_size(oid) FROM pg_database "
        "WHERE has_database_privilege(oid, 'CONNECT') OR pg_has_role(session_user, 'pg_read_all_stats', 'MEMBER')"};
  }

  Status Collect(const PgContext& ctx, const std::vector<pqxx::result>& results, Families& out) override {
    // pg_database_size() needs CONNECT on the database or pg_read_all_stats;
    // databases the role may not size are left out rather than failing the query.
    const auto& result = results[0];
    auto size = exporter::Gauge(out, "pg_database_size_bytes", "Disk space used by the database");
    for (const auto& row : result) size.Add(FieldDouble(row[1]), ctx.WithServer({{"datname", FieldText(row[0])}}));
    return {};
  }
};

}  // namespace
EXPORTER_REGISTER_COLLECTOR(postgres::PgCollector, "database", true, DatabaseCollector);
}  // namespace postgres
