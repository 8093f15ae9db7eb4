#include "exporter/collector.h"
#include "exporter/exporter_app.h"
#include "exporter/log.h"
#include "runtime.h"

int main(int argc, char** argv) {
  exporter::ExporterApp app(
      {"mattermost_exporter", "Mattermost Exporter", ":8067",
       "Prometheus exporter for an application server: its process and its database connections."});
  auto& runtime = exporter::mattermost::GlobalRuntime();
  exporter::mattermost::AddFlags(app.cli(), runtime.settings);
  auto& registry = exporter::CollectorRegistry<exporter::Collector>::Instance();
  exporter::CollectorSelection selection("collector", true);
  selection.AddFlags(app.cli(), registry);
  if (auto exit_code = app.ParseFlags(argc, argv)) return *exit_code;
  if (auto status = runtime.Start(); !status) {
    exporter::log::Error("cannot start", {{"err", status.message()}});
    return 1;
  }
  const auto& settings = runtime.settings;
  if (settings.db_master.empty() && settings.db_replicas.empty() && settings.mattermost_config.empty() &&
      settings.config_file.empty()) {
    // Process metrics alone are worth serving (a container's sidecar, say); the counts stay 0.
    exporter::log::Warn("no databases given (--db.master/--db.replica, --mattermost.config or --config.file): "
                        "connection counts will be 0");
  }

  // SIGHUP and POST /-/reload re-read --config.file and --mattermost.config;
  // the listener stays. A bad file keeps the previous config (the core logs why).
  app.OnReload("mattermost config", [&runtime] { return runtime.Reload(); });

  exporter::CollectorScraper scraper(app, exporter::CreateEnabledCollectors(registry, selection), selection,
                                     runtime.settings.metric_namespace);
  return app.Serve([&](const exporter::HttpRequest& request) { return scraper.Handle(request); });
}
