// information_schema.tables sizes (collect.info_schema.tables, off by default).
#include <string>

#include "exporter/strings.h"
#include "mysqld_collector.h"

namespace mysqld {
namespace {

std::string databases = "*";

void AddFlags(exporter::Flags& flags) {
  flags.Option("--collect.info_schema.tables.databases", databases,
               "The list of databases to collect table stats for, or '*' for all");
}

// A string literal for SQL: quotes and backslashes escaped.
std::string Quote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "'";
}

class TablesCollector : public MysqldCollector {
 public:
  exporter::Status Collect(MysqlSession& session, exporter::Families& out) override {
    std::string where;
    if (databases == "*") {
      where = "TABLE_SCHEMA NOT IN ('mysql', 'performance_schema', 'information_schema')";
    } else {
      for (auto name : exporter::Split(databases, ',')) {
        name = exporter::Trim(name);
        if (name.empty()) continue;
        where += (where.empty() ? "" : ", ") + Quote(name);
      }
      if (where.empty()) return {};
      where = "TABLE_SCHEMA IN (" + where + ")";
    }
    // One query for all schemas rather than one per schema.
    auto table = session.Query(
        "SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE, ifnull(ENGINE, 'NONE') as ENGINE, ifnull(VERSION, '0') as "
        "VERSION, "
        "ifnull(ROW_FORMAT, 'NONE') as ROW_FORMAT, ifnull(TABLE_ROWS, '0') as TABLE_ROWS, "
        "ifnull(DATA_LENGTH, '0') as DATA_LENGTH, ifnull(INDEX_LENGTH, '0') as INDEX_LENGTH, "
        "ifnull(DATA_FREE, '0') as DATA_FREE, ifnull(CREATE_OPTIONS, 'NONE') as CREATE_OPTIONS "
        "FROM information_schema.tables WHERE " +
        where);
    if (!table) return table.status();
    AppendTables(*table, out);
    return {};
  }
};

EXPORTER_REGISTER_COLLECTOR(MysqldCollector, "info_schema.tables", false, TablesCollector, AddFlags);

}  // namespace
}  // namespace mysqld
