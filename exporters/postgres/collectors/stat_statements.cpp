// pg_stat_statements_*: the statements that took the most time (off by
// default: every distinct statement is a series). Names and labels of the later
// postgres_exporter releases (0.11 has no such collector). Needs the extension
// in the connected database and pg_stat_statements in shared_preload_libraries;
// without them the statement fails and only this collector reports 0.
#include "pg_collector.h"

namespace postgres {
namespace {

int g_limit = 100;

void AddFlags(exporter::Flags& flags) {
  flags.Option("--collector.stat_statements.limit", g_limit,
               "Export the statements of this many (user, database, query id) with the highest total execution "
               "time.",
               {1, 100000});
}

class StatStatementsCollector : public PgCollector {
 public:
  std::vector<std::string> Queries(const PgContext& ctx) const override {
    // Column names of the view by server version: total_time became
    // total_exec_time in 13, blk_read_time was split by buffer kind in 17.
    int version = ctx.server_version();
    std::string total_time = version >= 130000 ? "total_exec_time" : "total_time";
    std::string read_time = version >= 170000 ? "s.shared_blk_read_time + s.local_blk_read_time" : "s.blk_read_time";
    std::string write_time =
        version >= 170000 ? "s.shared_blk_write_time + s.local_blk_write_time" : "s.blk_write_time";
    // Rows that differ only in `toplevel` (track = all) share their labels:
    // they are summed so that each series appears once.
    return {"SELECT pg_get_userbyid(s.userid), d.datname, s.queryid::text, sum(s.calls), sum(s." + total_time +
            ") / 1000.0, sum(s.rows), sum(" + read_time + ") / 1000.0, sum(" + write_time +
            ") / 1000.0 FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid "
            "GROUP BY 1, 2, 3 ORDER BY 5 DESC, 3 LIMIT " +
            std::to_string(g_limit)};
  }

  Status Collect(const PgContext& ctx, const std::vector<pqxx::result>& results, Families& out) override {
    const pqxx::result& result = results[0];
    auto calls = exporter::Counter(out, "pg_stat_statements_calls_total", "Number of times executed");
    auto seconds =
        exporter::Counter(out, "pg_stat_statements_seconds_total", "Total time spent in the statement, in seconds");
    auto rows = exporter::Counter(out, "pg_stat_statements_rows_total",
                                  "Total number of rows retrieved or affected by the statement");
    auto read = exporter::Counter(out, "pg_stat_statements_block_read_seconds_total",
                                  "Total time the statement spent reading blocks, in seconds");
    auto write = exporter::Counter(out, "pg_stat_statements_block_write_seconds_total",
                                   "Total time the statement spent writing blocks, in seconds");
    auto text_or_unknown = [](const pqxx::field& field) {
      return field.is_null() ? std::string("unknown") : std::string(field.c_str());
    };
    auto value_or_zero = [](const pqxx::field& field) { return field.is_null() ? 0.0 : FieldDouble(field); };
    for (const auto& row : result) {
      Labels labels = ctx.WithServer({{"user", text_or_unknown(row[0])},
                                      {"datname", text_or_unknown(row[1])},
                                      {"queryid", text_or_unknown(row[2])}});
      calls.Add(value_or_zero(row[3]), labels);
      seconds.Add(value_or_zero(row[4]), labels);
      rows.Add(value_or_zero(row[5]), labels);
      read.Add(value_or_zero(row[6]), labels);
      write.Add(value_or_zero(row[7]), labels);
    }
    return {};
  }
};

}  // namespace
EXPORTER_REGISTER_COLLECTOR(postgres::PgCollector, "stat_statements", false, StatStatementsCollector, AddFlags);
}  // namespace postgres
