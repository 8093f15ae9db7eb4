// mysqld_exporter's conversions of server-returned strings (exporters/mysqld/mysqld_parse.h):
// status/variable values (words, dates, Go floats), names, thread states, gcache.size.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "mysqld_parse.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)mysqld::ParseStatusValue(text);
  (void)mysqld::ParseGoFloat(text);
  (void)mysqld::ValidPrometheusName(text);
  (void)mysqld::SanitizeState(text);
  (void)mysqld::ParseWsrepGcacheSize(text);
  return 0;
}
