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

  // A reloaded configuration. A server whose connection parameters did not
  // change keeps its connection; the others are replaced, and the old
  // connection closes when a scrape still using it finishes, so the next
  // scrape logs in with the new credentials. Probe targets are forgotten (their
  // auth modules may have changed).
  void Reconfigure(const Config& config);

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
  // The servers of /metrics now (a reload may replace them at any time).
  std::vector<Target> CurrentTargets();
  // Scrapes the targets in parallel under the deadline; servers still busy at
  // the deadline are aborted and count as down.
  ScrapeSummary ScrapeTargets(const std::vector<Target>& targets, const exporter::ScrapeDeadline& deadline,
                              double timeout_seconds, exporter::Families& out);
  exporter::Families CollectMetrics(const exporter::ScrapeDeadline& deadline, double timeout_seconds);
  static void AppendUp(exporter::Families& out, bool up);

  exporter::ExporterApp& app_;
  std::map<std::string, std::unique_ptr<PgCollector>> collectors_;
  std::vector<NamedCollector> collector_order_;
  ScraperOptions options_;

  std::mutex config_mutex_;  // guards the three below against a reload
  Config config_;
  std::vector<Target> targets_;     // targets_[i] was made from config_.targets[i]
  uint64_t config_generation_ = 0;  // counts reloads
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
