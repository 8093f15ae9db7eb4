#include "exporter/exporter_app.h"

#include <malloc.h>
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>

#include "exporter/log.h"
#include "exporter/process_stats.h"
#include "exporter/strings.h"
#include "exporter/text_format.h"

#ifndef EXPORTERS_VERSION
#define EXPORTERS_VERSION "0.0.0"
#endif
#ifndef EXPORTERS_REVISION
#define EXPORTERS_REVISION "unknown"
#endif

namespace exporter {

namespace {
std::string CompilerVersion() {
#if defined(__clang__)
  return "clang" __clang_version__;
#elif defined(__GNUC__)
  return "gcc" __VERSION__;
#else
  return "unknown";
#endif
}
}  // namespace

std::string VersionString(const std::string& exporter_name) {
  return exporter_name + ", version " EXPORTERS_VERSION " (branch: main, revision: " EXPORTERS_REVISION ")\n" +
         "  build date:       " __DATE__ " " __TIME__ "\n" + "  compiler:         " + CompilerVersion() +
         "\n  platform:         linux/amd64\n";
}

ExporterApp::ExporterApp(ExporterInfo info)
    : info_(std::move(info)),
      cli_(std::make_unique<CLI::App>(info_.description, info_.name)),
      pool_(std::make_unique<WorkerPool>()) {
  // Few malloc arenas: the exporter's threads are mostly idle, and one arena
  // per thread would multiply resident memory for nothing.
  mallopt(M_ARENA_MAX, 1);

  cli_->set_version_flag("--version", [this] { return VersionString(info_.name); });
  cli_->get_formatter()->column_width(50);
  cli_->add_option(
          "--web.listen-address", web_.listen_addresses,
          "Addresses on which to expose metrics and web interface. Repeatable. (default: " + info_.default_listen + ")")
      ->group("Web");
  cli_->add_option("--web.telemetry-path", web_.telemetry_path, "Path under which to expose metrics.")
      ->capture_default_str()
      ->group("Web");
  cli_->add_option("--web.config.file", web_config_path_,
                   "Path to a configuration file that can enable TLS or authentication (exporter-toolkit format).")
      ->group("Web");
  cli_->add_option("--web.max-requests", web_.max_requests,
                   "Maximum number of parallel scrape requests. Use 0 to disable.")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber)
      ->group("Web");
  cli_->add_option("--timeout-offset", web_.timeout_offset_seconds,
                   "Offset to subtract from the scrape timeout in seconds.")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cli_->add_option("--scrape.default-timeout", web_.default_timeout_seconds,
                   "Scrape deadline in seconds when the request carries no X-Prometheus-Scrape-Timeout-Seconds.")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cli_->add_option("--log.level", log_level_, "Only log messages with the given severity or above.")
      ->capture_default_str()
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}));
  cli_->add_option("--log.format", log_format_, "Output format of log messages.")
      ->capture_default_str()
      ->check(CLI::IsMember({"logfmt", "json"}));
}

ExporterApp::~ExporterApp() = default;

std::optional<int> ExporterApp::ParseFlags(int argc, char** argv) {
  try {
    cli_->parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::fputs(cli_->help().c_str(), stdout);
    return 0;
  } catch (const CLI::CallForVersion&) {
    std::fputs(VersionString(info_.name).c_str(), stdout);
    return 0;
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "%s: error: %s, try --help\n", info_.name.c_str(), e.what());
    return 1;
  }
  if (web_.listen_addresses.empty()) web_.listen_addresses.push_back(info_.default_listen);
  if (web_.telemetry_path.empty() || web_.telemetry_path[0] != '/') {
    std::fprintf(stderr, "%s: error: --web.telemetry-path must start with '/'\n", info_.name.c_str());
    return 1;
  }
  log::Level level = log::Level::kInfo;
  log::Format format = log::Format::kLogfmt;
  log::ParseLevel(log_level_, level);
  log::ParseFormat(log_format_, format);
  log::Configure(level, format);
  if (!web_config_path_.empty()) {
    auto web = LoadWebConfig(web_config_path_);
    if (!web) {
      std::fprintf(stderr, "%s: error: --web.config.file: %s\n", info_.name.c_str(), web.error().c_str());
      return 1;
    }
    web_config_ = *web;
  }
  return std::nullopt;
}

