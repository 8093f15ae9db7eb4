#include "scraper.h"

#include <algorithm>
#include <chrono>

#include "exporter/log.h"
#include "exporter/strings.h"
#include "exporter/text_format.h"

namespace postgres {

using exporter::Families;
using exporter::HttpRequest;
using exporter::HttpResponse;
using exporter::ScrapeDeadline;

namespace {
// Collection stops this much before the request's deadline so that its result,
// pg_up 0 for a server that did not answer, still reaches the waiting request.
ScrapeDeadline CollectionDeadline(const ScrapeDeadline& request_deadline, double timeout_seconds) {
  double margin = std::min(0.25, 0.1 * timeout_seconds);
  return ScrapeDeadline(request_deadline.at() - std::chrono::duration_cast<ScrapeDeadline::Clock::duration>(
                                                    std::chrono::duration<double>(margin)));
}

double RequestTimeoutSeconds(const ScrapeDeadline& deadline) { return deadline.RemainingSeconds(); }
}  // namespace

exporter::Expected<Labels> ParseConstantLabels(const std::string& text) {
  Labels labels;
  for (auto part : exporter::Split(text, ',')) {
    part = exporter::Trim(part);
    if (part.empty()) continue;
    auto eq = part.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      return exporter::Status::Error("bad constant label \"" + std::string(part) + "\", want name=value");
    }
    labels.emplace_back(std::string(exporter::Trim(part.substr(0, eq))),
                        std::string(exporter::Trim(part.substr(eq + 1))));
  }
  return labels;
}

PostgresScraper::PostgresScraper(exporter::ExporterApp& app,
                                 std::map<std::string, std::unique_ptr<PgCollector>> collectors, const Config& config,
                                 ScraperOptions options)
    : app_(app),
      collectors_(std::move(collectors)),
      options_(std::move(options)),
      config_(config),
      metrics_flight_(app.pool()) {
  for (auto& [name, collector] : collectors_) collector_order_.push_back({name, collector.get()});
  for (const auto& params : config_.targets) targets_.push_back(MakeTarget(params));
}

std::vector<PostgresScraper::Target> PostgresScraper::CurrentTargets() {
  std::lock_guard lock(config_mutex_);
  return targets_;
}

void PostgresScraper::Reconfigure(const Config& config) {
  std::vector<Target> targets, replaced;
  {
    std::lock_guard lock(config_mutex_);
    std::vector<bool> kept(targets_.size(), false);
    const std::vector<ConnParams>& old_params = config_.targets;  // targets_[i] was made from old_params[i]
    for (const auto& params : config.targets) {
      size_t same = 0;
      while (same < old_params.size() && (kept[same] || old_params[same] != params)) ++same;
      if (same < old_params.size()) {
        kept[same] = true;
        targets.push_back(targets_[same]);
        continue;
      }
      targets.push_back(MakeTarget(params));
      exporter::log::Info("data source", {{"from", config.targets_origin}, {"dsn", MaskedDsn(params)}});
    }
    for (size_t i = 0; i < targets_.size(); ++i) {
      if (!kept[i]) replaced.push_back(targets_[i]);
    }
    config_ = config;  // old_params is not used after this
    ++config_generation_;
    targets_.swap(targets);
  }
  {
    std::lock_guard lock(probe_mutex_);
    probes_.clear();
  }
  for (const auto& target : replaced) {
    exporter::log::Info("closing the connection of a replaced data source", {{"server", target.server->server()}});
  }
  // `targets` (the old list) and `replaced` go out of scope here: a replaced
  // server's connection closes now, or when a scrape still using it ends.
}

PostgresScraper::Target PostgresScraper::MakeTarget(const ConnParams& params) const {
  Labels labels{{"server", ServerLabel(params)}};
  labels.insert(labels.end(), options_.constant_labels.begin(), options_.constant_labels.end());
  return {std::make_shared<PgServer>(params, std::move(labels), options_.reauth_interval_seconds),
          std::make_shared<std::atomic<bool>>(false)};
}

