#include <cstdint>
#include <string_view>

#include "exporter/process_stats.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)exporter::ParseProcStat(text);
  (void)exporter::ParseSoftLimit(text, "Max open files");
  (void)exporter::ParseBootTime(text);
  return 0;
}
