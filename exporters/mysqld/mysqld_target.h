#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "exporter/metrics.h"
#include "exporter/scrape.h"
#include "mysql_connection.h"
#include "mysqld_collector.h"

namespace mysqld {

// One MySQL server being scraped: its kept connection, its collectors and the
// 0.14 meta families (mysql_up, mysql_exporter_*). The connection is checked
// with a ping on every scrape and reopened when it fails; failures are logged
// when they change, not on every scrape.
class ScrapeTarget {
 public:
  ScrapeTarget(ConnectionParams params, const std::vector<std::string>& collector_names, exporter::WorkerPool& pool);

  // One scrape of every collector, in the text format. Scrapes arriving while
  // one is in flight share its result (an HA Prometheus pair scrapes twice per
  // interval). nullptr when the deadline passed before a result was ready.
  std::shared_ptr<const std::string> Scrape(const exporter::ScrapeDeadline& deadline);

  // One scrape of the named collectors only (collect[] filters); not shared.
  exporter::Families ScrapeCollectors(const std::vector<std::string>& names, const exporter::ScrapeDeadline& deadline);

  const std::vector<std::string>& collector_names() const { return names_; }

  // New credentials or address (a reloaded my.cnf): the kept connection is
  // closed and the next scrape connects with these. Waits for a scrape in progress.
  void SetParams(ConnectionParams params);

 private:
  exporter::Status EnsureConnected(const exporter::ScrapeDeadline& deadline);
  void LogChange(const std::string& key, const exporter::Status& status, const char* failure_message);

  ConnectionParams params_;
  std::vector<std::string> names_;
  std::map<std::string, std::unique_ptr<MysqldCollector>> collectors_;
  exporter::SingleFlight<std::string> flight_;

  std::timed_mutex connection_mutex_;  // held for a whole scrape
  MysqlConnection connection_;

  std::mutex meta_mutex_;
  uint64_t scrapes_total_ = 0;
  std::map<std::string, uint64_t> scrape_errors_;   // "collect.NAME" -> count
  std::map<std::string, std::string> last_errors_;  // for logging changes only
};

}  // namespace mysqld
