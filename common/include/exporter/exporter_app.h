#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "exporter/collector.h"
#include "exporter/http_server.h"
#include "exporter/metrics.h"
#include "exporter/scrape.h"

namespace exporter {

struct ExporterInfo {
  std::string name;            // "node_exporter": binary, logs, *_build_info
  std::string title;           // "Node Exporter": landing page
  std::string default_listen;  // ":9100"
  std::string description;     // --help
};

struct WebFlags {
  std::vector<std::string> listen_addresses;
  std::string telemetry_path = "/metrics";
  int max_requests = 40;
  double timeout_offset_seconds = 0.25;
  double default_timeout_seconds = 10;
};

std::string VersionString(const std::string& exporter_name);

// The common life of an exporter binary: flags, logging, HTTP serving, signals.
class ExporterApp {
 public:
  explicit ExporterApp(ExporterInfo info);

  ~ExporterApp();

  CLI::App& cli() { return *cli_; }
  const ExporterInfo& info() const { return info_; }
  const WebFlags& web() const { return web_; }
  WorkerPool& pool() { return *pool_; }
  HttpServer& server() { return server_; }

  // Parses argv and configures logging. Returns an exit code when the process
  // should stop here (--help, --version, or a bad flag, with its message printed).
  std::optional<int> ParseFlags(int argc, char** argv);

  // The scrape deadline of a request from its X-Prometheus-Scrape-Timeout-Seconds.
  ScrapeDeadline DeadlineFor(const HttpRequest& request) const;

  // *_build_info, the process_* families of this process, and promhttp's request counters.
  void AppendSelfMetrics(Families& out) const;

  // Serializes families into a /metrics response (gzip when accepted).
  static HttpResponse MetricsResponse(Families families);

  // Routes telemetry_path to the handler plus "/", "/-/healthy", "/-/ready"
  // and POST "/-/reload"; serves until SIGINT or SIGTERM, reloading on SIGHUP.
  // On SIGTERM it stops accepting, lets in-flight requests finish and returns 0.
  int Serve(HttpHandler metrics_handler);

  // Registers what a reload re-reads (the exporter's own config). A reload
  // re-reads the web config, then calls these in order; one that fails keeps
  // its old config, says why, and the reload reports the failure.
  void OnReload(std::string what, std::function<Status()> reload);
  Status Reload();

 private:
  ExporterInfo info_;
  std::unique_ptr<CLI::App> cli_;
  WebFlags web_;
  std::string web_config_path_;
  WebConfig web_config_;
  std::vector<std::pair<std::string, std::function<Status()>>> reloaders_;
  std::mutex reload_mutex_;
  std::string log_level_ = "info";
  std::string log_format_ = "logfmt";
  std::unique_ptr<WorkerPool> pool_;
  HttpServer server_;
};

// The collect[] / exclude[] filter of a request against the enabled collectors:
// the names to run, or the message of a 400.
Expected<std::vector<std::string>> FilterCollectors(const HttpRequest& request,
                                                    const std::vector<std::string>& enabled,
                                                    const CollectorSelection& selection);

// Serves /metrics from registry-based collectors (node, mattermost): each
// scrape runs the selected collectors in parallel under the scrape deadline and
// adds <meta_prefix>_scrape_collector_* and the self metrics. Concurrent
// scrapes call Collect concurrently: collectors must be thread-safe.
class CollectorScraper {
 public:
  CollectorScraper(ExporterApp& app, std::map<std::string, std::unique_ptr<Collector>> collectors,
                   const CollectorSelection& selection, std::string meta_prefix, size_t parallelism = 2);

  HttpResponse Handle(const HttpRequest& request);
  // The families of one scrape of the named collectors.
  Families Scrape(const std::vector<std::string>& names, const ScrapeDeadline& deadline);
  const std::vector<std::string>& enabled() const { return enabled_; }

 private:
  struct Slot {
    std::unique_ptr<Collector> collector;
    std::shared_ptr<std::atomic<bool>> overrunning;
  };
  ExporterApp& app_;
  std::map<std::string, Slot> slots_;
  const CollectorSelection& selection_;
  std::vector<std::string> enabled_;
  std::string meta_prefix_;
  ScrapeRunner runner_;
  std::mutex failure_log_mutex_;
  std::map<std::string, std::string> last_error_;
};

}  // namespace exporter
