// mattermost_exporter's data source parsing (exporters/mattermost/data_source.h):
// PostgreSQL URLs and keyword/value strings, go-sql-driver MySQL DSNs and
// --db.master HOST:PORT values. Checked property: an error message never
// quotes the data source (it holds a password).
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>

#include "data_source.h"

namespace {

// Where the password of "scheme://user:PASSWORD@..." or "user:PASSWORD@tcp(...)"
// lies in dsn (offset, length); length 0 when there is none.
std::pair<size_t, size_t> ApparentPassword(std::string_view dsn) {
  size_t start = 0;
  if (auto scheme = dsn.find("://"); scheme != std::string_view::npos) start = scheme + 3;
  auto at = dsn.rfind('@');
  auto colon = dsn.find(':', start);
  if (at == std::string_view::npos || at < start || colon >= at) return {0, 0};
  return {colon + 1, at - colon - 1};
}

// The password disguised: letters and digits replaced ('F' for hex digits, 'Z'
// for the others), punctuation kept, so that it is as (in)valid as before.
std::string Disguise(std::string_view password) {
  std::string out(password);
  for (char& c : out) {
    if (std::isxdigit(static_cast<unsigned char>(c))) {
      c = 'F';
    } else if (std::isalpha(static_cast<unsigned char>(c))) {
      c = 'Z';
    }
  }
  return out;
}

// Whether the error for dsn quotes its password: the password, replaced by a
// disguised copy, shows up in the message for the altered input (a password
// that merely coincides with the message's fixed text does not).
bool QuotesPassword(std::string_view dsn, std::string_view driver) {
  auto [offset, length] = ApparentPassword(dsn);
  if (length < 4) return false;
  std::string altered(dsn);
  std::string marker = Disguise(dsn.substr(offset, length));
  if (marker.find_first_of("FZ") == std::string::npos) return false;
  altered.replace(offset, length, marker);
  auto result = exporter::mattermost::ParseDataSource(altered, driver);
  return !result && result.error().find(marker) != std::string::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const char* driver : {"", "mysql", "postgres"}) {
    auto addresses = exporter::mattermost::ParseDataSource(text, driver);
    if (addresses) {
      for (const auto& address : *addresses) (void)address.Label();
    } else if (QuotesPassword(text, driver)) {
      std::fprintf(stderr, "password in error message: %s\n", addresses.error().c_str());
      std::abort();
    }
  }
  auto address = exporter::mattermost::ParseHostPort(text);
  if (address) (void)address->Label();
  return 0;
}
