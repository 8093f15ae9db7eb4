// SHOW ALL SLAVES STATUS (MariaDB), SHOW REPLICA STATUS (MySQL 8.0.22+) or
// SHOW SLAVE STATUS -> mysql_slave_status_* (collect.slave_status). A server
// that is no replica answers with no rows: no families, and no error.
#include "mysqld_collector.h"

namespace mysqld {
namespace {

class SlaveStatusCollector : public MysqldCollector {
 public:
  exporter::Status Collect(MysqlSession& session, exporter::Families& out) override {
    static const char* const kQueries[] = {"SHOW ALL SLAVES STATUS", "SHOW REPLICA STATUS", "SHOW SLAVE STATUS"};
    exporter::Status first_error;
    // Start with the statement that worked last time on this server.
    for (size_t attempt = 0; attempt < 3; ++attempt) {
      size_t index = (preferred_ + attempt) % 3;
      auto table = session.Query(kQueries[index]);
      if (table) {
        preferred_ = index;
        AppendSlaveStatus(*table, out);
        return {};
      }
      if (first_error.ok()) first_error = table.status();
      if (session.deadline().Expired()) break;
    }
    return first_error;
  }

 private:
  size_t preferred_ = 0;
};

EXPORTER_REGISTER_COLLECTOR(MysqldCollector, "slave_status", true, SlaveStatusCollector);

}  // namespace
}  // namespace mysqld
