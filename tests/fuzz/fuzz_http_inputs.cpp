// Everything a client controls in a request: the query string, the
// Authorization and Accept-Encoding headers, the scrape timeout header.
#include <cstdint>
#include <string>
#include <string_view>

#include "exporter/http_server.h"
#include "exporter/scrape.h"
#include "exporter/strings.h"
#include "exporter/text_format.h"
#include "exporter/web_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  (void)exporter::ParseQueryString(text);
  (void)exporter::DecodeBasicAuth(text);
  (void)exporter::AcceptsGzip(text.c_str());
  (void)exporter::ParseDurationSeconds(text);
  (void)exporter::ScrapeTimeoutSeconds(text.c_str(), 0.25, 10);
  (void)exporter::ToCivetwebPort(text, false);
  return 0;
}
