#include "column_map.h"

#include <optional>

#include "values.h"

namespace postgres {

void MapColumns(const PgContext& ctx, const pqxx::result& result, std::string_view metric_namespace,
                const std::vector<ColumnSpec>& spec, Families& out) {
  const auto columns = static_cast<size_t>(result.columns());
  auto find_spec = [&](std::string_view column) -> const ColumnSpec* {
    for (const auto& s : spec) {
      if (s.column == column) return &s;
    }
    return nullptr;
  };

  // Label columns in the map's order; a column the server lacks gives "".
  std::vector<std::pair<std::string, std::optional<size_t>>> label_columns;
  for (const auto& s : spec) {
    if (s.usage != ColumnUsage::kLabel) continue;
    std::optional<size_t> index;
    for (size_t i = 0; i < columns; ++i) {
      if (s.column == result.column_name(static_cast<pqxx::row::size_type>(i))) index = i;
    }
    label_columns.emplace_back(std::string(s.column), index);
  }

  struct MetricColumn {
    size_t index;
    unsigned type_oid;
    size_t family;
  };
  std::vector<MetricColumn> metric_columns;
  const std::string prefix = std::string(metric_namespace) + "_";
  for (size_t i = 0; i < columns; ++i) {
    std::string_view name = result.column_name(static_cast<pqxx::row::size_type>(i));
    const ColumnSpec* s = find_spec(name);
    if (s && (s->usage == ColumnUsage::kLabel || s->usage == ColumnUsage::kDiscard)) continue;
    prometheus::MetricType type = prometheus::MetricType::Untyped;
    std::string help = "Unknown metric from " + std::string(metric_namespace);
    if (s) {
      type = s->usage == ColumnUsage::kCounter ? prometheus::MetricType::Counter : prometheus::MetricType::Gauge;
      help = std::string(s->help);
    }
    metric_columns.push_back(
        {i, static_cast<unsigned>(result.column_type(static_cast<pqxx::row::size_type>(i))), out.size()});
    exporter::FamilyBuilder(out, prefix + std::string(name), std::move(help), type);
  }

  for (const auto& row : result) {
    Labels labels;
    labels.reserve(label_columns.size() + ctx.server_labels().size());
    for (const auto& [label, index] : label_columns) {
      labels.emplace_back(label, index ? FieldText(row[static_cast<pqxx::row::size_type>(*index)]) : std::string());
    }
    labels.insert(labels.end(), ctx.server_labels().begin(), ctx.server_labels().end());
    for (const auto& column : metric_columns) {
      const auto& field = row[static_cast<pqxx::row::size_type>(column.index)];
      auto value = ColumnValue(field.c_str(), field.is_null(), column.type_oid);
      if (!value) continue;  // text the reference cannot convert either
      auto& family = out[column.family];
      auto& metric = family.metric.emplace_back();
      switch (family.type) {
        case prometheus::MetricType::Counter:
          metric.counter.value = *value;
          break;
        case prometheus::MetricType::Gauge:
          metric.gauge.value = *value;
          break;
        default:
          metric.untyped.value = *value;
          break;
      }
      metric.label.reserve(labels.size());
      for (const auto& [k, v] : labels) metric.label.push_back({k, v});
    }
  }
}

}  // namespace postgres
