#include "server.h"

#include <algorithm>
#include <cmath>
#include <pqxx/except>
#include <pqxx/nontransaction>
#include <pqxx/pipeline>

#include "exporter/log.h"

namespace postgres {

using exporter::Expected;
using exporter::ScrapeDeadline;
using exporter::Status;

namespace {
// One round trip that proves the session works and that the login would still
// succeed as far as the catalogs can tell (see the class comment). 1260 is
// pg_authid's fixed OID.
constexpr const char* kVerifyQuery =
    "SELECT r.rolcanlogin AND (r.rolvaliduntil IS NULL OR r.rolvaliduntil > now()), "
    "pg_stat_get_tuples_inserted(1260) + pg_stat_get_tuples_updated(1260) + pg_stat_get_tuples_deleted(1260), "
    "current_setting('server_version_num') "
    "FROM pg_roles r WHERE r.rolname = session_user";

std::string SessionOptions(int statement_timeout_ms) {
  return "-c statement_timeout=" + std::to_string(statement_timeout_ms) + " -c TimeZone=UTC -c DateStyle=ISO";
}

std::string OneLine(std::string message) {
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  std::replace(message.begin(), message.end(), '\n', ' ');
  std::replace(message.begin(), message.end(), '\t', ' ');
  return message;
}
}  // namespace

PgServer::PgServer(ConnParams params, Labels server_labels, double reauth_interval_seconds)
    : params_(std::move(params)),
      server_labels_(std::move(server_labels)),
      server_(ServerLabel(params_)),
      reauth_interval_(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
          std::chrono::duration<double>(reauth_interval_seconds))) {}

void PgServer::DropConnection() {
  std::shared_ptr<PgConnection> old;
  {
    std::lock_guard lock(connection_mutex_);
    old = std::move(connection_);
  }
  // Destroyed outside the lock; PgConnection guards its socket against Abort().
}

void PgServer::Abort() {
  std::shared_ptr<PgConnection> connection;
  {
    std::lock_guard lock(connection_mutex_);
    connection = connection_;
  }
  if (connection) connection->Abort();
}

Status PgServer::Login(const ScrapeDeadline& deadline, int statement_timeout_ms) {
  DropConnection();
  auto opened = PgConnection::Open(params_, deadline, SessionOptions(statement_timeout_ms));
  if (!opened) return opened.status();
  {
    std::lock_guard lock(connection_mutex_);
    connection_ = std::shared_ptr<PgConnection>(std::move(*opened));
  }
  statement_timeout_ms_ = statement_timeout_ms;
  logged_in_at_ = std::chrono::steady_clock::now();
  role_changes_ = -1;  // the first verification records the counter
  auto verified = Verify();
  if (!verified) return verified.status();
  if (!*verified) return Status::Error("role may not log in (NOLOGIN, expired or dropped)");
  return {};
}

Expected<bool> PgServer::Verify() {
  try {
    pqxx::nontransaction tx(connection_->conn(), "verify");
    return CheckVerification(tx.exec(kVerifyQuery));
  } catch (const std::exception& e) {
    return Status::Error(OneLine(e.what()));
  }
}

bool PgServer::CheckVerification(const pqxx::result& result) {
  {
    if (result.empty()) return false;  // role dropped
    const auto& row = result[0];
    bool may_login = !row[0].is_null() && std::string_view(row[0].c_str()) == "t";
    long long changes = row[1].is_null() ? 0 : std::atoll(row[1].c_str());
    server_version_ = std::atoi(row[2].c_str());
    if (!may_login) return false;
    if (role_changes_ < 0) role_changes_ = changes;
    return changes == role_changes_;
  }
}

Status PgServer::Prepare(const ScrapeDeadline& deadline, int statement_timeout_ms, bool allow_reuse) {
  bool reuse = allow_reuse && connection_ && !connection_->aborted() && connection_->conn().is_open() &&
               std::chrono::steady_clock::now() - logged_in_at_ < reauth_interval_;
  if (reuse) {
    auto verified = Verify();
    if (verified && *verified) {
      if (statement_timeout_ms != statement_timeout_ms_) {
        try {
          pqxx::nontransaction tx(connection_->conn(), "timeout");
          tx.exec("SET statement_timeout = " + std::to_string(statement_timeout_ms));
          statement_timeout_ms_ = statement_timeout_ms;
        } catch (const std::exception& e) {
          return Status::Error(OneLine(e.what()));
        }
      }
      return {};
    }
    // A failed round trip, a role change or a refused role: log in afresh, and
    // let that login decide.
  }
  if (deadline.Expired()) return Status::Error("deadline exceeded before connecting");
  return Login(deadline, statement_timeout_ms);
}

