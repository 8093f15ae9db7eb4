#include <CLI/CLI.hpp>
#include <cstdio>

#include "config.h"
#include "exporter/collector.h"
#include "exporter/config_file.h"
#include "exporter/exporter_app.h"
#include "exporter/log.h"
#include "pg_collector.h"
#include "scraper.h"

namespace {
// The reference's flags that select its builtin queries.
const char* const kDefaultMetricCollectors[] = {"stat_database",    "stat_database_conflicts", "stat_activity", "locks",
                                                "stat_replication", "replication_slot",        "stat_archiver"};
}  // namespace

int main(int argc, char** argv) {
  exporter::ExporterApp app(
      {"postgres_exporter", "Postgres Exporter", ":9187", "Prometheus exporter for PostgreSQL server metrics."});
  auto& registry = postgres::PgCollectorRegistry::Instance();
  exporter::CollectorSelection selection("collector", true);
  selection.AddFlags(app.cli(), registry);

  std::string config_file;
  double reauth_interval = 300;
  bool disable_default_metrics = false, disable_settings_metrics = false, auto_discover = false;
  std::string constant_labels, extend_query_path, exclude_databases, include_databases;
  std::string metric_prefix = "pg";
  auto& cli = app.cli();
  cli.add_option("--config.file", config_file,
                 "my.cnf-style file: [client] holds libpq keywords (host, port, user, password, dbname, sslmode, ...) "
                 "for the servers of /metrics when no DATA_SOURCE_* variable is set; [client.NAME] groups inherit "
                 "[client] and are /probe auth modules.");
  cli.add_option("--connection.reauth-interval", reauth_interval,
                 "Log in afresh at least this often (seconds) even when no role changed, to notice pg_hba.conf "
                 "changes; role changes are noticed on the next scrape.")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cli.add_flag("--disable-default-metrics", disable_default_metrics,
               "Do not include default metrics (the reference's builtin queries).");
  cli.add_flag("--disable-settings-metrics", disable_settings_metrics, "Do not include pg_settings metrics.");
  cli.add_option("--constantLabels", constant_labels, "A list of label=value separated by comma(,).");
  cli.add_flag("--auto-discover-databases", auto_discover, "Accepted for compatibility; not supported (ignored).");
  cli.add_option("--extend.query-path", extend_query_path, "Accepted for compatibility; not supported (ignored).");
  cli.add_option("--exclude-databases", exclude_databases, "Accepted for compatibility; not supported (ignored).");
  cli.add_option("--include-databases", include_databases, "Accepted for compatibility; not supported (ignored).");
  cli.add_option("--metric-prefix", metric_prefix, "Only \"pg\" is supported.")->capture_default_str();
  if (auto exit_code = app.ParseFlags(argc, argv)) return *exit_code;

  if (metric_prefix != "pg") {
    std::fprintf(stderr, "postgres_exporter: error: --metric-prefix other than \"pg\" is not supported\n");
    return 1;
  }
  if (auto_discover || !extend_query_path.empty() || !exclude_databases.empty() || !include_databases.empty()) {
    exporter::log::Warn(
        "ignoring unsupported reference flags (--auto-discover-databases, --extend.query-path, "
        "--exclude-databases, --include-databases)");
  }
  auto labels = postgres::ParseConstantLabels(constant_labels);
  if (!labels) {
    std::fprintf(stderr, "postgres_exporter: error: %s\n", labels.error().c_str());
    return 1;
  }

  const std::optional<std::string> config_path =
      config_file.empty() ? std::nullopt : std::optional<std::string>(config_file);
  // Reads --config.file and the DATA_SOURCE_* variables (and the files their
  // *_FILE variants name): at start-up and on every reload.
  auto load_config = [&]() -> exporter::Expected<postgres::Config> {
    auto loaded = postgres::LoadConfig(config_path, postgres::ProcessEnvironment());
    if (!loaded) return loaded;
    if (loaded->targets.empty() && loaded->auth_modules.empty()) {
      return exporter::Status::Error(
          "no data source: set DATA_SOURCE_NAME (or DATA_SOURCE_URI, DATA_SOURCE_USER, DATA_SOURCE_PASS) or give "
          "--config.file with a [client] group");
    }
    if (config_path) {
      bool has_password = false;
      for (const auto& [name, params] : loaded->auth_modules) has_password |= params.count("password") > 0;
      if (has_password) exporter::WarnIfReadableByOthers(*config_path);
    }
    return loaded;
  };
  auto config = load_config();
  if (!config) {
    exporter::log::Error("cannot load configuration", {{"err", config.error()}});
    std::fprintf(stderr, "postgres_exporter: error: %s\n", config.error().c_str());
    return 1;
  }
  for (const auto& params : config->targets) {
    exporter::log::Info("data source", {{"from", config->targets_origin}, {"dsn", postgres::MaskedDsn(params)}});
  }

  auto collectors = exporter::CreateEnabledCollectors(registry, selection);
  if (disable_default_metrics) {
    for (const char* name : kDefaultMetricCollectors) collectors.erase(name);
  }
  if (disable_settings_metrics) collectors.erase("settings");

  postgres::PostgresScraper scraper(app, std::move(collectors), *config, {reauth_interval, *labels});
  app.server().Route("/probe", [&](const exporter::HttpRequest& request) { return scraper.HandleProbe(request); });
  // SIGHUP and POST /-/reload: a config that fails to load leaves the old one
  // in force (the core logs why; messages never carry a password).
  app.OnReload("postgres config", [&]() -> exporter::Status {
    auto reloaded = load_config();
    if (!reloaded) return reloaded.status();
    scraper.Reconfigure(*reloaded);
    return {};
  });
  return app.Serve([&](const exporter::HttpRequest& request) { return scraper.HandleMetrics(request); });
}
