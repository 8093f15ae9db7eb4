#include "parse/sysfs_class.h"

#include <charconv>

#include "exporter/strings.h"

namespace node::parse {

using exporter::Status;

exporter::Expected<uint64_t> ParseGoBase0Uint(std::string_view content) {
  std::string_view s = exporter::Trim(content);
  int base = 10;
  std::string_view digits = s;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    digits = s.substr(2);
  } else if (s.size() > 2 && s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) {
    base = 2;
    digits = s.substr(2);
  } else if (s.size() > 2 && s[0] == '0' && (s[1] == 'o' || s[1] == 'O')) {
    base = 8;
    digits = s.substr(2);
  } else if (s.size() > 1 && s[0] == '0') {
    base = 8;
    digits = s.substr(1);
  }
  uint64_t value = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value, base);
  if (digits.empty() || ec != std::errc() || ptr != digits.data() + digits.size()) {
    return Status::Error("invalid unsigned value \"" + std::string(s.substr(0, 80)) + "\"");
  }
  return value;
}

std::string FcStripPrefix(std::string_view value) { return std::string(value.size() > 2 ? value.substr(2) : value); }

exporter::Expected<InfinibandState> ParseInfinibandState(std::string_view content) {
  size_t colon = content.find(':');
  if (colon == std::string_view::npos || content.find(':', colon + 1) != std::string_view::npos) {
    return Status::Error("failed to split \"" + std::string(content.substr(0, 80)) + "\" into 'ID: NAME'");
  }
  auto id = exporter::ParseUint(exporter::Trim(content.substr(0, colon)));
  if (!id || *id > UINT32_MAX) {
    return Status::Error("failed to convert \"" + std::string(exporter::Trim(content.substr(0, colon))) +
                         "\" into uint");
  }
  return InfinibandState{static_cast<uint32_t>(*id), std::string(exporter::Trim(content.substr(colon + 1)))};
}

exporter::Expected<uint64_t> ParseInfinibandRate(std::string_view content) {
  size_t space = content.find(' ');
  if (space == std::string_view::npos) return Status::Error("failed to split \"" + std::string(content) + "\"");
  auto gbits = exporter::ParseDouble(exporter::Trim(content.substr(0, space)));
  if (!gbits || *gbits < 0) {
    return Status::Error("failed to convert \"" + std::string(content.substr(0, space)) + "\" into a rate");
  }
  // procfs parses the number as a float32. Past float's range or 2^64 bytes/s
  // (or NaN) the casts would be undefined behaviour.
  auto out_of_range = [&] {
    return Status::Error("rate \"" + std::string(content.substr(0, space)) + "\" out of range");
  };
  if (*gbits > 1e12) return out_of_range();
  double bytes = static_cast<double>(static_cast<float>(*gbits)) * 125000000;
  if (!(bytes < 18446744073709551616.0)) return out_of_range();
  return static_cast<uint64_t>(bytes);
}

}  // namespace node::parse
