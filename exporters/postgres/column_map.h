#pragma once

#include <pqxx/result>
#include <string_view>
#include <vector>

#include "pg_collector.h"

namespace postgres {

// How postgres_exporter 0.11 maps the columns of a builtin view to metrics:
// label columns label every metric of the row, metric columns become
// <namespace>_<column>, columns not in the map become untyped metrics with
// the help "Unknown metric from <namespace>" (as the reference does for
// columns newer than its map), discarded columns are dropped.
enum class ColumnUsage { kLabel, kCounter, kGauge, kDiscard };

struct ColumnSpec {
  std::string_view column;
  ColumnUsage usage;
  std::string_view help;
};

// Appends the metrics of every row of `result` (server labels added).
void MapColumns(const PgContext& ctx, const pqxx::result& result, std::string_view metric_namespace,
                const std::vector<ColumnSpec>& spec, Families& out);

}  // namespace postgres
