#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "dsn.h"
#include "exporter/config_file.h"
#include "exporter/status.h"

namespace postgres {

// Looks an environment variable up; nullopt when unset or empty.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvLookup ProcessEnvironment();

// The reference exporter's environment: DATA_SOURCE_NAME (comma-separated
// DSNs), else DATA_SOURCE_NAME_FILE, else DATA_SOURCE_URI + DATA_SOURCE_USER +
// DATA_SOURCE_PASS where each *_FILE variant wins over the plain variable (as in
// the reference). An empty vector when none is set. `origin` names the source.
exporter::Expected<std::vector<ConnParams>> DataSourcesFromEnv(const EnvLookup& env, std::string& origin);

// libpq parameters from a [client] or [client.NAME] group: keys with '-' or '_'
// become libpq keywords ("connect-timeout" -> connect_timeout); "database" is
// an alias of dbname. Unknown keywords are an error naming file and line.
exporter::Expected<ConnParams> ParamsFromGroup(const exporter::OptionGroup& group);

struct Config {
  // The servers /metrics scrapes.
  std::vector<ConnParams> targets;
  std::string targets_origin;
  // /probe auth modules by group name ("client", "client.replica"); each
  // [client.NAME] inherits [client].
  std::map<std::string, ConnParams> auth_modules;
};

// Environment first (the reference's variables define the /metrics servers),
// else [client] of the config file. The config file's groups are the /probe auth
// modules either way. A named config file that cannot be read is an error.
exporter::Expected<Config> LoadConfig(const std::optional<std::string>& config_path, const EnvLookup& env);

}  // namespace postgres