namespace {
struct Plan {
  std::vector<std::string> queries;
  std::vector<pqxx::result> results;
  std::string error;  // set when planning or a query failed
  bool fetched = false;
  double seconds = 0;
};

double Since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}
}  // namespace

PgServer::BatchResult PgServer::RunCollectors(PgConnection& connection, const PgContext& ctx,
                                              const std::vector<NamedCollector>& collectors,
                                              const ScrapeDeadline& deadline, Families& out,
                                              std::vector<exporter::CollectorOutcome>& outcomes, bool verify_first) {
  std::vector<Plan> plans(collectors.size());
  size_t total = 0;
  for (size_t i = 0; i < collectors.size(); ++i) {
    try {
      plans[i].queries = collectors[i].collector->Queries(ctx);
      total += plans[i].queries.size();
    } catch (const std::exception& e) {
      plans[i].error = OneLine(e.what());
    }
  }

  bool broken = false;
  try {
    pqxx::nontransaction tx(connection.conn(), "collect");
    // First every statement in one round trip. A failing statement makes the
    // server skip the rest of the batch; those are then run one at a time, so
    // that one collector's error never costs the others their metrics.
    bool batch_failed = false;
    {
      pqxx::pipeline pipeline(tx, "collect");
      pipeline.retain(static_cast<int>(total) + 1);
      std::vector<std::vector<pqxx::pipeline::query_id>> ids(plans.size());
      pqxx::pipeline::query_id verify_id = verify_first ? pipeline.insert(kVerifyQuery) : 0;
      for (size_t i = 0; i < plans.size(); ++i) {
        for (const auto& query : plans[i].queries) ids[i].push_back(pipeline.insert(query));
      }
      pipeline.resume();
      if (verify_first) {
        bool verified = false;
        try {
          verified = CheckVerification(pipeline.retrieve(verify_id));
        } catch (const pqxx::sql_error&) {
        }
        if (!verified) {
          pipeline.flush();
          return BatchResult::kNotVerified;
        }
      }
      for (size_t i = 0; i < plans.size() && !batch_failed; ++i) {
        if (!plans[i].error.empty()) continue;
        auto start = std::chrono::steady_clock::now();
        try {
          for (auto id : ids[i]) plans[i].results.push_back(pipeline.retrieve(id));
          plans[i].fetched = true;
        } catch (const pqxx::sql_error& e) {
          plans[i].error = OneLine(e.what());
          batch_failed = true;
        }
        plans[i].seconds = Since(start);
      }
      if (batch_failed) pipeline.flush();
    }
    // One at a time, each statement limited to the time left, so that a
    // statement stuck on a lock cannot make the others overrun the deadline.
    bool timeout_changed = false;
    for (size_t i = 0; batch_failed && i < plans.size(); ++i) {
      Plan& plan = plans[i];
      if (plan.fetched || !plan.error.empty()) continue;
      auto start = std::chrono::steady_clock::now();
      try {
        plan.results.clear();
        for (const auto& query : plan.queries) {
          auto left_ms = std::chrono::duration_cast<std::chrono::milliseconds>(deadline.at() - start).count();
          if (left_ms < 50) throw std::runtime_error("deadline exceeded");
          tx.exec("SET statement_timeout = " + std::to_string(left_ms));
          timeout_changed = true;
          plan.results.push_back(tx.exec(query));
        }
        plan.fetched = true;
      } catch (const pqxx::broken_connection&) {
        throw;
      } catch (const std::exception& e) {
        plan.error = OneLine(e.what());
      }
      plan.seconds = Since(start);
    }
    if (timeout_changed) tx.exec("SET statement_timeout = " + std::to_string(statement_timeout_ms_));
  } catch (const pqxx::broken_connection& e) {
    if (verify_first) return BatchResult::kNotVerified;  // nothing proved the session works
    broken = true;
    for (auto& plan : plans) {
      if (!plan.fetched && plan.error.empty()) plan.error = OneLine(e.what());
    }
  } catch (const std::exception& e) {
    for (auto& plan : plans) {
      if (!plan.fetched && plan.error.empty()) plan.error = OneLine(e.what());
    }
  }

  for (size_t i = 0; i < collectors.size(); ++i) {
    Plan& plan = plans[i];
    if (!plan.fetched) {
      outcomes.push_back({collectors[i].name, plan.seconds, false,
                          plan.error.empty() ? std::string("deadline exceeded") : plan.error});
      continue;
    }
    auto start = std::chrono::steady_clock::now();
    Families families;
    Status status;
    try {
      status = collectors[i].collector->Collect(ctx, plan.results, families);
    } catch (const std::exception& e) {
      status = Status::Error(OneLine(e.what()));
    }
    if (status) {
      for (auto& family : families) out.push_back(std::move(family));
    }
    outcomes.push_back({collectors[i].name, plan.seconds + Since(start), status.ok(), status.message()});
  }
  return broken ? BatchResult::kBroken : BatchResult::kOk;
}

