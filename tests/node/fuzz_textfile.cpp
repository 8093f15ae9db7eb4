// The textfile collector's reader of the text exposition format
// (exporters/node/parse/textfile.h).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "parse/textfile.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto families = node::parse::ParseTextFormat(text);
  if (families) {
    for (const auto& family : *families) {
      for (const auto& sample : family.samples) (void)sample.labels.size();
    }
  }
  return 0;
}
