#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "exporter/scrape.h"
#include "exporter/status.h"
#include "mysqld_parse.h"

typedef struct st_mysql MYSQL;

namespace mysqld {

using exporter::Status;

// Where and how to connect; built from a my.cnf group plus flags.
struct ConnectionParams {
  enum class SslMode { kDefault, kDisabled, kRequired, kVerifyCa, kVerifyIdentity };
  std::string user;
  std::optional<std::string> password;
  std::string host;
  unsigned port = 0;
  std::string socket;
  std::string protocol;  // "", "tcp", "socket"
  std::string ssl_ca, ssl_capath, ssl_cert, ssl_key, ssl_cipher;
  SslMode ssl_mode = SslMode::kDefault;
  std::optional<bool> ssl_verify_server_cert;
  double connect_timeout_seconds = 0;  // 0: only the scrape deadline
  // Session settings run after connecting.
  int lock_wait_timeout = 2;
  bool log_slow_filter = false;

  // "user@host:port" or "user@unix(/path)"; never the password.
  std::string Describe() const;
};

// One client connection whose every network wait is bounded by a scrape
// deadline: it runs the Connector/C non-blocking API and polls the socket
// itself, so a server that accepts TCP and never answers costs at most the
// deadline, never a hung thread. Not thread-safe.
class MysqlConnection {
 public:
  MysqlConnection();
  ~MysqlConnection();
  MysqlConnection(const MysqlConnection&) = delete;
  MysqlConnection& operator=(const MysqlConnection&) = delete;

  Status Connect(const ConnectionParams& params, const exporter::ScrapeDeadline& deadline);
  // A round trip on the open connection.
  Status Ping(const exporter::ScrapeDeadline& deadline);
  exporter::Expected<Table> Query(std::string_view sql, const exporter::ScrapeDeadline& deadline);
  bool connected() const { return mysql_ != nullptr; }
  void Close();
  // The last error's server error number (0 for client-side errors).
  unsigned last_errno() const { return last_errno_; }
  // True when the last failure means the connection is unusable.
  bool broken() const { return broken_; }

 private:
  int Wait(int status, const exporter::ScrapeDeadline& deadline);
  Status Fail(std::string_view what);

  MYSQL* mysql_ = nullptr;
  unsigned last_errno_ = 0;
  bool broken_ = false;
  bool deadline_hit_ = false;
};

}  // namespace mysqld
