// mysqld_exporter: a drop-in for prometheus-mysqld-exporter 0.14 configured by a my.cnf.
#include <CLI/CLI.hpp>
#include <mysql.h>
#include <openssl/ssl.h>

#include <cstdio>
#include <cstdlib>
#include <list>
#include <map>
#include <memory>
#include <mutex>

#include "exporter/collector.h"
#include "exporter/config_file.h"
#include "exporter/exporter_app.h"
#include "exporter/log.h"
#include "exporter/text_format.h"
#include "mysqld_collector.h"
#include "mysqld_config.h"
#include "mysqld_target.h"

namespace {

std::string DefaultMyCnf() {
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : "") + "/.my.cnf";
}

// The families of a scrape that got no result before its deadline.
exporter::Families DeadlineFamilies() {
  exporter::Families out;
  exporter::Gauge(out, "mysql_up", "Whether the MySQL server is up.").Add(0);
  exporter::Gauge(out, "mysql_exporter_last_scrape_error",
                  "Whether the last scrape of metrics from MySQL resulted in an error (1 for error, 0 for success).")
      .Add(1);
  return out;
}

exporter::HttpResponse TextResponse(std::string body) {
  exporter::HttpResponse response;
  response.content_type = std::string(exporter::kTextContentType);
  response.body = std::move(body);
  response.compressible = true;
  return response;
}

// /probe targets keep their connection between probes; the least recently
// used is dropped beyond a bound.
class ProbeTargets {
 public:
  ProbeTargets(std::vector<std::string> names, exporter::WorkerPool& pool) : names_(std::move(names)), pool_(pool) {}

  std::shared_ptr<mysqld::ScrapeTarget> Get(const std::string& key, const mysqld::ConnectionParams& params) {
    std::lock_guard lock(mutex_);
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->first == key) {
        entries_.splice(entries_.begin(), entries_, it);
        return entries_.front().second;
      }
    }
    entries_.emplace_front(key, std::make_shared<mysqld::ScrapeTarget>(params, names_, pool_));
    if (entries_.size() > kMaxTargets) entries_.pop_back();
    return entries_.front().second;
  }

  void Clear() {
    std::lock_guard lock(mutex_);
    entries_.clear();
  }

 private:
  static constexpr size_t kMaxTargets = 64;
  std::vector<std::string> names_;
  exporter::WorkerPool& pool_;
  std::mutex mutex_;
  std::list<std::pair<std::string, std::shared_ptr<mysqld::ScrapeTarget>>> entries_;
};

}  // namespace

