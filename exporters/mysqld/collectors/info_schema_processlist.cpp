// information_schema.processlist -> mysql_info_schema_processlist_threads{command,state},
// ..._processlist_seconds, ..._processes_by_user, ..._processes_by_host (collect.info_schema.processlist).
#include <string>

#include "mysqld_collector.h"

namespace mysqld {
namespace {

int min_time = 0;
bool by_user = true;
bool by_host = true;

void AddFlags(exporter::Flags& flags) {
  flags.Option("--collect.info_schema.processlist.min_time", min_time,
               "Minimum time a thread must be in each state to be counted");
  flags.Flag(
      "--collect.info_schema.processlist.processes_by_user,!--no-collect.info_schema.processlist.processes_by_user",
      by_user, "Enable collecting the number of processes by user (default: on)");
  flags.Flag(
      "--collect.info_schema.processlist.processes_by_host,!--no-collect.info_schema.processlist.processes_by_host",
      by_host, "Enable collecting the number of processes by host (default: on)");
}

class ProcesslistCollector : public MysqldCollector {
 public:
  exporter::Status Collect(MysqlSession& session, exporter::Families& out) override {
    std::string query =
        "SELECT user, SUBSTRING_INDEX(host, ':', 1) AS host, COALESCE(command, '') AS command, "
        "COALESCE(state, '') AS state, COUNT(*) AS processes, SUM(time) AS seconds "
        "FROM information_schema.processlist WHERE ID != connection_id() AND TIME >= " +
        std::to_string(min_time) + " GROUP BY user, SUBSTRING_INDEX(host, ':', 1), command, state";
    auto table = session.Query(query);
    if (!table) return table.status();
    AppendProcesslist(*table, {by_user, by_host}, out);
    return {};
  }
};

EXPORTER_REGISTER_COLLECTOR(MysqldCollector, "info_schema.processlist", true, ProcesslistCollector, AddFlags);

}  // namespace
}  // namespace mysqld
