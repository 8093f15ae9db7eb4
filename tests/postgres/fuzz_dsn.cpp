// postgres_exporter's data source names (exporters/postgres/dsn.h): URIs and
// key=value strings as libpq parses them, DATA_SOURCE_NAME lists, /probe
// targets, the masked form logged and the server label. Checked properties:
// an error never quotes the password, and a value quoted by QuoteConninfoValue
// reads back unchanged.
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>

#include "dsn.h"

namespace {

// Where the password an input spells out lies (offset, length; length 0 when
// none), as far as a simple scan can tell: the userinfo of a URI or the value
// of a password=... pair.
std::pair<size_t, size_t> ApparentPassword(std::string_view dsn) {
  if (auto scheme = dsn.find("://"); scheme != std::string_view::npos) {
    size_t start = scheme + 3;
    auto at = dsn.find('@', start);
    auto colon = dsn.find(':', start);
    if (at != std::string_view::npos && colon < at) return {colon + 1, at - colon - 1};
  } else if (auto key = dsn.find("password="); key != std::string_view::npos) {
    size_t start = key + 9;
    size_t end = dsn.find_first_of(" '", start);
    if (end == std::string_view::npos) end = dsn.size();
    return {start, end - start};
  }
  return {0, 0};
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

// Whether parse(dsn)'s error quotes the password: the password, replaced by a
// disguised copy, shows up in the error for the altered input (a password that
// merely coincides with a message's fixed text does not).
template <class Parse>
void CheckError(Parse parse, const std::string& dsn) {
  auto [offset, length] = ApparentPassword(dsn);
  if (length < 4) return;
  std::string altered = dsn, marker = Disguise(std::string_view(dsn).substr(offset, length));
  if (marker.find_first_of("FZ") == std::string::npos) return;
  altered.replace(offset, length, marker);
  auto result = parse(altered);
  if (!result && result.error().find(marker) != std::string::npos) {
    std::fprintf(stderr, "password in error message: %s\n", result.error().c_str());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  if (text.find('\0') != std::string::npos) return 0;  // environment variables and flags hold no NUL
  auto params = postgres::ParseDsn(text);
  if (params) {
    (void)postgres::MaskedDsn(*params);
    (void)postgres::ServerLabel(*params);
  } else {
    CheckError(postgres::ParseDsn, text);
  }
  for (const auto& dsn : postgres::SplitDsnList(text)) {
    if (!postgres::ParseDsn(dsn)) CheckError(postgres::ParseDsn, dsn);
  }
  auto target = postgres::ParseProbeTarget(text);
  if (target) {
    (void)postgres::ServerLabel(*target);
  } else {
    CheckError(postgres::ParseProbeTarget, text);
  }
  // Quoting round trip: what MaskedDsn writes for a value is what libpq reads.
  auto quoted = postgres::ParseDsn("application_name=" + postgres::QuoteConninfoValue(text));
  if (!quoted || quoted->at("application_name") != text) {
    std::fprintf(stderr, "QuoteConninfoValue does not round-trip\n");
    std::abort();
  }
  return 0;
}
