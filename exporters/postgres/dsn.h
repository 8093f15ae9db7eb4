#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "exporter/status.h"

namespace postgres {

// libpq connection keywords and their values ("host" -> "db1", "password" -> ...).
using ConnParams = std::map<std::string, std::string>;

// Parses one data source name as libpq does: a postgresql:// or postgres:// URI
// or key=value pairs. Only the keywords set in the DSN are returned.
exporter::Expected<ConnParams> ParseDsn(const std::string& dsn);

// Splits DATA_SOURCE_NAME's comma-separated list, as the reference exporter does.
std::vector<std::string> SplitDsnList(std::string_view list);

// Whether libpq knows the keyword (from PQconndefaults).
bool IsLibpqKeyword(const std::string& keyword);

// key=value form with the password masked, for logs and errors.
std::string MaskedDsn(const ConnParams& params);

// The reference's `server` label: host:port, defaulting to localhost and 5432.
std::string ServerLabel(const ConnParams& params);

// A /probe target: "host:port", "[v6]:port", "host", or a whole DSN (URI or key=value).
exporter::Expected<ConnParams> ParseProbeTarget(const std::string& target);

// Quotes a value for a key=value conninfo string.
std::string QuoteConninfoValue(std::string_view value);

}  // namespace postgres
