#pragma once

// Pure parsers of ZFS on Linux kstat files under /proc/spl/kstat/zfs, with
// node_exporter 1.5's rules: only KSTAT_DATA_UINT64 (type 4) rows count, and
// a named kstat without its "name type data" header is an error.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "exporter/status.h"

namespace node::parse {

using ZfsValues = std::vector<std::pair<std::string_view, uint64_t>>;  // views into the content

// A named kstat (arcstats, zil, objset-0x36, ...): "name type data" rows.
exporter::Expected<ZfsValues> ParseZfsKstat(std::string_view content);

// A pool's "io" kstat: a header row starting with "nread" (12 columns or more)
// and rows of values under it. No header: no values.
exporter::Expected<ZfsValues> ParseZfsPoolIo(std::string_view content);

// A pool's objset-0x* kstat: its dataset_name row and its unsigned values.
struct ZfsObjset {
  std::string dataset;
  ZfsValues values;
};
exporter::Expected<ZfsObjset> ParseZfsObjset(std::string_view content);

// A pool's "state" file: its first line, lower-cased ("online").
std::string ParseZfsPoolState(std::string_view content);

// node_exporter's metric name of a kstat row: the part after the last '.',
// '-' replaced by '_'. Empty when the result is not a valid metric name part.
std::string ZfsMetricName(std::string_view row_name);

}  // namespace node::parse
