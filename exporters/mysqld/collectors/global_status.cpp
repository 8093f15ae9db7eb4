// SHOW GLOBAL STATUS -> mysql_global_status_* (collect.global_status).
#include "mysqld_collector.h"

namespace mysqld {
namespace {

class GlobalStatusCollector : public MysqldCollector {
 public:
  exporter::Status Collect(MysqlSession& session, exporter::Families& out) override {
    auto table = session.Query("SHOW GLOBAL STATUS");
    if (!table) return table.status();
    AppendGlobalStatus(*table, out);
    return {};
  }
};

EXPORTER_REGISTER_COLLECTOR(MysqldCollector, "global_status", true, GlobalStatusCollector);

}  // namespace
}  // namespace mysqld
