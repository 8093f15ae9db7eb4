#include <CLI/CLI.hpp>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>

#include "exporter/collector.h"
#include "exporter/exporter_app.h"
#include "exporter/log.h"
#include "exporter/scrape.h"
#include "node_context.h"

namespace {

// What the Go client adds to a scrape beyond the core's self metrics.
void AppendGoClientExtras(exporter::Families& out) {
  exporter::Counter(out, "promhttp_metric_handler_errors_total",
                    "Total number of internal errors encountered by the promhttp metric handler.")
      .Add(0, {{"cause", "encoding"}})
      .Add(0, {{"cause", "gathering"}});
}

// Concurrent scrapes of the default collector set share one collection: the
// kernel's counters are read once however many scrapers arrive together. Unlike
// exporter::SingleFlight the first caller collects on its own thread, which
// saves a thread handoff on every ordinary (one scraper) scrape.
class SharedScrape {
 public:
  std::shared_ptr<const exporter::HttpResponse> Do(const std::function<exporter::HttpResponse()>& compute,
                                                   const exporter::ScrapeDeadline& deadline) {
    std::unique_lock lock(mutex_);
    if (current_) {
      auto call = current_;
      finished_.wait_until(lock, deadline.at(), [&] { return call->done; });
      return call->result;
    }
    auto call = std::make_shared<Call>();
    current_ = call;
    lock.unlock();
    std::shared_ptr<const exporter::HttpResponse> result;
    try {
      result = std::make_shared<const exporter::HttpResponse>(compute());
    } catch (...) {
      Finish(call, nullptr);
      throw;
    }
    Finish(call, result);
    return result;
  }

 private:
  struct Call {
    bool done = false;
    std::shared_ptr<const exporter::HttpResponse> result;
  };
  void Finish(const std::shared_ptr<Call>& call, std::shared_ptr<const exporter::HttpResponse> result) {
    std::lock_guard lock(mutex_);
    call->result = std::move(result);
    call->done = true;
    current_.reset();
    finished_.notify_all();
  }

  std::mutex mutex_;
  std::condition_variable finished_;
  std::shared_ptr<Call> current_;
};

}  // namespace

int main(int argc, char** argv) {
  exporter::ExporterApp app({"node_exporter", "Node Exporter", ":9100",
                             "Prometheus exporter for hardware and OS metrics exposed by *NIX kernels."});
  node::Paths& paths = node::MutablePaths();
  auto& cli = app.cli();
  cli.add_option("--path.procfs", paths.procfs, "procfs mountpoint.")->capture_default_str()->group("Paths");
  cli.add_option("--path.sysfs", paths.sysfs, "sysfs mountpoint.")->capture_default_str()->group("Paths");
  cli.add_option("--path.rootfs", paths.rootfs, "rootfs mountpoint.")->capture_default_str()->group("Paths");
  cli.add_option("--path.udev.data", paths.udev_data, "udev data path.")->capture_default_str()->group("Paths");

  auto& registry = exporter::CollectorRegistry<exporter::Collector>::Instance();
  exporter::CollectorSelection selection("collector", true);
  selection.AddFlags(cli, registry);
  if (auto exit_code = app.ParseFlags(argc, argv)) return *exit_code;

  exporter::CollectorScraper scraper(app, exporter::CreateEnabledCollectors(registry, selection), selection, "node");
  std::string enabled;
  for (const auto& name : scraper.enabled()) enabled += (enabled.empty() ? "" : ",") + name;
  exporter::log::Info("Enabled collectors", {{"collectors", enabled}});

  SharedScrape shared;
  auto scrape = [&scraper](const std::vector<std::string>& names, const exporter::ScrapeDeadline& deadline) {
    node::BeginScrape();
    exporter::Families families = scraper.Scrape(names, deadline);
    AppendGoClientExtras(families);
    return exporter::ExporterApp::MetricsResponse(std::move(families));
  };
  return app.Serve([&](const exporter::HttpRequest& request) {
    auto names = exporter::FilterCollectors(request, scraper.enabled(), selection);
    if (!names) return exporter::HttpResponse::Text(400, "Couldn't create filtered metrics handler: " + names.error() + "\n");
    auto deadline = app.DeadlineFor(request);
    if (request.QueryValues("collect[]").empty() && request.QueryValues("exclude[]").empty()) {
      auto response = shared.Do([&] { return scrape(*names, deadline); }, deadline);
      if (!response) return exporter::HttpResponse::Text(503, "scrape deadline exceeded\n");
      return *response;
    }
    return scrape(*names, deadline);
  });
}
