#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "exporter/status.h"
#include "json.h"

namespace exporter::mattermost {

// Where a database listens: a TCP host and port, or a Unix socket path.
struct DbAddress {
  std::string host;  // a name or a literal address, without brackets
  uint16_t port = 0;
  std::string unix_path;  // set for Unix-socket addresses (host and port empty)

  bool IsUnix() const { return !unix_path.empty(); }
  // "host:port" ("[::1]:5432" for IPv6 literals) or the socket path: the
  // endpoint label. Never holds credentials.
  std::string Label() const;
  bool operator==(const DbAddress&) const = default;
};

// "HOST:PORT", "[V6]:PORT" or "/path/to.sock" (a --db.master / --db.replica value).
Expected<DbAddress> ParseHostPort(std::string_view text);

// The addresses of one data source string as Mattermost's drivers read it:
//   - PostgreSQL URLs: postgres[ql]://[user[:pw]@][host[:port][,host[:port]...]][/db][?host=..&port=..]
//   - PostgreSQL keyword/value strings: "host=db port=5432 user=mm password='x y' dbname=mm"
//   - MySQL DSNs (go-sql-driver): [user[:pw]@][net[(addr)]]/dbname[?params], net tcp, tcp6 or unix.
// driver is SqlSettings.DriverName ("postgres", "mysql") or empty to guess from the form.
// Error messages never quote the input: data sources hold passwords.
Expected<std::vector<DbAddress>> ParseDataSource(std::string_view dsn, std::string_view driver);

// The database settings of a Mattermost config.json: SqlSettings.DriverName,
// DataSource and DataSourceReplicas.
struct MattermostSqlSettings {
  std::string driver;
  std::vector<DbAddress> master;
  std::vector<DbAddress> replicas;
};
Expected<MattermostSqlSettings> ParseMattermostConfig(std::string_view json_text);

}  // namespace exporter::mattermost
