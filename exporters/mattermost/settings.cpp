#include "settings.h"

#include <CLI/CLI.hpp>
#include <regex>

#include "exporter/strings.h"

namespace exporter::mattermost {

namespace {
constexpr char kGroup[] = "mattermost";

// The [mattermost] options with this key, in file order (repeatable keys).
std::vector<std::string> Values(const OptionFile& file, std::string_view key) {
  std::vector<std::string> values;
  for (const auto& option : file.Options({kGroup})) {
    if (NormalizeOptionKey(option.key) == NormalizeOptionKey(key) && option.has_value) values.push_back(option.value);
  }
  return values;
}

// HOST:PORT values; a value may also list several separated by commas.
Status AddHostPorts(const std::vector<std::string>& values, const std::string& role, const std::string& origin,
                    std::vector<DbEndpoint>& out) {
  for (const auto& value : values) {
    for (auto part : Split(value, ',')) {
      if (Trim(part).empty()) continue;
      auto address = ParseHostPort(part);
      if (!address) return Status::Error(origin + ": " + address.error());
      out.push_back({role, std::move(*address)});
    }
  }
  return {};
}

Status AddDataSources(const std::vector<std::string>& values, const std::string& driver, const std::string& role,
                      const std::string& origin, std::vector<DbEndpoint>& out) {
  for (const auto& value : values) {
    auto addresses = ParseDataSource(value, driver);
    if (!addresses) return Status::Error(origin + ": " + addresses.error());
    for (auto& address : *addresses) out.push_back({role, std::move(address)});
  }
  return {};
}
}  // namespace

void AddFlags(CLI::App& app, Settings& settings) {
  app.add_option("--namespace", settings.metric_namespace, "Prefix of the exported metric names.")
      ->capture_default_str();
  app.add_option("--path.procfs", settings.procfs_root, "procfs mountpoint.")->capture_default_str();
  app.add_option("--process.pid", settings.target.pid, "PID of the application process to watch.")->group("Target");
  app.add_option("--process.pidfile", settings.target.pidfile,
                 "File holding the PID of the application process; read again on every scrape.")
      ->group("Target");
  app.add_option("--process.name", settings.target.name,
                 "Name (comm, as in /proc/PID/comm) of the application process; the oldest match wins.")
      ->group("Target");
  app.add_option("--process.cmdline", settings.target.cmdline,
                 "Regular expression searched in the application's command line (arguments joined by spaces); "
                 "with --process.name both must match.")
      ->group("Target");
  app.add_option("--db.master", settings.db_master, "HOST:PORT of the master database. Repeatable.")
      ->group("Databases");
  app.add_option("--db.replica", settings.db_replicas, "HOST:PORT of a read replica. Repeatable.")->group("Databases");
  app.add_option("--mattermost.config", settings.mattermost_config,
                 "Mattermost's config.json: databases from SqlSettings.DataSource and DataSourceReplicas.")
      ->group("Databases");
  app.add_option("--config.file", settings.config_file,
                 "my.cnf-style file whose [mattermost] group sets master, replica, data-source, "
                 "data-source-replicas, driver-name (and pid, pidfile, process-name, process-cmdline).")
      ->group("Databases");
  app.add_option("--db.refresh-interval", settings.refresh_seconds,
                 "Seconds between re-reading the database settings files and re-resolving host names.")
      ->capture_default_str()
      ->check(CLI::PositiveNumber)
      ->group("Databases");
  app.add_option("--db.socket-table", settings.socket_table,
                 "Where TCP connections are listed: sock_diag (netlink, fast; the target must share our network "
                 "namespace), procfs (/proc/PID/net/tcp*, any namespace, slow on big hosts) or auto.")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "procfs", "sock_diag"}))
      ->group("Databases");
}

Status ApplyTargetOptions(const OptionFile& file, TargetSpec& target) {
  if (target.pid > 0 || !target.pidfile.empty() || !target.name.empty() || !target.cmdline.empty()) return {};
  OptionGroup group = file.Group(kGroup);
  if (auto pid = group.Get("pid")) {
    auto parsed = ParsePidFile(*pid);
    if (!parsed) return Status::Error(group.Origin("pid") + ": invalid pid");
    target.pid = *parsed;
  }
  if (auto pidfile = group.Get("pidfile")) target.pidfile = *pidfile;
  if (auto name = group.Get("process-name")) target.name = *name;
  if (auto cmdline = group.Get("process-cmdline")) target.cmdline = *cmdline;
  return {};
}

