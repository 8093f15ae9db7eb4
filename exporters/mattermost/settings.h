#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "data_source.h"
#include "exporter/config_file.h"
#include "exporter/status.h"
#include "target.h"

namespace CLI {
class App;
}  // namespace CLI

namespace exporter::mattermost {

// Everything the flags say. Filled by AddFlags' options, then Finish().
struct Settings {
  std::string metric_namespace = "mattermost";
  std::string procfs_root = "/proc";
  TargetSpec target;
  std::vector<std::string> db_master;    // --db.master HOST:PORT (repeatable)
  std::vector<std::string> db_replicas;  // --db.replica HOST:PORT (repeatable)
  std::string mattermost_config;         // --mattermost.config config.json
  std::string config_file;               // --config.file my.cnf-style, group [mattermost]
  double refresh_seconds = 60;           // --db.refresh-interval
  std::string socket_table = "auto";     // --db.socket-table auto|procfs|sock_diag
};

void AddFlags(CLI::App& app, Settings& settings);

// One database endpoint to count connections for.
struct DbEndpoint {
  std::string role;  // "master" or "replica"
  DbAddress address;
};

// The database endpoints from the three sources. For the master and for the
// replicas separately, the first source that names any wins: the --db.* flags,
// then the [mattermost] group of --config.file, then --mattermost.config.
// The file contents are passed in (nullopt when that source is not used), so
// this is a pure function.
Expected<std::vector<DbEndpoint>> CollectEndpoints(const Settings& settings, const OptionFile* config_file,
                                                   std::optional<std::string_view> mattermost_json);

// Applies the [mattermost] group's process keys (pid, pidfile, process-name,
// process-cmdline) where no flag set the target.
Status ApplyTargetOptions(const OptionFile& file, TargetSpec& target);

// Checks the flags after parsing: one way of finding the target, a valid
// namespace, at least one database source.
Status ValidateSettings(const Settings& settings);

}  // namespace exporter::mattermost
