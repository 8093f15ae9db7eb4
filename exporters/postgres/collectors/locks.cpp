// pg_locks_count{datname,mode}: every database x every lock mode, as the reference.
#include "pg_collector.h"

namespace postgres {
namespace {

constexpr const char* kLocksQuery = R"SQL(
SELECT pg_database.datname, tmp.mode, COALESCE(count, 0) AS count
FROM (VALUES ('accesssharelock'), ('rowsharelock'), ('rowexclusivelock'), ('shareupdateexclusivelock'),
             ('sharelock'), ('sharerowexclusivelock'), ('exclusivelock'), ('accessexclusivelock'),
             ('sireadlock')) AS tmp(mode)
CROSS JOIN pg_database
LEFT JOIN (SELECT database, lower(mode) AS mode, count(*) AS count FROM pg_locks
           WHERE database IS NOT NULL GROUP BY database, lower(mode)) AS tmp2
  ON tmp.mode = tmp2.mode AND pg_database.oid = tmp2.database
ORDER BY 1)SQL";

class LocksCollector : public PgCollector {
 public:
  std::vector<std::string> Queries(const PgContext&) const override { return {kLocksQuery}; }

  Status Collect(const PgContext& ctx, const std::vector<pqxx::result>& results, Families& out) override {
    auto locks = exporter::Gauge(out, "pg_locks_count", "Number of locks");
    for (const auto& row : results[0]) {
      locks.Add(FieldDouble(row[2]), ctx.WithServer({{"datname", FieldText(row[0])}, {"mode", FieldText(row[1])}}));
    }
    return {};
  }
};

}  // namespace
EXPORTER_REGISTER_COLLECTOR(postgres::PgCollector, "locks", true, LocksCollector);
}  // namespace postgres
