// SHOW GLOBAL VARIABLES -> mysql_global_variables_*, mysql_version_info (collect.global_variables).
#include "mysqld_collector.h"

namespace mysqld {
namespace {

class GlobalVariablesCollector : public MysqldCollector {
 public:
  exporter::Status Collect(MysqlSession& session, exporter::Families& out) override {
    auto table = session.Query("SHOW GLOBAL VARIABLES");
    if (!table) return table.status();
    AppendGlobalVariables(*table, out);
    return {};
  }
};

EXPORTER_REGISTER_COLLECTOR(MysqldCollector, "global_variables", true, GlobalVariablesCollector);

}  // namespace
}  // namespace mysqld
