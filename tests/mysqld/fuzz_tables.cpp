// The result-set mappers of mysqld_exporter (exporters/mysqld/mysqld_parse.h) on
// arbitrary tables. Input: a first byte choosing the mapper ('a' + n), then lines
// of tab-separated cells; the first line holds the column names, "\N" is NULL.
// Rows may be shorter or longer than the header (the mappers must cope).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "exporter/metrics.h"
#include "exporter/text_format.h"
#include "mysqld_parse.h"

namespace {

std::vector<std::string_view> SplitOn(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  while (true) {
    size_t end = s.find(sep);
    out.push_back(s.substr(0, end));
    if (end == std::string_view::npos) break;
    s.remove_prefix(end + 1);
  }
  return out;
}

mysqld::Table ToTable(std::string_view text) {
  mysqld::Table table;
  auto lines = SplitOn(text, '\n');
  for (auto column : SplitOn(lines[0], '\t')) table.columns.emplace_back(column);
  for (size_t i = 1; i < lines.size(); ++i) {
    if (lines[i].empty()) continue;
    auto& row = table.rows.emplace_back();
    for (auto cell : SplitOn(lines[i], '\t')) {
      if (cell == "\\N") {
        row.emplace_back(std::nullopt);
      } else {
        row.emplace_back(std::string(cell));
      }
    }
  }
  return table;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  unsigned selector = data[0] >= 'a' ? data[0] - 'a' : data[0];
  auto table = ToTable(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1));
  exporter::Families out;
  switch (selector % 9) {
    case 0: mysqld::AppendGlobalStatus(table, out); break;
    case 1: mysqld::AppendGlobalVariables(table, out); break;
    case 2: mysqld::AppendSlaveStatus(table, out); break;
    case 3: mysqld::AppendProcesslist(table, {true, true}, out); break;
    case 4: mysqld::AppendProcesslist(table, {false, false}, out); break;
    case 5: mysqld::AppendInnodbCmp(table, out); break;
    case 6: mysqld::AppendInnodbCmpMem(table, out); break;
    case 7: mysqld::AppendQueryResponseTime(table, "mysql_info_schema_query_response_time_seconds", "help", out); break;
    case 8: mysqld::AppendTables(table, out); break;
  }
  // What the exporter does next with them.
  exporter::NormalizeFamilies(out);
  (void)exporter::SerializeText(out);
  return 0;
}
