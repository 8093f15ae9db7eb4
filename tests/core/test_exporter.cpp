// An exporter built only for the core's HTTP tests: its collectors can be made
// slow, failing or throwing, which no real collector does on demand.
#include <chrono>
#include <stdexcept>
#include <thread>

#include "exporter/collector.h"
#include "exporter/exporter_app.h"

namespace {

double g_slow_seconds = 0;

class FastCollector : public exporter::Collector {
 public:
  exporter::Status Collect(exporter::Families& out) override {
    exporter::Gauge(out, "test_fast_value", "A value from the fast collector.").Add(1);
    return {};
  }
};

class SlowCollector : public exporter::Collector {
 public:
  exporter::Status Collect(exporter::Families& out) override {
    std::this_thread::sleep_for(std::chrono::duration<double>(g_slow_seconds));
    exporter::Gauge(out, "test_slow_value", "A value from the slow collector.").Add(2);
    return {};
  }
};

class FailingCollector : public exporter::Collector {
 public:
  exporter::Status Collect(exporter::Families&) override { return exporter::Status::Error("source missing"); }
};

class ThrowingCollector : public exporter::Collector {
 public:
  exporter::Status Collect(exporter::Families&) override { throw std::runtime_error("unexpected"); }
};

EXPORTER_REGISTER_COLLECTOR(exporter::Collector, "fast", true, FastCollector);
EXPORTER_REGISTER_COLLECTOR(exporter::Collector, "slow", true, SlowCollector, [](exporter::Flags& flags) {
  flags.Option("--collector.slow.seconds", g_slow_seconds, "How long the slow collector sleeps.");
});
EXPORTER_REGISTER_COLLECTOR(exporter::Collector, "failing", false, FailingCollector);
EXPORTER_REGISTER_COLLECTOR(exporter::Collector, "throwing", false, ThrowingCollector);

}  // namespace

int main(int argc, char** argv) {
  exporter::ExporterApp app({"test_exporter", "Test Exporter", ":0", "Exporter for the core's tests."});
  auto& registry = exporter::CollectorRegistry<exporter::Collector>::Instance();
  exporter::CollectorSelection selection("collector", true);
  selection.AddFlags(app.cli(), registry);
  if (auto exit_code = app.ParseFlags(argc, argv)) return *exit_code;
  exporter::CollectorScraper scraper(app, exporter::CreateEnabledCollectors(registry, selection), selection, "test");
  return app.Serve([&](const exporter::HttpRequest& request) { return scraper.Handle(request); });
}