void PgServer::LogStateChange(const std::string& error) {
  if (!first_state_ && error == last_error_) return;
  if (error.empty()) {
    exporter::log::Info("connected to PostgreSQL", {{"server", server_}});
  } else {
    exporter::log::Error("PostgreSQL is unreachable", {{"server", server_}, {"err", error}});
  }
  first_state_ = false;
  last_error_ = error;
}

ServerScrape PgServer::Scrape(const std::vector<NamedCollector>& collectors, const ScrapeDeadline& deadline,
                              double timeout_seconds, Families& out) {
  ServerScrape result;
  std::unique_lock lock(scrape_mutex_, std::try_to_lock);
  if (!lock) {
    result.error = "an earlier scrape of this server is still running";
    for (const auto& c : collectors) result.outcomes.push_back({c.name, 0, false, result.error});
    return result;
  }
  // The server cancels a statement stuck on a lock well before the deadline,
  // so the scrape still answers with what it got (pg_up 1, that collector 0).
  int statement_timeout_ms = std::max(100, static_cast<int>(std::lround(timeout_seconds * 800)));
  // The common case costs one round trip: the verification query goes first in
  // the collectors' batch, and their results count only if it passes.
  bool reusable = connection_ && !connection_->aborted() && connection_->conn().is_open() &&
                  std::chrono::steady_clock::now() - logged_in_at_ < reauth_interval_ &&
                  statement_timeout_ms == statement_timeout_ms_;
  if (reusable) {
    std::shared_ptr<PgConnection> connection = connection_;
    PgContext ctx(server_labels_, server_version_);
    Families families;
    std::vector<exporter::CollectorOutcome> outcomes;
    auto batch = RunCollectors(*connection, ctx, collectors, deadline, families, outcomes, true);
    if (batch != BatchResult::kNotVerified) {
      result.up = true;
      LogStateChange("");
      for (auto& family : families) out.push_back(std::move(family));
      result.outcomes = std::move(outcomes);
      if (batch == BatchResult::kBroken || connection->aborted() || !connection->conn().is_open()) DropConnection();
      return result;
    }
    // A failed round trip, a role change or a refused role: log in afresh
    // below, and let that login decide.
  }
  Status prepared = Prepare(deadline, statement_timeout_ms, !reusable);
  if (!prepared) {
    DropConnection();
    result.error = prepared.message();
    LogStateChange(result.error);
    for (const auto& c : collectors) result.outcomes.push_back({c.name, 0, false, result.error});
    return result;
  }
  result.up = true;
  LogStateChange("");

  std::shared_ptr<PgConnection> connection = connection_;  // outlives the transaction below
  PgContext ctx(server_labels_, server_version_);
  bool broken =
      RunCollectors(*connection, ctx, collectors, deadline, out, result.outcomes, false) == BatchResult::kBroken;
  if (broken || connection->aborted() || !connection->conn().is_open()) DropConnection();
  return result;
}

}  // namespace postgres
