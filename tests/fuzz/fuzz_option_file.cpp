#include <cstdint>
#include <string_view>

#include "exporter/config_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto file = exporter::OptionFile::Parse(text, "fuzz.cnf");
  if (file) {
    for (const auto& name : file->GroupNames()) (void)file->Group(name).values();
    (void)file->Options({"client", "client.a"});
  }
  return 0;
}
