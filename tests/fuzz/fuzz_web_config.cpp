#include <cstdint>
#include <string_view>

#include "exporter/web_config.h"
#include "exporter/yaml_lite.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)exporter::ParseYaml(text);
  (void)exporter::ParseWebConfig(text, "/etc/exporter");
  return 0;
}
