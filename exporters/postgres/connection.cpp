#include "connection.h"

#include <libpq-fe.h>
#include <poll.h>
#include <sys/socket.h>

#include <chrono>
#include <pqxx/basic_connection>
#include <pqxx/connectionpolicy>
#include <pqxx/except>
#include <vector>

#include "exporter/strings.h"

namespace postgres {

using exporter::Expected;
using exporter::Status;

namespace {

struct ConnectRequest {
  const ConnParams* params;
  const std::string* session_options;
  exporter::ScrapeDeadline deadline;
};

// libpqxx 6 builds the policy from the connection's constructor and hands it the
// options string only; the parameters and the deadline come through this
// pointer, set for the duration of the constructor on the connecting thread.
thread_local const ConnectRequest* t_request = nullptr;

std::string LibpqError(PGconn* conn) {
  std::string message(exporter::Trim(conn ? PQerrorMessage(conn) : "out of memory"));
  // libpq reports one line per attempted address; keep them on one line for logfmt.
  for (char& c : message) {
    if (c == '\n' || c == '\t') c = ' ';
  }
  return message.empty() ? "connection failed" : message;
}

class DeadlineConnectPolicy : public pqxx::connectionpolicy {
 public:
  explicit DeadlineConnectPolicy(const std::string& options) : pqxx::connectionpolicy(options), request_(*t_request) {}

  handle do_startconnect(handle orig) override {
    if (orig) return orig;
    std::vector<const char*> keywords, values;
    for (const auto& [key, value] : *request_.params) {
      if (key == "options") continue;
      keywords.push_back(key.c_str());
      values.push_back(value.c_str());
    }
    auto user_options = request_.params->find("options");
    combined_options_ = *request_.session_options;
    if (user_options != request_.params->end()) combined_options_ = user_options->second + " " + combined_options_;
    keywords.push_back("options");
    values.push_back(combined_options_.c_str());
    if (!request_.params->count("fallback_application_name")) {
      keywords.push_back("fallback_application_name");
      values.push_back("postgres_exporter");
    }
    keywords.push_back(nullptr);
    values.push_back(nullptr);
    PGconn* conn = PQconnectStartParams(keywords.data(), values.data(), 0);
    if (!conn || PQstatus(conn) == CONNECTION_BAD) {
      std::string message = LibpqError(conn);
      if (conn) PQfinish(conn);
      throw pqxx::broken_connection(message);
    }
    return conn;
  }

  // On a throw, libpqxx finishes the handle it got from do_startconnect.
  handle do_completeconnect(handle conn) override {
    PostgresPollingStatusType state = PGRES_POLLING_WRITING;
    while (state != PGRES_POLLING_OK) {
      if (state == PGRES_POLLING_FAILED) throw pqxx::broken_connection(LibpqError(conn));
      auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(request_.deadline.at() -
                                                                             exporter::ScrapeDeadline::Clock::now());
      if (remaining.count() <= 0)
        throw pqxx::broken_connection("timeout: no answer from the server before the deadline");
      pollfd pfd{PQsocket(conn), static_cast<short>(state == PGRES_POLLING_READING ? POLLIN : POLLOUT), 0};
      if (pfd.fd < 0) throw pqxx::broken_connection(LibpqError(conn));
      int ready = poll(&pfd, 1, static_cast<int>(remaining.count()));
      if (ready < 0 && errno != EINTR) throw pqxx::broken_connection("poll failed");
      if (ready <= 0) continue;
      state = PQconnectPoll(conn);
    }
    return conn;
  }

 private:
  const ConnectRequest& request_;
  std::string combined_options_;
};

using DeadlineConnection = pqxx::basic_connection_base<DeadlineConnectPolicy>;

}  // namespace

Expected<std::unique_ptr<PgConnection>> PgConnection::Open(const ConnParams& params,
                                                           const exporter::ScrapeDeadline& deadline,
                                                           const std::string& session_options) {
  ConnectRequest request{&params, &session_options, deadline};
  t_request = &request;
  std::unique_ptr<PgConnection> connection(new PgConnection());
  try {
    auto conn = std::make_unique<DeadlineConnection>();
    t_request = nullptr;
    // A broken connection is replaced by the scraper, never silently reopened
    // by libpqxx (the policy's request would be gone). Deprecated in 6.4 with
    // reactivation itself, which is still on by default there.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    conn->inhibit_reactivation(true);
#pragma GCC diagnostic pop
    connection->socket_ = conn->sock();
    connection->conn_ = std::unique_ptr<pqxx::connection_base, ConnectionDeleter>(
        conn.release(), [](pqxx::connection_base* c) { delete static_cast<DeadlineConnection*>(c); });
  } catch (const std::exception& e) {
    t_request = nullptr;
    return Status::Error(exporter::Trim(e.what()).empty() ? "connection failed"
                                                          : std::string(exporter::Trim(e.what())));
  }
  return connection;
}

PgConnection::~PgConnection() {
  {
    std::lock_guard lock(socket_mutex_);
    socket_ = -1;
  }
  conn_.reset();
}

void PgConnection::Abort() {
  std::lock_guard lock(socket_mutex_);
  aborted_ = true;
  if (socket_ >= 0) shutdown(socket_, SHUT_RDWR);
}

bool PgConnection::aborted() const {
  std::lock_guard lock(socket_mutex_);
  return aborted_;
}

}  // namespace postgres
