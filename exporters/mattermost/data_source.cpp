#include "data_source.h"

#include <algorithm>
#include <cctype>

#include "exporter/strings.h"

namespace exporter::mattermost {

namespace {

constexpr uint16_t kPostgresPort = 5432;
constexpr uint16_t kMysqlPort = 3306;

std::optional<uint16_t> ParsePort(std::string_view text) {
  if (text.empty() || text.size() > 5) return std::nullopt;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  auto value = ParseUint(text);
  if (!value || *value == 0 || *value > 65535) return std::nullopt;
  return static_cast<uint16_t>(*value);
}

// "host", "host:port", "[v6]", "[v6]:port" with a default port. A bare IPv6
// literal without brackets ("::1") is taken as a host when it holds more than
// one colon, as libpq does for its host= keyword.
Expected<DbAddress> SplitHostPort(std::string_view text, uint16_t default_port, bool port_required) {
  DbAddress address;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string_view::npos) return Status::Error("unterminated '[' in address");
    address.host = std::string(text.substr(1, close - 1));
    std::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return Status::Error("unexpected text after ']' in address");
      port_text = rest.substr(1);
      if (port_text.empty()) return Status::Error("empty port in address");
    }
  } else {
    size_t colon = text.rfind(':');
    if (colon != std::string_view::npos && text.find(':') == colon) {
      address.host = std::string(text.substr(0, colon));
      port_text = text.substr(colon + 1);
      if (port_text.empty()) return Status::Error("empty port in address");
    } else if (colon != std::string_view::npos) {
      if (port_required) return Status::Error("IPv6 address needs brackets: [addr]:port");
      address.host = std::string(text);
    } else {
      address.host = std::string(text);
    }
  }
  if (address.host.empty()) return Status::Error("empty host in address");
  if (port_text.empty()) {
    if (port_required) return Status::Error("address needs a port: host:port");
    address.port = default_port;
  } else {
    auto port = ParsePort(port_text);
    if (!port) return Status::Error("invalid port in address");
    address.port = *port;
  }
  return address;
}

bool IsPostgresUrl(std::string_view dsn) { return StartsWith(dsn, "postgres://") || StartsWith(dsn, "postgresql://"); }

// postgres://[userinfo@]hosts[/db][?query]; authority ends at the first '/', '?' or '#' as in Go's net/url.
Expected<std::vector<DbAddress>> ParsePostgresUrl(std::string_view dsn) {
  std::string_view rest = dsn.substr(dsn.find("://") + 3);
  size_t authority_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, authority_end);
  std::string_view query;
  if (authority_end != std::string_view::npos) {
    std::string_view tail = rest.substr(authority_end);
    tail = tail.substr(0, tail.find('#'));
    if (size_t q = tail.find('?'); q != std::string_view::npos) query = tail.substr(q + 1);
  }
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) authority = authority.substr(at + 1);

  std::string host_param, port_param;
  bool has_host_param = false, has_port_param = false;
  for (auto pair : Split(query, '&')) {
    size_t eq = pair.find('=');
    std::string_view key = pair.substr(0, eq);
    std::string_view value = eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    if (key == "host") {
      host_param = UrlDecode(value);
      has_host_param = true;
    } else if (key == "port") {
      port_param = UrlDecode(value);
      has_port_param = true;
    }
  }

  std::vector<DbAddress> addresses;
  if (has_host_param && !host_param.empty()) {
    // host= in the query overrides the authority (libpq, pgx); paths are sockets.
    auto hosts = Split(host_param, ',');
    auto ports = Split(port_param, ',');
    for (size_t i = 0; i < hosts.size(); ++i) {
      std::string_view port_text = ports.empty() ? std::string_view() : ports[std::min(i, ports.size() - 1)];
      uint16_t port = kPostgresPort;
      if (!port_text.empty()) {
        auto parsed = ParsePort(port_text);
        if (!parsed) return Status::Error("invalid port parameter in PostgreSQL URL");
        port = *parsed;
      }
      DbAddress address;
      if (hosts[i].empty()) return Status::Error("empty host parameter in PostgreSQL URL");
      if (StartsWith(hosts[i], "/")) {
        address.unix_path = std::string(hosts[i]) + "/.s.PGSQL." + std::to_string(port);
      } else {
        address.host = std::string(hosts[i]);
        address.port = port;
      }
      addresses.push_back(std::move(address));
    }
    return addresses;
  }
  uint16_t default_port = kPostgresPort;
  if (has_port_param) {
    auto parsed = ParsePort(port_param);
    if (!parsed) return Status::Error("invalid port parameter in PostgreSQL URL");
    default_port = *parsed;
  }
  std::string decoded = UrlDecode(authority);
  if (decoded.empty()) decoded = "localhost";
  for (auto part : Split(decoded, ',')) {
    auto address = SplitHostPort(part, default_port, false);
    if (!address) return Status::Error("PostgreSQL URL: " + address.error());
    addresses.push_back(std::move(*address));
  }
  return addresses;
}