Status ValidateSettings(const Settings& settings) {
  static const std::regex kMetricName("[a-zA-Z_:][a-zA-Z0-9_:]*");
  if (!std::regex_match(settings.metric_namespace, kMetricName))
    return Status::Error("--namespace is not a valid metric name prefix");
  const TargetSpec& target = settings.target;
  int ways = (target.pid > 0 ? 1 : 0) + (target.pidfile.empty() ? 0 : 1) +
             (target.name.empty() && target.cmdline.empty() ? 0 : 1);
  if (target.pid < 0) return Status::Error("--process.pid must be positive");
  if (ways == 0) {
    return Status::Error("no target: give one of --process.pid, --process.pidfile, --process.name/--process.cmdline");
  }
  if (ways > 1) {
    return Status::Error("give only one of --process.pid, --process.pidfile, --process.name/--process.cmdline");
  }
  if (!target.cmdline.empty()) {
    try {
      std::regex check(target.cmdline, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      return Status::Error("--process.cmdline is not a valid regular expression: " + std::string(e.what()));
    }
  }
  return {};
}

Expected<std::vector<DbEndpoint>> CollectEndpoints(const Settings& settings, const OptionFile* config_file,
                                                   std::optional<std::string_view> mattermost_json) {
  std::vector<DbEndpoint> flag_master, flag_replicas, file_master, file_replicas, json_master, json_replicas;
  if (auto status = AddHostPorts(settings.db_master, "master", "--db.master", flag_master); !status) return status;
  if (auto status = AddHostPorts(settings.db_replicas, "replica", "--db.replica", flag_replicas); !status)
    return status;
  if (config_file) {
    std::string origin = settings.config_file + " [" + kGroup + "]";
    auto driver_values = Values(*config_file, "driver-name");
    std::string driver = driver_values.empty() ? "" : driver_values.back();
    if (auto s = AddHostPorts(Values(*config_file, "master"), "master", origin + " master", file_master); !s) return s;
    if (auto s =
            AddDataSources(Values(*config_file, "data-source"), driver, "master", origin + " data-source", file_master);
        !s) {
      return s;
    }
    if (auto s = AddHostPorts(Values(*config_file, "replica"), "replica", origin + " replica", file_replicas); !s) {
      return s;
    }
    if (auto s = AddDataSources(Values(*config_file, "data-source-replicas"), driver, "replica",
                                origin + " data-source-replicas", file_replicas);
        !s) {
      return s;
    }
  }
  if (mattermost_json) {
    auto sql = ParseMattermostConfig(*mattermost_json);
    if (!sql) return Status::Error(settings.mattermost_config + ": " + sql.error());
    for (auto& address : sql->master) json_master.push_back({"master", std::move(address)});
    for (auto& address : sql->replicas) json_replicas.push_back({"replica", std::move(address)});
  }
  std::vector<DbEndpoint> endpoints;
  auto take_first = [&](std::vector<DbEndpoint>& a, std::vector<DbEndpoint>& b, std::vector<DbEndpoint>& c) {
    auto& chosen = !a.empty() ? a : (!b.empty() ? b : c);
    for (auto& endpoint : chosen) {
      bool duplicate = false;
      for (const auto& existing : endpoints)
        duplicate |= existing.role == endpoint.role && existing.address == endpoint.address;
      if (!duplicate) endpoints.push_back(std::move(endpoint));
    }
  };
  take_first(flag_master, file_master, json_master);
  take_first(flag_replicas, file_replicas, json_replicas);
  // Nothing given at all is allowed (process metrics only); a config that names no database is a mistake.
  bool configured = !settings.mattermost_config.empty() || !settings.config_file.empty();
  if (endpoints.empty() && configured) return Status::Error("no database endpoints configured");
  return endpoints;
}

}  // namespace exporter::mattermost
