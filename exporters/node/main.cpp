#include "exporter/collector.h"
#include "exporter/exporter_app.h"

int main(int argc, char** argv) {
  exporter::ExporterApp app({"node_exporter", "Node Exporter", ":9100",
                             "Prometheus exporter for hardware and OS metrics exposed by *NIX kernels."});
  auto& registry = exporter::CollectorRegistry<exporter::Collector>::Instance();
  exporter::CollectorSelection selection("collector", true);
  selection.AddFlags(app.cli(), registry);
  if (auto exit_code = app.ParseFlags(argc, argv)) return *exit_code;

  exporter::CollectorScraper scraper(app, exporter::CreateEnabledCollectors(registry, selection), selection, "node");
  return app.Serve([&](const exporter::HttpRequest& request) { return scraper.Handle(request); });
}
