// libFuzzer entry for the config.json reader and the data source parsers:
//   clang++ -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -I exporters/mattermost -I common/include \
//     tests/mattermost/json_fuzz.cpp exporters/mattermost/json.cpp exporters/mattermost/data_source.cpp \
//     common/src/strings.cpp -o json_fuzz && ./json_fuzz -max_total_time=60 tests/fixtures/mattermost
// (or the CMake target mattermost_json_fuzz when configured with clang).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "data_source.h"
#include "json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto document = exporter::mattermost::ParseJson(text);
  if (document.ok()) (void)document->Find("SqlSettings");
  (void)exporter::mattermost::ParseMattermostConfig(text);
  for (const char* driver : {"", "mysql", "postgres"}) (void)exporter::mattermost::ParseDataSource(text, driver);
  (void)exporter::mattermost::ParseHostPort(text);
  return 0;
}
