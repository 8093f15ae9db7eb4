// pg_stat_archiver_{archived_count,failed_count,last_archive_age}, as the reference.
#include "column_map.h"

namespace postgres {
namespace {

const std::vector<ColumnSpec> kSpec = {
    {"archived_count", ColumnUsage::kCounter, "Number of WAL files that have been successfully archived"},
    {"failed_count", ColumnUsage::kCounter, "Number of failed attempts for archiving WAL files"},
    {"last_archive_age", ColumnUsage::kGauge, "Time in seconds since last WAL segment was successfully archived"},
};

class StatArchiverCollector : public PgCollector {
 public:
  std::vector<std::string> Queries(const PgContext&) const override {
    return {
        "SELECT archived_count, failed_count, "
        "extract(epoch from now() - last_archived_time)::float8 AS last_archive_age "
        "FROM pg_stat_archiver"};
  }

  Status Collect(const PgContext& ctx, const std::vector<pqxx::result>& results, Families& out) override {
    MapColumns(ctx, results[0], "pg_stat_archiver", kSpec, out);
    return {};
  }
};

}  // namespace
EXPORTER_REGISTER_COLLECTOR(postgres::PgCollector, "stat_archiver", true, StatArchiverCollector);
}  // namespace postgres