int main(int argc, char** argv) {
  exporter::ExporterApp app(
      {"mysqld_exporter", "MySQLd Exporter", ":9104", "Prometheus exporter for MySQL and MariaDB server metrics."});
  std::string my_cnf = DefaultMyCnf();
  mysqld::ConfigFallbacks fallbacks;
  int lock_wait_timeout = 2;
  bool log_slow_filter = false;
  bool insecure_skip_verify = false;
  auto& cli = app.cli();
  auto* my_cnf_option =
      cli.add_option("--config.my-cnf", my_cnf, "Path to .my.cnf file to read MySQL credentials from.")
          ->capture_default_str();
  cli.add_option("--mysqld.address", fallbacks.address,
                 "Address (host:port or unix:///path) to use when the my.cnf sets none.");
  cli.add_option("--mysqld.username", fallbacks.username, "User name to use when the my.cnf sets none.");
  cli.add_option("--exporter.lock_wait_timeout", lock_wait_timeout,
                 "Set a lock_wait_timeout (in seconds) on the connection to avoid long metadata locking.")
      ->capture_default_str();
  cli.add_flag("--exporter.log_slow_filter", log_slow_filter,
               "Add a log_slow_filter to avoid slow query logging of scrapes. NOTE: Not supported by Oracle MySQL.");
  cli.add_flag("--tls.insecure-skip-verify", insecure_skip_verify,
               "Ignore certificate and server verification when using a tls connection.");

  auto& registry = mysqld::MysqldRegistry::Instance();
  exporter::CollectorSelection selection("collect", false);
  selection.AddFlags(cli, registry);
  if (auto exit_code = app.ParseFlags(argc, argv)) return *exit_code;

  if (const char* password = std::getenv("MYSQLD_EXPORTER_PASSWORD")) fallbacks.password = password;
  auto file = exporter::OptionFile::Read(my_cnf);
  if (!file) {
    // The default ~/.my.cnf may be absent when flags say where to connect.
    bool defaulted = my_cnf_option->count() == 0;
    if (!defaulted || (fallbacks.address.empty() && fallbacks.username.empty())) {
      exporter::log::Error("Error parsing my.cnf", {{"file", my_cnf}, {"err", file.error()}});
      return 1;
    }
    file = exporter::OptionFile::Parse("", my_cnf);
    if (!file) return 1;
  } else {
    exporter::WarnIfReadableByOthers(my_cnf);
  }
  // The my.cnf in force; replaced as a whole by a reload (SIGHUP, POST /-/reload).
  std::mutex config_mutex;
  auto config = std::make_shared<const exporter::OptionFile>(std::move(*file));
  auto current_config = [&] {
    std::lock_guard lock(config_mutex);
    return config;
  };
  auto params_from = [&](const exporter::OptionFile& option_file,
                         std::string_view module) -> exporter::Expected<mysqld::ConnectionParams> {
    auto params = mysqld::ParamsFromOptionFile(option_file, module);
    if (!params) return params;
    if (auto status = mysqld::ApplyFallbacks(*params, fallbacks); !status) return status;
    params->lock_wait_timeout = lock_wait_timeout;
    params->log_slow_filter = log_slow_filter;
    if (insecure_skip_verify) params->ssl_verify_server_cert = false;
    return params;
  };
  auto params = params_from(*config, "client");
  if (!params) {
    exporter::log::Error("Error parsing my.cnf", {{"file", my_cnf}, {"err", params.error()}});
    return 1;
  }

  // The client library initializes OpenSSL on its first use. Its error
  // strings alone cost about 0.7 MB of resident memory for messages that only
  // a failed TLS handshake would print (as codes without them).
  OPENSSL_init_ssl(OPENSSL_INIT_NO_LOAD_SSL_STRINGS | OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS, nullptr);
  mysql_library_init(0, nullptr, nullptr);
  auto enabled = selection.Enabled();
  for (const auto& name : enabled) exporter::log::Info("Scraper enabled", {{"scraper", name}});
  mysqld::ScrapeTarget target(*params, enabled, app.pool());
  ProbeTargets probes(enabled, app.pool());

  app.server().Route("/probe", [&](const exporter::HttpRequest& request) {
    auto where = request.QueryValue("target");
    if (!where || where->empty()) return exporter::HttpResponse::Text(400, "target is required\n");
    std::string module = request.QueryValue("auth_module").value_or("client");
    if (module.empty()) module = "client";
    auto probe_config = current_config();
    if (module != "client" && !probe_config->HasGroup(module)) {
      return exporter::HttpResponse::Text(400, "auth_module not found in " + my_cnf + ": " + module + "\n");
    }
    auto probe_params = params_from(*probe_config, module);
    if (!probe_params)
      return exporter::HttpResponse::Text(400, "auth_module " + module + ": " + probe_params.error() + "\n");
    if (auto status = mysqld::ApplyTarget(*probe_params, *where); !status) {
      return exporter::HttpResponse::Text(400, "invalid target: " + status.message() + "\n");
    }
    auto probe = probes.Get(module + "\n" + *where, *probe_params);
    auto result = probe->Scrape(app.DeadlineFor(request));
    return TextResponse(result ? *result : exporter::SerializeText(DeadlineFamilies()));
  });

  app.OnReload("my.cnf", [&]() -> exporter::Status {
    auto reread = exporter::OptionFile::Read(my_cnf);
    if (!reread) return reread.status();
    auto reloaded = std::make_shared<const exporter::OptionFile>(std::move(*reread));
    auto new_params = params_from(*reloaded, "client");
    if (!new_params) return new_params.status();
    {
      std::lock_guard lock(config_mutex);
      config = reloaded;
    }
    target.SetParams(std::move(*new_params));
    probes.Clear();
    exporter::log::Info("Reloaded my.cnf", {{"file", my_cnf}});
    return {};
  });

  int code = app.Serve([&](const exporter::HttpRequest& request) {
    auto deadline = app.DeadlineFor(request);
    auto names = exporter::FilterCollectors(request, target.collector_names(), selection);
    if (!names) {
      return exporter::HttpResponse::Text(400, "Couldn't create filtered metrics handler: " + names.error() + "\n");
    }
    std::string body;
    if (!request.QueryValues("collect[]").empty() || !request.QueryValues("exclude[]").empty()) {
      body = exporter::SerializeText(target.ScrapeCollectors(*names, deadline));
    } else if (auto shared = target.Scrape(deadline)) {
      body = *shared;
    } else {
      body = exporter::SerializeText(DeadlineFamilies());
    }
    // The exporter's own families (mysqld_exporter_build_info, process_*,
    // promhttp_*) sort after every mysql_* family.
    exporter::Families self;
    app.AppendSelfMetrics(self);
    body += exporter::SerializeText(self);
    return TextResponse(std::move(body));
  });
  mysql_library_end();
  return code;
}
