#pragma once

#include <string_view>

#include "exporter/collector.h"
#include "exporter/metrics.h"
#include "exporter/scrape.h"
#include "exporter/status.h"
#include "mysql_connection.h"
#include "mysqld_parse.h"

namespace mysqld {

// The open connection of one scrape, bound to its deadline.
class MysqlSession {
 public:
  MysqlSession(MysqlConnection& connection, const exporter::ScrapeDeadline& deadline)
      : connection_(connection), deadline_(deadline) {}
  exporter::Expected<Table> Query(std::string_view sql) { return connection_.Query(sql, deadline_); }
  const exporter::ScrapeDeadline& deadline() const { return deadline_; }
  // True when the last failure left the connection unusable (as opposed to an SQL error).
  bool broken() const { return connection_.broken(); }

 private:
  MysqlConnection& connection_;
  const exporter::ScrapeDeadline& deadline_;
};

// One mysqld_exporter collector ("scraper" in the Go exporter). Each
// collectors/*.cpp registers one with
//   EXPORTER_REGISTER_COLLECTOR(mysqld::MysqldCollector, "global_status", true, GlobalStatusCollector);
// which gives it --collect.NAME / --no-collect.NAME.
class MysqldCollector {
 public:
  virtual ~MysqldCollector() = default;
  virtual exporter::Status Collect(MysqlSession& session, exporter::Families& out) = 0;
};

using MysqldRegistry = exporter::CollectorRegistry<MysqldCollector>;

}  // namespace mysqld
