// pg_postmaster_start_time_seconds, as the reference's queries.yaml defines it.
#include "pg_collector.h"

namespace postgres {
namespace {

class PostmasterCollector : public PgCollector {
 public:
  std::vector<std::string> Queries(const PgContext&) const override {
    return {"SELECT extract(epoch from pg_postmaster_start_time())::float8"};
  }

  Status Collect(const PgContext& ctx, const std::vector<pqxx::result>& results, Families& out) override {
    const auto& result = results[0];
    if (result.empty()) return Status::Error("pg_postmaster_start_time() returned no row");
    exporter::Gauge(out, "pg_postmaster_start_time_seconds", "Time at which postmaster started")
        .Add(FieldDouble(result[0][0]), ctx.server_labels());
    return {};
  }
};

}  // namespace
EXPORTER_REGISTER_COLLECTOR(postgres::PgCollector, "postmaster", true, PostmasterCollector);
}  // namespace postgres
