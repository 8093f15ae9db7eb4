#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "config.h"
#include "exporter/exporter_app.h"
#include "exporter/scrape.h"
#include "server.h"

namespace postgres {

struct ScraperOptions {
  double reauth_interval_seconds = 300;
  Labels constant_labels;
  size_t max_probe_targets = 64;
};

// Serves /metrics (the configured servers) and /probe (one target per request).
class PostgresScraper {
 public:
  PostgresScraper(exporter::ExporterApp& app, std::map<std::string, std::unique_ptr<PgCollector>> collectors,
                  const Config& config, ScraperOptions options);

  exporter::HttpResponse HandleMetrics(const exporter::HttpRequest& request);
  exporter::HttpResponse HandleProbe(const exporter::HttpRequest& request);

 private:
  struct Target {
    std::shared_ptr<PgServer> server;
    std::shared_ptr<std::atomic<bool>> busy;
  };
  struct ScrapeSummary {
    bool all_up = true;
    bool any_error = false;
    std::vector<exporter::CollectorOutcome> outcomes;  // merged across servers by collector name
  };

  Target MakeTarget(const ConnParams& params) const;
  // Scrapes the targets in parallel under the deadline; servers still busy at
  // the deadline are aborted and count as down.
  ScrapeSummary ScrapeTargets(const std::vector<Target>& targets, const exporter::ScrapeDeadline& deadline,
                              double timeout_seconds, exporter::Families& out);
  exporter::Families CollectMetrics(const exporter::ScrapeDeadline& deadline, double timeout_seconds);
  static void AppendUp(exporter::Families& out, bool up);

  exporter::ExporterApp& app_;
  std::map<std::string, std::unique_ptr<PgCollector>> collectors_;
  std::vector<NamedCollector> collector_order_;
  Config config_;
  ScraperOptions options_;

  std::vector<Target> targets_;
  // The text of the pg_* families of one collection, shared by concurrent requests.
  exporter::SingleFlight<std::string> metrics_flight_;
  std::atomic<uint64_t> scrapes_total_{0};

  struct ProbeEntry {
    Target target;
    std::unique_ptr<exporter::SingleFlight<exporter::Families>> flight;
  };
  std::mutex probe_mutex_;
  std::map<std::string, std::shared_ptr<ProbeEntry>> probes_;
};

// "a=b,c=d" (the reference's --constantLabels) as labels.
exporter::Expected<Labels> ParseConstantLabels(const std::string& text);

}  // namespace postgres