void ExporterApp::OnReload(std::string what, std::function<Status()> reload) {
  reloaders_.emplace_back(std::move(what), std::move(reload));
}

Status ExporterApp::Reload() {
  std::lock_guard lock(reload_mutex_);
  std::string failures;
  auto fail = [&](const std::string& what, const std::string& why) {
    log::Error("reload failed; keeping the old config", {{"config", what}, {"err", why}});
    failures += (failures.empty() ? "" : "; ") + what + ": " + why;
  };
  if (!web_config_path_.empty()) {
    auto web = LoadWebConfig(web_config_path_);
    Status applied = web ? server_.SetWebConfig(*web) : web.status();
    if (!applied) fail("web config", applied.message());
  }
  for (const auto& [what, reload] : reloaders_) {
    Status status;
    try {
      status = reload();
    } catch (const std::exception& e) {
      status = Status::Error(e.what());
    }
    if (!status) fail(what, status.message());
  }
  if (!failures.empty()) return Status::Error(failures);
  log::Info("reloaded configuration");
  return {};
}

ScrapeDeadline ExporterApp::DeadlineFor(const HttpRequest& request) const {
  return ScrapeDeadline::After(ScrapeTimeoutSeconds(request.Header("x-prometheus-scrape-timeout-seconds"),
                                                    web_.timeout_offset_seconds, web_.default_timeout_seconds));
}

void ExporterApp::AppendSelfMetrics(Families& out) const {
  Gauge(out, info_.name + "_build_info",
        "A metric with a constant '1' value labeled by version, revision, branch, goversion from which " +
            info_.name + " was built, and the goos and goarch for the build.")
      .Add(1, {{"branch", "main"},
               {"goarch", "amd64"},
               {"goos", "linux"},
               {"goversion", CompilerVersion()},
               {"revision", EXPORTERS_REVISION},
               {"version", EXPORTERS_VERSION}});
  if (auto stats = ReadProcessStats("/proc", 0)) AppendProcessMetrics(out, "process", *stats, false);
  Gauge(out, "promhttp_metric_handler_requests_in_flight", "Current number of scrapes being served.")
      .Add(server_.InFlight());
  auto requests = Counter(out, "promhttp_metric_handler_requests_total",
                          "Total number of scrapes by HTTP status code.");
  auto counts = server_.RequestCounts();
  for (int code : {200, 500, 503}) counts.try_emplace(code, 0);
  for (const auto& [code, count] : counts) requests.Add(static_cast<double>(count), {{"code", std::to_string(code)}});
}

HttpResponse ExporterApp::MetricsResponse(Families families) {
  NormalizeFamilies(families);
  HttpResponse response;
  response.content_type = std::string(kTextContentType);
  response.body = SerializeText(families);
  response.compressible = true;
  return response;
}

int ExporterApp::Serve(HttpHandler metrics_handler) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  // Blocked before any thread starts, so every thread inherits the mask and
  // only sigwait below sees them.
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  const std::string landing = "<html>\n<head><title>" + info_.title + "</title></head>\n<body>\n<h1>" +
                              info_.title + "</h1>\n<p><a href=\"" + web_.telemetry_path +
                              "\">Metrics</a></p>\n</body>\n</html>\n";
  server_.Route("/", [landing](const HttpRequest&) {
    HttpResponse response;
    response.content_type = "text/html; charset=utf-8";
    response.body = landing;
    return response;
  });
  server_.Route("/-/healthy", [](const HttpRequest&) { return HttpResponse::Text(200, "Healthy\n"); });
  server_.Route("/-/ready", [](const HttpRequest&) { return HttpResponse::Text(200, "Ready\n"); });
  server_.Route("/-/reload", [this](const HttpRequest& request) {
    if (request.method != "POST" && request.method != "PUT") {
      return HttpResponse::Text(405, "This endpoint requires a POST request.\n");
    }
    Status status = Reload();
    return status ? HttpResponse::Text(200, "Reloaded\n")
                  : HttpResponse::Text(500, "failed to reload config: " + status.message() + "\n");
  });
  server_.Route(web_.telemetry_path, std::move(metrics_handler));

  log::Info("Starting " + info_.name, {{"version", EXPORTERS_VERSION}, {"revision", EXPORTERS_REVISION}});
  Status started = server_.Start({web_.listen_addresses, web_.max_requests, web_config_});
  if (!started) {
    log::Error("cannot listen", {{"address", web_.listen_addresses.front()}, {"err", started.message()}});
    return 1;
  }
  for (const auto& address : web_.listen_addresses) {
    log::Info("Listening on", {{"address", address}, {"tls", web_config_.tls ? "true" : "false"}});
  }

  int received = 0;
  while (true) {
    sigwait(&signals, &received);
    if (received != SIGHUP) break;
    Reload();
  }
  log::Info("Shutting down", {{"signal", received == SIGTERM ? "SIGTERM" : "SIGINT"}});
  server_.Stop();  // closes the listeners, then waits for in-flight requests
  return 0;
}

