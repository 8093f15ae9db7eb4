#pragma once

// Pure parsers of bcache's sysfs attributes (/sys/fs/bcache/<uuid>/...), with
// the semantics of prometheus/procfs' bcache package in node_exporter 1.5.

#include <cstdint>
#include <string_view>

#include "exporter/status.h"

namespace node::parse {

// A value as bcache's bch_hprint writes it: "512", "1.5M" (the fraction is in
// 1024ths printed as hundredths: ".5" is 5/10.24 of a unit). A trailing
// newline is ignored; an unknown unit letter yields 0, as procfs does.
exporter::Expected<uint64_t> ParseBcacheValue(std::string_view text);
// The same with an optional leading '-' ("-427.5k").
exporter::Expected<int64_t> ParseBcacheSignedValue(std::string_view text);

// <bdev>/writeback_rate_debug.
struct BcacheWritebackRateDebug {
  uint64_t rate = 0, dirty = 0, target = 0;
  int64_t proportional = 0, integral = 0, change = 0, next_io_ms = 0;
};
exporter::Expected<BcacheWritebackRateDebug> ParseBcacheWritebackRateDebug(std::string_view content);

// <cache>/priority_stats: the "Unused:" and "Metadata:" percentages.
struct BcachePriorityStats {
  uint64_t unused_percent = 0, metadata_percent = 0;
};
exporter::Expected<BcachePriorityStats> ParseBcachePriorityStats(std::string_view content);

}  // namespace node::parse
