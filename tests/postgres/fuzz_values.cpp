// postgres_exporter's value conversions (exporters/postgres/values.h): the unit
// normalisation of pg_settings rows, version strings, timestamps and column
// values. Input: a pg_settings.tsv line (name, setting, unit, vartype).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "values.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string_view> fields;
  for (std::string_view rest = text;;) {
    size_t tab = rest.find('\t');
    fields.push_back(rest.substr(0, tab));
    if (tab == std::string_view::npos) break;
    rest.remove_prefix(tab + 1);
  }
  fields.resize(4);
  (void)postgres::NormaliseSetting(fields[1], fields[2]);
  (void)postgres::SettingToMetric(fields[0], fields[1], fields[2], fields[3]);
  (void)postgres::ShortVersion(text);
  (void)postgres::ParsePgTimestamp(text);
  std::string value(text);  // libpq hands out NUL-terminated text
  if (value.find('\0') == std::string::npos) {
    for (unsigned oid : {16u, 20u, 21u, 23u, 700u, 701u, 1700u, 1114u, 1184u, 25u}) {
      (void)postgres::ColumnValue(value.c_str(), false, oid);
    }
    (void)postgres::ColumnValue(nullptr, true, 20);
  }
  return 0;
}
