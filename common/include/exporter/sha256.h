#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace exporter {

// SHA-256 (FIPS 180-4). The core needs a digest only to key its cache of
// verified basic-auth credentials; having its own keeps OpenSSL out of the
// process unless TLS is configured.
std::array<uint8_t, 32> Sha256(std::string_view data);

// Compares in time that depends on the length only, not on where the bytes differ.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace exporter