// libpq keyword/value connection strings: key = value pairs separated by
// blanks; values may be single-quoted with backslash escapes.
Expected<std::vector<DbAddress>> ParsePostgresKeywords(std::string_view dsn) {
  std::string host, hostaddr, port;
  size_t i = 0;
  auto skip_blanks = [&] {
    while (i < dsn.size() && std::isspace(static_cast<unsigned char>(dsn[i]))) ++i;
  };
  while (true) {
    skip_blanks();
    if (i >= dsn.size()) break;
    size_t key_start = i;
    while (i < dsn.size() && dsn[i] != '=' && !std::isspace(static_cast<unsigned char>(dsn[i]))) ++i;
    std::string_view key = dsn.substr(key_start, i - key_start);
    skip_blanks();
    if (i >= dsn.size() || dsn[i] != '=') return Status::Error("PostgreSQL connection string: missing '=' after a key");
    ++i;
    skip_blanks();
    std::string value;
    if (i < dsn.size() && dsn[i] == '\'') {
      ++i;
      bool closed = false;
      while (i < dsn.size()) {
        char c = dsn[i++];
        if (c == '\\' && i < dsn.size()) {
          value.push_back(dsn[i++]);
        } else if (c == '\'') {
          closed = true;
          break;
        } else {
          value.push_back(c);
        }
      }
      if (!closed) return Status::Error("PostgreSQL connection string: unterminated quoted value");
    } else {
      while (i < dsn.size() && !std::isspace(static_cast<unsigned char>(dsn[i]))) {
        char c = dsn[i++];
        if (c == '\\' && i < dsn.size()) c = dsn[i++];
        value.push_back(c);
      }
    }
    if (key == "host") host = value;
    if (key == "hostaddr") hostaddr = value;
    if (key == "port") port = value;
  }
  // hostaddr, when given, is where libpq connects (host is then only a name for TLS).
  std::string hosts = hostaddr.empty() ? (host.empty() ? "localhost" : host) : hostaddr;
  std::vector<DbAddress> addresses;
  auto host_list = Split(hosts, ',');
  auto port_list = Split(port, ',');
  for (size_t h = 0; h < host_list.size(); ++h) {
    std::string_view port_text = port.empty() ? std::string_view() : port_list[std::min(h, port_list.size() - 1)];
    uint16_t port_value = kPostgresPort;
    if (!port_text.empty()) {
      auto parsed = ParsePort(port_text);
      if (!parsed) return Status::Error("PostgreSQL connection string: invalid port");
      port_value = *parsed;
    }
    DbAddress address;
    if (StartsWith(host_list[h], "/")) {
      address.unix_path = std::string(host_list[h]) + "/.s.PGSQL." + std::to_string(port_value);
    } else if (host_list[h].empty()) {
      return Status::Error("PostgreSQL connection string: empty host");
    } else {
      address.host = std::string(host_list[h]);
      address.port = port_value;
    }
    addresses.push_back(std::move(address));
  }
  return addresses;
}

