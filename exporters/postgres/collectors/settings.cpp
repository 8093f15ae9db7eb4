// pg_settings_*: numeric and boolean server parameters, units normalised to
// seconds and bytes as the reference does (values.cpp).
#include "exporter/log.h"
#include "pg_collector.h"
#include "values.h"

namespace postgres {
namespace {

class SettingsCollector : public PgCollector {
 public:
  std::vector<std::string> Queries(const PgContext&) const override {
    return {
        "SELECT name, setting, COALESCE(unit, ''), vartype FROM pg_settings "
        "WHERE vartype IN ('bool', 'integer', 'real') AND name != 'sync_commit_cancel_wait'"};
  }

  Status Collect(const PgContext& ctx, const std::vector<pqxx::result>& results, Families& out) override {
    const auto& result = results[0];
    out.reserve(out.size() + result.size());
    int skipped = 0;
    for (const auto& row : result) {
      auto metric = SettingToMetric(row[0].c_str(), row[1].c_str(), row[2].c_str(), row[3].c_str());
      if (!metric) {
        ++skipped;  // an unknown unit: the reference panics; we leave the setting out
        continue;
      }
      exporter::Gauge(out, "pg_settings_" + metric->name, std::move(metric->help))
          .Add(metric->value, ctx.server_labels());
    }
    if (skipped) exporter::log::Debug("settings with unknown units skipped", {{"count", std::to_string(skipped)}});
    return {};
  }
};

}  // namespace
EXPORTER_REGISTER_COLLECTOR(postgres::PgCollector, "settings", true, SettingsCollector);
}  // namespace postgres