PostgresScraper::ScrapeSummary PostgresScraper::ScrapeTargets(const std::vector<Target>& targets,
                                                              const ScrapeDeadline& deadline, double timeout_seconds,
                                                              Families& out) {
  ScrapeSummary summary;
  if (targets.size() == 1) {
    // One server: scrape on this thread. A query hung past the deadline is
    // broken by the waiting request (HandleMetrics / HandleProbe abort it).
    auto result = targets[0].server->Scrape(collector_order_, deadline, timeout_seconds, out);
    summary.all_up = result.up;
    for (const auto& o : result.outcomes) {
      if (!o.success) summary.any_error = true;
    }
    summary.outcomes = std::move(result.outcomes);
    return summary;
  }
  std::vector<std::shared_ptr<ServerScrape>> results;
  std::vector<exporter::CollectorTask> tasks;
  for (size_t i = 0; i < targets.size(); ++i) {
    auto result = std::make_shared<ServerScrape>();
    results.push_back(result);
    auto server = targets[i].server;
    const auto* collectors = &collector_order_;  // the scraper outlives every task
    tasks.push_back({std::to_string(i),
                     [server, result, collectors, deadline, timeout_seconds](Families& families) {
                       *result = server->Scrape(*collectors, deadline, timeout_seconds, families);
                       return exporter::Status();
                     },
                     targets[i].busy});
  }
  exporter::ScrapeRunner runner(app_.pool(), std::max<size_t>(1, targets.size()));
  auto outcomes = runner.Run(std::move(tasks), deadline, out);

  std::map<std::string, exporter::CollectorOutcome> merged;
  for (const auto& outcome : outcomes) {
    // Tasks are named by their index. One that did not finish (or was still
    // busy from an earlier scrape) left its result untouched.
    size_t i = static_cast<size_t>(exporter::ParseUint(outcome.name).value_or(0));
    if (i >= targets.size()) continue;
    bool finished = outcome.success;
    if (!finished) {
      if (outcome.error == "deadline exceeded") targets[i].server->Abort();
      summary.all_up = false;
      summary.any_error = true;
      exporter::log::Debug("server scrape did not finish",
                           {{"server", targets[i].server->server()}, {"err", outcome.error}});
      for (const auto& c : collector_order_) {
        auto& m = merged[c.name];
        m.name = c.name;
        m.success = false;
      }
      continue;
    }
    const ServerScrape& result = *results[i];
    if (!result.up) summary.all_up = false;
    for (const auto& o : result.outcomes) {
      auto [it, inserted] = merged.try_emplace(o.name, o);
      if (!inserted) {
        it->second.duration_seconds += o.duration_seconds;
        it->second.success = it->second.success && o.success;
      }
      if (!o.success) summary.any_error = true;
    }
  }
  for (auto& [name, outcome] : merged) summary.outcomes.push_back(std::move(outcome));
  return summary;
}

void PostgresScraper::AppendUp(Families& out, bool up) {
  exporter::Gauge(out, "pg_up",
                  "Whether the last scrape of metrics from PostgreSQL was able to connect to the server (1 for yes, 0 "
                  "for no).")
      .Add(up ? 1 : 0);
}

Families PostgresScraper::CollectMetrics(const ScrapeDeadline& deadline, double timeout_seconds) {
  auto start = std::chrono::steady_clock::now();
  Families out;
  auto targets = CurrentTargets();
  auto summary = ScrapeTargets(targets, CollectionDeadline(deadline, timeout_seconds), timeout_seconds, out);
  AppendUp(out, summary.all_up && !targets.empty());
  exporter::AppendScrapeCollectorMetrics(out, "pg", app_.info().name, summary.outcomes);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  exporter::Gauge(out, "pg_exporter_last_scrape_duration_seconds",
                  "Duration of the last scrape of metrics from PostgreSQL.")
      .Add(seconds);
  exporter::Gauge(out, "pg_exporter_last_scrape_error",
                  "Whether the last scrape of metrics from PostgreSQL resulted in an error (1 for error, 0 for "
                  "success).")
      .Add(summary.any_error || !summary.all_up ? 1 : 0);
  exporter::Counter(out, "pg_exporter_scrapes_total", "Total number of times PostgreSQL was scraped for metrics.")
      .Add(static_cast<double>(++scrapes_total_));
  return out;
}

