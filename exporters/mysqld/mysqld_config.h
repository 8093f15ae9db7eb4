#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "exporter/config_file.h"
#include "exporter/status.h"
#include "mysql_connection.h"

namespace mysqld {

// What flags and the environment supply; each fills only what the file lacks.
struct ConfigFallbacks {
  std::string address;                  // --mysqld.address: host:port or unix:///path
  std::string username;                 // --mysqld.username
  std::optional<std::string> password;  // MYSQLD_EXPORTER_PASSWORD
};

// The connection parameters of an auth module ("client" or "client.NAME") of a
// my.cnf: the groups the client library reads for a program of group "client"
// ([client], [client-server], [client-mariadb]) plus [client.NAME], later lines
// overriding earlier ones. Keys the exporter does not use are ignored, as the
// client ignores them; a malformed value of a used key is an error naming its line.
exporter::Expected<ConnectionParams> ParamsFromOptionFile(const exporter::OptionFile& file, std::string_view module);

// Fills user, password, host and port the file did not set.
exporter::Status ApplyFallbacks(ConnectionParams& params, const ConfigFallbacks& fallbacks);

// A /probe target: "host", "host:port", "[v6]:port" or "unix:///path/to.sock".
exporter::Status ApplyTarget(ConnectionParams& params, std::string_view target);

// "ON"/"1"/"true"/"yes"/"" (a bare key) -> true, "OFF"/"0"/"false"/"no" -> false.
std::optional<bool> ParseOptionBool(std::string_view value);

}  // namespace mysqld