// go-sql-driver/mysql: [user[:password]@][net[(addr)]]/dbname[?params]. The
// database name follows the last '/', the address the last '@' before it, so
// passwords may hold '@', ':' and '/'.
Expected<std::vector<DbAddress>> ParseMysqlDsn(std::string_view dsn) {
  size_t slash = dsn.rfind('/');
  if (slash == std::string_view::npos) return Status::Error("MySQL DSN: missing the '/' before the database name");
  std::string_view prefix = dsn.substr(0, slash);
  if (size_t at = prefix.rfind('@'); at != std::string_view::npos) prefix = prefix.substr(at + 1);
  std::string_view net = prefix, addr;
  if (size_t open = prefix.find('('); open != std::string_view::npos) {
    if (prefix.back() != ')') return Status::Error("MySQL DSN: unterminated '(' in the address");
    net = prefix.substr(0, open);
    addr = prefix.substr(open + 1, prefix.size() - open - 2);
  }
  if (net.empty()) net = "tcp";
  DbAddress address;
  if (net == "unix") {
    address.unix_path = addr.empty() ? "/tmp/mysql.sock" : std::string(addr);
    return std::vector<DbAddress>{address};
  }
  if (net != "tcp" && net != "tcp4" && net != "tcp6") return Status::Error("MySQL DSN: unsupported network type");
  if (addr.empty()) addr = "127.0.0.1:3306";
  auto parsed = SplitHostPort(addr, kMysqlPort, false);
  if (!parsed) return Status::Error("MySQL DSN: " + parsed.error());
  return std::vector<DbAddress>{*parsed};
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::string DbAddress::Label() const {
  if (IsUnix()) return unix_path;
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

Expected<DbAddress> ParseHostPort(std::string_view text) {
  text = Trim(text);
  if (StartsWith(text, "/")) {
    DbAddress address;
    address.unix_path = std::string(text);
    return address;
  }
  return SplitHostPort(text, 0, true);
}

Expected<std::vector<DbAddress>> ParseDataSource(std::string_view dsn, std::string_view driver) {
  dsn = Trim(dsn);
  if (dsn.empty()) return Status::Error("empty data source");
  std::string kind = Lower(driver);
  if (IsPostgresUrl(dsn)) return ParsePostgresUrl(dsn);
  if (kind == "postgres" || kind == "postgresql" || kind == "pgx") return ParsePostgresKeywords(dsn);
  if (kind == "mysql") return ParseMysqlDsn(dsn);
  if (!kind.empty()) return Status::Error("unsupported driver name: " + std::string(driver));
  // No driver: a "key=value key=value" string is libpq's; otherwise a MySQL DSN.
  size_t eq = dsn.find('=');
  size_t slash = dsn.find('/');
  if (eq != std::string_view::npos && (slash == std::string_view::npos || eq < slash)) {
    return ParsePostgresKeywords(dsn);
  }
  return ParseMysqlDsn(dsn);
}

Expected<MattermostSqlSettings> ParseMattermostConfig(std::string_view json_text) {
  auto document = ParseJson(json_text);
  if (!document) return Status::Error("config.json: " + document.error());
  const JsonValue* sql = document->Find("SqlSettings");
  if (!sql || !sql->IsObject()) return Status::Error("config.json: no SqlSettings object");
  MattermostSqlSettings settings;
  if (const JsonValue* driver = sql->Find("DriverName"); driver && driver->IsString()) settings.driver = driver->string;
  const JsonValue* source = sql->Find("DataSource");
  if (!source || !source->IsString() || Trim(source->string).empty()) {
    return Status::Error("config.json: SqlSettings.DataSource is missing or empty");
  }
  auto master = ParseDataSource(source->string, settings.driver);
  if (!master) return Status::Error("config.json: SqlSettings.DataSource: " + master.error());
  settings.master = std::move(*master);
  if (const JsonValue* replicas = sql->Find("DataSourceReplicas");
      replicas && replicas->type != JsonValue::Type::kNull) {
    if (!replicas->IsArray()) return Status::Error("config.json: SqlSettings.DataSourceReplicas is not an array");
    for (size_t i = 0; i < replicas->array.size(); ++i) {
      const JsonValue& replica = replicas->array[i];
      if (!replica.IsString()) {
        return Status::Error("config.json: SqlSettings.DataSourceReplicas[" + std::to_string(i) + "] is not a string");
      }
      auto parsed = ParseDataSource(replica.string, settings.driver);
      if (!parsed) {
        return Status::Error("config.json: SqlSettings.DataSourceReplicas[" + std::to_string(i) +
                             "]: " + parsed.error());
      }
      for (auto& address : *parsed) settings.replicas.push_back(std::move(address));
    }
  }
  return settings;
}

}  // namespace exporter::mattermost
