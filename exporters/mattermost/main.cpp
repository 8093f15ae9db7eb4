#include "exporter/collector.h"
#include "exporter/exporter_app.h"

int main(int argc, char** argv) {
  exporter::ExporterApp app({"mattermost_exporter", "Mattermost Exporter", ":8067",
                             "Prometheus exporter for an application server: its process and its database connections."});
  auto& registry = exporter::CollectorRegistry<exporter::Collector>::Instance();
  exporter::CollectorSelection selection("collector", true);
  selection.AddFlags(app.cli(), registry);
  if (auto exit_code = app.ParseFlags(argc, argv)) return *exit_code;

  exporter::CollectorScraper scraper(app, exporter::CreateEnabledCollectors(registry, selection), selection, "mattermost");
  return app.Serve([&](const exporter::HttpRequest& request) { return scraper.Handle(request); });
}