Expected<std::vector<std::string>> FilterCollectors(const HttpRequest& request,
                                                    const std::vector<std::string>& enabled,
                                                    const CollectorSelection& selection) {
  auto collect = request.QueryValues("collect[]");
  auto exclude = request.QueryValues("exclude[]");
  if (!collect.empty() && !exclude.empty()) {
    return Status::Error("collect[] and exclude[] cannot be used together");
  }
  auto check = [&](const std::string& name) -> Status {
    if (!selection.IsKnown(name)) return Status::Error("missing collector: " + name);
    if (!selection.IsEnabled(name)) return Status::Error("disabled collector: " + name);
    return {};
  };
  if (!collect.empty()) {
    std::vector<std::string> names;
    for (const auto& name : collect) {
      if (auto status = check(name); !status) return status;
      if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    }
    return names;
  }
  std::vector<std::string> names = enabled;
  for (const auto& name : exclude) {
    if (auto status = check(name); !status) return status;
    names.erase(std::remove(names.begin(), names.end(), name), names.end());
  }
  return names;
}

CollectorScraper::CollectorScraper(ExporterApp& app, std::map<std::string, std::unique_ptr<Collector>> collectors,
                                   const CollectorSelection& selection, std::string meta_prefix, size_t parallelism)
    : app_(app), selection_(selection), meta_prefix_(std::move(meta_prefix)), runner_(app.pool(), parallelism) {
  for (auto& [name, collector] : collectors) {
    enabled_.push_back(name);
    slots_[name] = {std::move(collector), std::make_shared<std::atomic<bool>>(false)};
  }
}

Families CollectorScraper::Scrape(const std::vector<std::string>& names, const ScrapeDeadline& deadline) {
  std::vector<CollectorTask> tasks;
  for (const auto& name : names) {
    auto it = slots_.find(name);
    if (it == slots_.end()) continue;
    Collector* collector = it->second.collector.get();
    tasks.push_back({name, [collector](Families& out) { return collector->Collect(out); }, it->second.overrunning});
  }
  Families families;
  auto outcomes = runner_.Run(std::move(tasks), deadline, families);
  {
    // A failing collector is logged when its error changes, not on every scrape.
    std::lock_guard lock(failure_log_mutex_);
    for (const auto& outcome : outcomes) {
      auto& last = last_error_[outcome.name];
      if (outcome.error != last) {
        // "no data: ..." is a source that is absent on this host (node_exporter's ErrNoData): not worth an error.
        if (!outcome.success && outcome.error.rfind("no data", 0) == 0) {
          log::Debug("collector returned no data", {{"name", outcome.name}, {"err", outcome.error}});
        } else if (!outcome.success) {
          log::Error("collector failed", {{"name", outcome.name}, {"err", outcome.error}});
        }
        last = outcome.error;
      }
    }
  }
  AppendScrapeCollectorMetrics(families, meta_prefix_, app_.info().name, outcomes);
  app_.AppendSelfMetrics(families);
  return families;
}

HttpResponse CollectorScraper::Handle(const HttpRequest& request) {
  auto names = FilterCollectors(request, enabled_, selection_);
  if (!names) return HttpResponse::Text(400, "Couldn't create filtered metrics handler: " + names.error() + "\n");
  return ExporterApp::MetricsResponse(Scrape(*names, app_.DeadlineFor(request)));
}

}  // namespace exporter