HttpResponse PostgresScraper::HandleMetrics(const HttpRequest& request) {
  ScrapeDeadline deadline = app_.DeadlineFor(request);
  double timeout_seconds = RequestTimeoutSeconds(deadline);
  auto shared = metrics_flight_.Do(
      [this, deadline, timeout_seconds] {
        Families families = CollectMetrics(deadline, timeout_seconds);
        exporter::NormalizeFamilies(families);
        std::string text;
        text.reserve(64 * 1024);
        text += exporter::SerializeText(families);
        return text;
      },
      deadline);
  HttpResponse response;
  response.content_type = std::string(exporter::kTextContentType);
  response.compressible = true;
  if (shared) {
    response.body.reserve(shared->size() + 4096);
    response.body = *shared;
  } else {
    // The collection overran even its own deadline (or could not start):
    // answer anyway, saying the server was not reached in time.
    for (const auto& target : CurrentTargets()) target.server->Abort();
    Families families;
    AppendUp(families, false);
    exporter::Gauge(families, "pg_exporter_last_scrape_error",
                    "Whether the last scrape of metrics from PostgreSQL resulted in an error (1 for error, 0 for "
                    "success).")
        .Add(1);
    exporter::NormalizeFamilies(families);
    response.body += exporter::SerializeText(families);
  }
  // The exporter's own families (postgres_exporter_build_info, process_*,
  // promhttp_*) sort after every pg_* family, so appending keeps the order.
  Families self;
  app_.AppendSelfMetrics(self);
  exporter::NormalizeFamilies(self);
  response.body += exporter::SerializeText(self);
  return response;
}

HttpResponse PostgresScraper::HandleProbe(const HttpRequest& request) {
  auto target_text = request.QueryValue("target");
  if (!target_text || target_text->empty()) return HttpResponse::Text(400, "target is required\n");
  auto module = request.QueryValue("auth_module");
  ConnParams params;
  std::string module_name;
  uint64_t generation;
  {
    std::lock_guard lock(config_mutex_);
    generation = config_generation_;
    if (module && !module->empty()) {
      auto it = config_.auth_modules.find(exporter::StartsWith(*module, "client") ? *module : "client." + *module);
      if (it == config_.auth_modules.end()) return HttpResponse::Text(400, "unknown auth_module " + *module + "\n");
      params = it->second;
      module_name = it->first;
    }
  }
  auto target = ParseProbeTarget(*target_text);
  if (!target) return HttpResponse::Text(400, "bad target: " + target.error() + "\n");
  // The target decides where to connect: a module's own host/port/hostaddr never mix with it.
  if (target->count("host") || target->count("hostaddr")) {
    params.erase("host");
    params.erase("hostaddr");
    params.erase("port");
  }
  for (const auto& [key, value] : *target) params[key] = value;

  std::shared_ptr<ProbeEntry> entry;
  {
    std::lock_guard lock(probe_mutex_);
    // The generation keeps a probe that read its module before a reload from
    // caching the old credentials under the new configuration.
    std::string key = std::to_string(generation) + "\n" + module_name + "\n" + *target_text;
    auto it = probes_.find(key);
    if (it == probes_.end()) {
      // Bounded: beyond the limit the other targets are forgotten (a scrape in
      // flight keeps its entry alive until it finishes).
      if (probes_.size() >= options_.max_probe_targets) probes_.clear();
      auto created = std::make_shared<ProbeEntry>();
      created->target = MakeTarget(params);
      created->flight = std::make_unique<exporter::SingleFlight<Families>>(app_.pool());
      it = probes_.emplace(key, std::move(created)).first;
    }
    auto& slot = it->second;
    entry = slot;
  }

  ScrapeDeadline deadline = app_.DeadlineFor(request);
  double timeout_seconds = RequestTimeoutSeconds(deadline);
  auto shared = entry->flight->Do(
      [this, entry, deadline, timeout_seconds] {
        Families out;
        auto summary =
            ScrapeTargets({entry->target}, CollectionDeadline(deadline, timeout_seconds), timeout_seconds, out);
        AppendUp(out, summary.all_up);
        exporter::AppendScrapeCollectorMetrics(out, "pg", app_.info().name, summary.outcomes);
        return out;
      },
      deadline);
  Families families;
  if (shared) {
    families = *shared;
  } else {
    entry->target.server->Abort();
    AppendUp(families, false);
  }
  return exporter::ExporterApp::MetricsResponse(std::move(families));
}

}  // namespace postgres
