#include "exporter/exporter_app.h"

int main(int argc, char** argv) {
  exporter::ExporterApp app({"mysqld_exporter", "MySQLd Exporter", ":9104", "Prometheus exporter for MySQL and MariaDB server metrics."});
  if (auto exit_code = app.ParseFlags(argc, argv)) return *exit_code;
  return app.Serve([&](const exporter::HttpRequest&) {
    exporter::Families families;
    app.AppendSelfMetrics(families);
    return exporter::ExporterApp::MetricsResponse(std::move(families));
  });
}
