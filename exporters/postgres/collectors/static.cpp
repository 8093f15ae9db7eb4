// pg_static{short_version,version}: the server's version string.
#include "pg_collector.h"
#include "values.h"

namespace postgres {
namespace {

class StaticCollector : public PgCollector {
 public:
  std::vector<std::string> Queries(const PgContext&) const override { return {"SELECT version()"}; }

  Status Collect(const PgContext& ctx, const std::vector<pqxx::result>& results, Families& out) override {
    const auto& result = results[0];
    if (result.empty()) return Status::Error("version() returned no row");
    std::string version = FieldText(result[0][0]);
    exporter::Untyped(out, "pg_static", "Version string as reported by postgres")
        .Add(1, ctx.WithServer({{"short_version", ShortVersion(version)}, {"version", version}}));
    return {};
  }
};

}  // namespace
EXPORTER_REGISTER_COLLECTOR(postgres::PgCollector, "static", true, StaticCollector);
}  // namespace postgres
