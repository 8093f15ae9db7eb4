#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <pqxx/result>
#include <string>
#include <utility>
#include <vector>

#include "connection.h"
#include "dsn.h"
#include "exporter/scrape.h"
#include "pg_collector.h"

namespace postgres {

struct NamedCollector {
  std::string name;
  PgCollector* collector;
};

struct ServerScrape {
  bool up = false;  // a verified round trip to the server succeeded in this scrape
  std::string error;
  std::vector<exporter::CollectorOutcome> outcomes;
};

// One PostgreSQL server and the connection kept to it between scrapes.
//
// pg_up must mean "the exporter can log in now", not "an old session still
// works": PostgreSQL keeps established sessions after a password change or
// ALTER ROLE ... NOLOGIN. A fresh login per scrape would say it truthfully but
// costs about 5 ms of CPU (SCRAM's key derivation), more than the whole scrape.
// So each scrape first runs one verification query on the kept connection:
// the role must still exist, may log in and its password must not have
// expired, and pg_authid's modification counter (pg_stat_get_tuples_* of the
// shared catalog, readable by any role) must not have moved since the last
// login. Any change to any role, a failed query, or reauth_interval passing
// makes the scrape log in again with the configured credentials, and pg_up
// reports that login.
class PgServer {
 public:
  PgServer(ConnParams params, Labels server_labels, double reauth_interval_seconds);

  // Verifies or (re)opens the connection, then runs the collectors in order on
  // it until the deadline. Families of the collectors are appended to out.
  ServerScrape Scrape(const std::vector<NamedCollector>& collectors, const exporter::ScrapeDeadline& deadline,
                      double timeout_seconds, Families& out);

  // Breaks a scrape blocked on the server (called when it overran its deadline).
  void Abort();

  const std::string& server() const { return server_; }
  const Labels& server_labels() const { return server_labels_; }

 private:
  exporter::Status Prepare(const exporter::ScrapeDeadline& deadline, int statement_timeout_ms, bool allow_reuse);
  exporter::Status Login(const exporter::ScrapeDeadline& deadline, int statement_timeout_ms);
  // Returns whether the connection is still the one to use (false: log in again).
  exporter::Expected<bool> Verify();
  void DropConnection();
  enum class BatchResult { kOk, kBroken, kNotVerified };
  // Sends every collector's statements in one round trip and maps the results.
  // With verify_first the verification query leads the batch and nothing is
  // mapped unless it passes (kNotVerified).
  BatchResult RunCollectors(PgConnection& connection, const PgContext& ctx,
                            const std::vector<NamedCollector>& collectors, const exporter::ScrapeDeadline& deadline,
                            Families& out, std::vector<exporter::CollectorOutcome>& outcomes, bool verify_first);
  // Whether the verification query's result says the session may go on.
  bool CheckVerification(const pqxx::result& result);
  void LogStateChange(const std::string& error);

  ConnParams params_;
  Labels server_labels_;
  std::string server_;
  std::chrono::steady_clock::duration reauth_interval_;

  std::mutex scrape_mutex_;      // one scrape of this server at a time
  std::mutex connection_mutex_;  // guards connection_ against Abort()
  std::shared_ptr<PgConnection> connection_;
  std::chrono::steady_clock::time_point logged_in_at_;
  long long role_changes_ = -1;
  int server_version_ = 0;
  int statement_timeout_ms_ = 0;
  bool first_state_ = true;
  std::string last_error_;
};

}  // namespace postgres
