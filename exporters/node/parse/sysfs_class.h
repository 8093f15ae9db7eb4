#pragma once

// Pure parsers of /sys/class attributes read by the fibrechannel, infiniband
// and tapestats collectors, with prometheus/procfs' sysfs semantics.

#include <cstdint>
#include <string>
#include <string_view>

#include "exporter/status.h"

namespace node::parse {

// An unsigned integer in Go's base-0 syntax, surrounding blanks ignored:
// "12", "0x1f" (hex), "0b101" (binary), "0o17" or "017" (octal).
exporter::Expected<uint64_t> ParseGoBase0Uint(std::string_view content);

// Fibre Channel names and ids ("0x2000e0071bce95f2") without their first two characters, as procfs strips them.
std::string FcStripPrefix(std::string_view value);

// An InfiniBand port's state or phys_state: "4: ACTIVE" -> id 4, name "ACTIVE".
struct InfinibandState {
  uint32_t id = 0;
  std::string name;
};
exporter::Expected<InfinibandState> ParseInfinibandState(std::string_view content);

// An InfiniBand port's rate, "40 Gb/sec (4X QDR)", in bytes per second (as a
// float32 number of Gb/s times 125000000, as procfs computes it).
exporter::Expected<uint64_t> ParseInfinibandRate(std::string_view content);

}  // namespace node::parse
