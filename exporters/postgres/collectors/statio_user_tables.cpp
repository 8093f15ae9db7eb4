// pg_statio_user_tables_* of the connected database (off by default).
#include "column_map.h"

namespace postgres {
namespace {

const std::vector<ColumnSpec> kSpec = {
    {"datname", ColumnUsage::kLabel, "Name of current database"},
    {"schemaname", ColumnUsage::kLabel, "Name of the schema that this table is in"},
    {"relname", ColumnUsage::kLabel, "Name of this table"},
    {"heap_blks_read", ColumnUsage::kCounter, "Number of disk blocks read from this table"},
    {"heap_blks_hit", ColumnUsage::kCounter, "Number of buffer hits in this table"},
    {"idx_blks_read", ColumnUsage::kCounter, "Number of disk blocks read from all indexes on this table"},
    {"idx_blks_hit", ColumnUsage::kCounter, "Number of buffer hits in all indexes on this table"},
    {"toast_blks_read", ColumnUsage::kCounter, "Number of disk blocks read from this table's TOAST table (if any)"},
    {"toast_blks_hit", ColumnUsage::kCounter, "Number of buffer hits in this table's TOAST table (if any)"},
    {"tidx_blks_read", ColumnUsage::kCounter,
     "Number of disk blocks read from this table's TOAST table indexes (if any)"},
    {"tidx_blks_hit", ColumnUsage::kCounter, "Number of buffer hits in this table's TOAST table indexes (if any)"},
};

class StatioUserTablesCollector : public PgCollector {
 public:
  std::vector<std::string> Queries(const PgContext&) const override {
    return {
        "SELECT current_database() AS datname, schemaname, relname, heap_blks_read, heap_blks_hit, "
        "idx_blks_read, idx_blks_hit, toast_blks_read, toast_blks_hit, tidx_blks_read, tidx_blks_hit "
        "FROM pg_statio_user_tables"};
  }

  Status Collect(const PgContext& ctx, const std::vector<pqxx::result>& results, Families& out) override {
    MapColumns(ctx, results[0], "pg_statio_user_tables", kSpec, out);
    return {};
  }
};

}  // namespace
EXPORTER_REGISTER_COLLECTOR(postgres::PgCollector, "statio_user_tables", false, StatioUserTablesCollector);
}  // namespace postgres
