#include "mysql_connection.h"

#include <errmsg.h>
#include <mysql.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <cmath>

namespace mysqld {

std::string ConnectionParams::Describe() const {
  std::string who = user.empty() ? "(default user)" : user;
  if (!socket.empty() && (host.empty() || host == "localhost") && protocol != "tcp") {
    return who + "@unix(" + socket + ")";
  }
  return who + "@" + (host.empty() ? "localhost" : host) + (port ? ":" + std::to_string(port) : "");
}

MysqlConnection::MysqlConnection() = default;
MysqlConnection::~MysqlConnection() { Close(); }

void MysqlConnection::Close() {
  if (!mysql_) return;
  // A connection whose last operation was cut short by the deadline may sit in
  // the middle of a packet: close the socket instead of sending COM_QUIT.
  if (broken_ || deadline_hit_) {
    int fd = mysql_get_socket(mysql_);
    if (fd >= 0) shutdown(fd, SHUT_RDWR);
  }
  mysql_close(mysql_);
  mysql_ = nullptr;
}

Status MysqlConnection::Fail(std::string_view what) {
  last_errno_ = mysql_ ? mysql_errno(mysql_) : 0;
  std::string message = std::string(what) + ": ";
  if (deadline_hit_) {
    message += "scrape deadline reached";
    broken_ = true;
  } else {
    message += mysql_ ? mysql_error(mysql_) : "not connected";
    // Client-side errors (CR_*: server gone, lost, out of sync) leave the connection unusable.
    if (last_errno_ >= CR_MIN_ERROR && last_errno_ <= CR_MAX_ERROR) broken_ = true;
  }
  return Status::Error(message);
}

// Waits for what the library asked for, but never past the deadline; a
// deadline reached is reported to the library as its timeout, which makes the
// pending operation fail.
int MysqlConnection::Wait(int status, const exporter::ScrapeDeadline& deadline) {
  while (true) {
    double remaining = deadline.RemainingSeconds();
    if (remaining <= 0) {
      deadline_hit_ = true;
      return MYSQL_WAIT_TIMEOUT;
    }
    int timeout_ms = static_cast<int>(std::ceil(remaining * 1000));
    bool library_timeout = false;
    if (status & MYSQL_WAIT_TIMEOUT) {
      int library_ms = static_cast<int>(mysql_get_timeout_value_ms(mysql_));
      if (library_ms <= timeout_ms) {
        timeout_ms = library_ms;
        library_timeout = true;
      }
    }
    pollfd pfd{};
    pfd.fd = mysql_get_socket(mysql_);
    if (status & MYSQL_WAIT_READ) pfd.events |= POLLIN;
    if (status & MYSQL_WAIT_WRITE) pfd.events |= POLLOUT;
    if (status & MYSQL_WAIT_EXCEPT) pfd.events |= POLLPRI;
    int ready = poll(&pfd, pfd.fd >= 0 && pfd.events ? 1 : 0, timeout_ms);
    if (ready < 0) {
      if (errno == EINTR) continue;
      return MYSQL_WAIT_TIMEOUT;
    }
    if (ready == 0) {
      if (!library_timeout) deadline_hit_ = true;
      return MYSQL_WAIT_TIMEOUT;
    }
    int result = 0;
    if (pfd.revents & (POLLIN | POLLHUP | POLLERR)) result |= MYSQL_WAIT_READ;
    if (pfd.revents & (POLLOUT | POLLHUP | POLLERR)) result |= MYSQL_WAIT_WRITE;
    if (pfd.revents & POLLPRI) result |= MYSQL_WAIT_EXCEPT;
    result &= status;
    if (result == 0) result = status & (MYSQL_WAIT_READ | MYSQL_WAIT_WRITE);
    return result;
  }
}

Status MysqlConnection::Connect(const ConnectionParams& params, const exporter::ScrapeDeadline& deadline) {
  Close();
  broken_ = false;
  deadline_hit_ = false;
  last_errno_ = 0;
  mysql_ = mysql_init(nullptr);
  if (!mysql_) return Status::Error("mysql_init failed");
  mysql_options(mysql_, MYSQL_OPT_NONBLOCK, nullptr);

  // The library's own timeouts back up the deadline (whole seconds, at least 1).
  double remaining = deadline.RemainingSeconds();
  double connect_seconds = remaining;
  if (params.connect_timeout_seconds > 0 && params.connect_timeout_seconds < connect_seconds) {
    connect_seconds = params.connect_timeout_seconds;
  }
  unsigned connect_timeout = static_cast<unsigned>(std::max(1.0, std::ceil(connect_seconds)));
  unsigned io_timeout = static_cast<unsigned>(std::max(1.0, std::ceil(remaining)));
  mysql_options(mysql_, MYSQL_OPT_CONNECT_TIMEOUT, &connect_timeout);
  mysql_options(mysql_, MYSQL_OPT_READ_TIMEOUT, &io_timeout);
  mysql_options(mysql_, MYSQL_OPT_WRITE_TIMEOUT, &io_timeout);
  if (params.protocol == "tcp") {
    unsigned protocol = MYSQL_PROTOCOL_TCP;
    mysql_options(mysql_, MYSQL_OPT_PROTOCOL, &protocol);
  } else if (params.protocol == "socket") {
    unsigned protocol = MYSQL_PROTOCOL_SOCKET;
    mysql_options(mysql_, MYSQL_OPT_PROTOCOL, &protocol);
  }

  using Mode = ConnectionParams::SslMode;
  bool want_ssl = params.ssl_mode == Mode::kRequired || params.ssl_mode == Mode::kVerifyCa ||
                  params.ssl_mode == Mode::kVerifyIdentity || !params.ssl_ca.empty() || !params.ssl_capath.empty() ||
                  !params.ssl_cert.empty() || !params.ssl_key.empty();
  if (params.ssl_mode != Mode::kDisabled && want_ssl) {
    auto c = [](const std::string& s) { return s.empty() ? nullptr : s.c_str(); };
    mysql_ssl_set(mysql_, c(params.ssl_key), c(params.ssl_cert), c(params.ssl_ca), c(params.ssl_capath),
                  c(params.ssl_cipher));
    if (params.ssl_mode != Mode::kDefault) {
      my_bool enforce = 1;
      mysql_options(mysql_, MYSQL_OPT_SSL_ENFORCE, &enforce);
    }
  }
  bool verify = params.ssl_mode == Mode::kVerifyCa || params.ssl_mode == Mode::kVerifyIdentity;
  if (params.ssl_verify_server_cert) verify = *params.ssl_verify_server_cert;
  if (params.ssl_mode != Mode::kDisabled) {
    my_bool verify_flag = verify ? 1 : 0;
    mysql_options(mysql_, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify_flag);
  }

  auto c = [](const std::string& s) { return s.empty() ? nullptr : s.c_str(); };
  MYSQL* result = nullptr;
  int status = mysql_real_connect_start(&result, mysql_, c(params.host), c(params.user),
                                        params.password ? params.password->c_str() : nullptr, nullptr, params.port,
                                        c(params.socket), 0);
  while (status) status = mysql_real_connect_cont(&result, mysql_, Wait(status, deadline));
  if (!result) {
    Status failed = Fail("cannot connect to " + params.Describe());
    broken_ = true;
    Close();
    return failed;
  }
  std::string session = "SET SESSION lock_wait_timeout=" + std::to_string(params.lock_wait_timeout);
  if (params.log_slow_filter) session += ", SESSION log_slow_filter='tmp_table_on_disk,filesort_on_disk'";
  auto set = Query(session, deadline);
  if (!set) {
    Status failed = Status::Error("cannot set session variables: " + set.error());
    if (broken_) Close();
    return failed;
  }
  return {};
}

Status MysqlConnection::Ping(const exporter::ScrapeDeadline& deadline) {
  if (!mysql_) return Status::Error("not connected");
  int result = 0;
  int status = mysql_ping_start(&result, mysql_);
  while (status) status = mysql_ping_cont(&result, mysql_, Wait(status, deadline));
  if (result != 0) return Fail("ping");
  return {};
}

exporter::Expected<Table> MysqlConnection::Query(std::string_view sql, const exporter::ScrapeDeadline& deadline) {
  if (!mysql_) return Status::Error("not connected");
  int error = 0;
  int status = mysql_real_query_start(&error, mysql_, sql.data(), sql.size());
  while (status) status = mysql_real_query_cont(&error, mysql_, Wait(status, deadline));
  if (error) return Fail("query");
  MYSQL_RES* res = nullptr;
  status = mysql_store_result_start(&res, mysql_);
  while (status) status = mysql_store_result_cont(&res, mysql_, Wait(status, deadline));
  Table table;
  if (!res) {
    if (mysql_field_count(mysql_) != 0) return Fail("reading result");
    return table;  // a statement without a result set
  }
  unsigned fields = mysql_num_fields(res);
  MYSQL_FIELD* field_info = mysql_fetch_fields(res);
  table.columns.reserve(fields);
  for (unsigned i = 0; i < fields; ++i) table.columns.emplace_back(field_info[i].name);
  table.rows.reserve(mysql_num_rows(res));
  // A stored result is in memory: fetching rows does no I/O.
  while (MYSQL_ROW row = mysql_fetch_row(res)) {
    unsigned long* lengths = mysql_fetch_lengths(res);
    auto& out = table.rows.emplace_back();
    out.reserve(fields);
    for (unsigned i = 0; i < fields; ++i) {
      if (row[i]) {
        out.emplace_back(std::string(row[i], lengths[i]));
      } else {
        out.emplace_back(std::nullopt);
      }
    }
  }
  mysql_free_result(res);
  return table;
}

}  // namespace mysqld
