#pragma once

#include "exporter/status.h"

namespace exporter::tls_compat {

// Makes civetweb's run-time dlopen("libssl.so") / ("libcrypto.so") find
// OpenSSL 3 with the one symbol Debian's civetweb still expects from 1.1.
// Call before starting a TLS listener; idempotent.
Status PrepareCivetwebTls();

}  // namespace exporter::tls_compat
