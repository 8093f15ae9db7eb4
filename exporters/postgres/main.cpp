#include "exporter/exporter_app.h"

int main(int argc, char** argv) {
  exporter::ExporterApp app({"postgres_exporter", "Postgres Exporter", ":9187", "Prometheus exporter for PostgreSQL server metrics."});
  if (auto exit_code = app.ParseFlags(argc, argv)) return *exit_code;
  return app.Serve([&](const exporter::HttpRequest&) {
    exporter::Families families;
    app.AppendSelfMetrics(families);
    return exporter::ExporterApp::MetricsResponse(std::move(families));
  });
}
