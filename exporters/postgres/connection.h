#pragma once

#include <memory>
#include <mutex>
#include <pqxx/connection_base>
#include <string>

#include "dsn.h"
#include "exporter/scrape.h"
#include "exporter/status.h"

namespace postgres {

// One libpqxx connection opened under a deadline. The startup (TCP connect,
// TLS, authentication) is driven with PQconnectPoll, so a server that accepts
// TCP and never answers costs at most the deadline. Abort() may be called from
// another thread to break a query that hangs after the startup.
class PgConnection {
 public:
  // session_options go into libpq's `options` ("-c statement_timeout=2500").
  static exporter::Expected<std::unique_ptr<PgConnection>> Open(const ConnParams& params,
                                                                const exporter::ScrapeDeadline& deadline,
                                                                const std::string& session_options);
  ~PgConnection();

  pqxx::connection_base& conn() { return *conn_; }
  // Shuts the socket down so that a blocked read returns; the connection is
  // unusable afterwards. Safe against a concurrent destruction.
  void Abort();
  bool aborted() const;

 private:
  PgConnection() = default;
  // pqxx::connection_base has no virtual destructor: the deleter destroys the
  // connection as its real type, whose destructor closes the session.
  using ConnectionDeleter = void (*)(pqxx::connection_base*);
  std::unique_ptr<pqxx::connection_base, ConnectionDeleter> conn_{nullptr, nullptr};
  mutable std::mutex socket_mutex_;
  int socket_ = -1;
  bool aborted_ = false;
};

}  // namespace postgres
