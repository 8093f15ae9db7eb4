#pragma once

#include <string_view>

namespace fuzz {

// Whether the text holds an !include or !includedir directive (any case). The
// option-file targets skip such inputs: they would read the machine's files
// (the core's option_file target covers the directives themselves).
inline bool HasInclude(std::string_view text) {
  constexpr std::string_view kWord = "include";
  for (size_t i = 0; i + 1 + kWord.size() <= text.size(); ++i) {
    if (text[i] != '!') continue;
    bool match = true;
    for (size_t j = 0; j < kWord.size(); ++j) match &= (text[i + 1 + j] | 0x20) == kWord[j];
    if (match) return true;
  }
  return false;
}

}  // namespace fuzz
