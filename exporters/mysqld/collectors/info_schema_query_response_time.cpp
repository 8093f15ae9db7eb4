// information_schema.query_response_time* histograms, where the server has the
// plugin and query_response_time_stats is ON (collect.info_schema.query_response_time).
#include "mysqld_collector.h"

namespace mysqld {
namespace {

class QueryResponseTimeCollector : public MysqldCollector {
 public:
  exporter::Status Collect(MysqlSession& session, exporter::Families& out) override {
    auto stats = session.Query("SELECT @@query_response_time_stats");
    if (!stats && session.broken()) return stats.status();
    // No such variable: the plugin is not installed, which is not an error.
    if (!stats || stats->rows.empty() || stats->rows[0].empty() || !stats->rows[0][0]) return {};
    auto on = ParseStatusValue(*stats->rows[0][0]);
    if (!on || *on == 0) return {};
    struct Source {
      const char* query;
      const char* name;
      const char* help;
    };
    static const Source kSources[] = {
        {"SELECT TIME, COUNT, TOTAL FROM INFORMATION_SCHEMA.QUERY_RESPONSE_TIME",
         "mysql_info_schema_query_response_time_seconds",
         "The number of all queries by duration they took to execute."},
        {"SELECT TIME, COUNT, TOTAL FROM INFORMATION_SCHEMA.QUERY_RESPONSE_TIME_READ",
         "mysql_info_schema_read_query_response_time_seconds",
         "The number of read queries by duration they took to execute."},
        {"SELECT TIME, COUNT, TOTAL FROM INFORMATION_SCHEMA.QUERY_RESPONSE_TIME_WRITE",
         "mysql_info_schema_write_query_response_time_seconds",
         "The number of write queries by duration they took to execute."},
    };
    for (size_t i = 0; i < 3; ++i) {
      auto table = session.Query(kSources[i].query);
      if (!table) {
        // Only the first table must exist; the read/write split is Percona's.
        if (i == 0) return table.status();
        if (session.deadline().Expired()) return table.status();
        continue;
      }
      AppendQueryResponseTime(*table, kSources[i].name, kSources[i].help, out);
    }
    return {};
  }
};

EXPORTER_REGISTER_COLLECTOR(MysqldCollector, "info_schema.query_response_time", true, QueryResponseTimeCollector);

}  // namespace
}  // namespace mysqld
