#include "mysqld_target.h"

#include <malloc.h>

#include <algorithm>
#include <chrono>

#include "exporter/log.h"
#include "exporter/text_format.h"

namespace mysqld {

namespace {
constexpr size_t kKeepAfterScrapeBytes = 128 * 1024;

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}
}  // namespace

ScrapeTarget::ScrapeTarget(ConnectionParams params, const std::vector<std::string>& collector_names,
                           exporter::WorkerPool& pool)
    : params_(std::move(params)), flight_(pool) {
  last_errors_["connection"] = "not connected yet";  // so that the first connection is logged
  const auto& registry = MysqldRegistry::Instance();
  for (const auto& name : collector_names) {
    auto it = registry.entries().find(name);
    if (it == registry.entries().end()) continue;
    collectors_.emplace(name, it->second.create());
    names_.push_back(name);
  }
}

void ScrapeTarget::LogChange(const std::string& key, const exporter::Status& status, const char* failure_message) {
  std::string& last = last_errors_[key];
  if (status.message() == last) return;
  if (!status.ok()) {
    if (key == "connection") {
      exporter::log::Error(failure_message, {{"target", params_.Describe()}, {"err", status.message()}});
    } else {
      exporter::log::Error(failure_message,
                           {{"target", params_.Describe()}, {"scraper", key}, {"err", status.message()}});
    }
  } else if (key == "connection") {
    exporter::log::Info("Connected to mysqld", {{"target", params_.Describe()}});
  } else {
    exporter::log::Info("Scraper recovered", {{"target", params_.Describe()}, {"scraper", key}});
  }
  last = status.message();
}

void ScrapeTarget::SetParams(ConnectionParams params) {
  std::lock_guard lock(connection_mutex_);
  params_ = std::move(params);
  connection_.Close();
}

exporter::Status ScrapeTarget::EnsureConnected(const exporter::ScrapeDeadline& deadline) {
  if (connection_.connected()) {
    if (connection_.Ping(deadline)) return {};
    connection_.Close();
    if (deadline.Expired()) return exporter::Status::Error("ping: scrape deadline reached");
  }
  return connection_.Connect(params_, deadline);
}

std::shared_ptr<const std::string> ScrapeTarget::Scrape(const exporter::ScrapeDeadline& deadline) {
  // The shared computation stops a little before the caller's deadline, so that
  // its result (mysql_up 0 and the meta families included) is ready in time.
  double margin = std::min(0.1, std::max(0.0, deadline.RemainingSeconds()) * 0.1);
  exporter::ScrapeDeadline inner(deadline.at() - std::chrono::duration_cast<exporter::ScrapeDeadline::Clock::duration>(
                                                     std::chrono::duration<double>(margin)));
  return flight_.Do(
      [this, inner] {
        std::string text = exporter::SerializeText(ScrapeCollectors(names_, inner));
        // The scrape's families (a few hundred kB in small blocks) are freed
        // by now: hand the pages back rather than keep them resident between
        // scrapes that are seconds apart.
        malloc_trim(kKeepAfterScrapeBytes);
        return text;
      },
      deadline);
}

exporter::Families ScrapeTarget::ScrapeCollectors(const std::vector<std::string>& names,
                                                  const exporter::ScrapeDeadline& deadline) {
  exporter::Families out;
  auto durations = exporter::Gauge(out, "mysql_exporter_collector_duration_seconds", "Collector time duration.");
  bool up = false;
  bool any_error = false;
  std::vector<std::pair<std::string, bool>> outcomes;

  std::unique_lock lock(connection_mutex_, std::defer_lock);
  auto start = std::chrono::steady_clock::now();
  if (!lock.try_lock_until(deadline.at())) {
    std::lock_guard meta(meta_mutex_);
    LogChange("connection", exporter::Status::Error("an earlier scrape still holds the connection"),
              "Error pinging mysqld");
  } else {
    exporter::Status connected = EnsureConnected(deadline);
    {
      std::lock_guard meta(meta_mutex_);
      LogChange("connection", connected, "Error pinging mysqld");
    }
    up = connected.ok();
    if (up) {
      durations.Add(SecondsSince(start), {{"collector", "connection"}});
      MysqlSession session(connection_, deadline);
      for (const auto& name : names) {
        auto it = collectors_.find(name);
        if (it == collectors_.end()) continue;
        auto collector_start = std::chrono::steady_clock::now();
        exporter::Status status;
        if (!connection_.connected()) {
          status = exporter::Status::Error("connection lost earlier in this scrape");
        } else if (deadline.Expired()) {
          status = exporter::Status::Error("scrape deadline reached");
        } else {
          try {
            status = it->second->Collect(session, out);
          } catch (const std::exception& e) {
            status = exporter::Status::Error(std::string("exception: ") + e.what());
          }
        }
        durations.Add(SecondsSince(collector_start), {{"collector", "collect." + name}});
        if (!status.ok()) {
          any_error = true;
          if (connection_.broken()) connection_.Close();
        }
        std::lock_guard meta(meta_mutex_);
        LogChange(name, status, "Error from scraper");
        outcomes.emplace_back(name, status.ok());
      }
    }
  }

  std::lock_guard meta(meta_mutex_);
  ++scrapes_total_;
  for (const auto& [name, ok] : outcomes) {
    if (!ok) ++scrape_errors_["collect." + name];
  }
  exporter::Gauge(out, "mysql_up", "Whether the MySQL server is up.").Add(up ? 1 : 0);
  exporter::Gauge(out, "mysql_exporter_last_scrape_error",
                  "Whether the last scrape of metrics from MySQL resulted in an error (1 for error, 0 for success).")
      .Add(!up || any_error ? 1 : 0);
  exporter::Counter(out, "mysql_exporter_scrapes_total", "Total number of times MySQL was scraped for metrics.")
      .Add(static_cast<double>(scrapes_total_));
  auto errors = exporter::Counter(out, "mysql_exporter_scrape_errors_total",
                                  "Total number of times an error occurred scraping a MySQL.");
  for (const auto& [label, count] : scrape_errors_) errors.Add(static_cast<double>(count), {{"collector", label}});
  return out;
}

}  // namespace mysqld
