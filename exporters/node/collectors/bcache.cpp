#include <dirent.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "collectors/part2_util.h"
#include "collectors/util.h"
#include "exporter/collector.h"
#include "exporter/metrics.h"
#include "node_context.h"
#include "parse/bcache.h"

namespace node {
namespace {

bool bcache_priority_stats = false;

// Files of a cache set directory and of its internal/ directory (gauges unless a counter).
struct Attribute {
  const char* file;
  const char* metric;
  const char* help;
  double scale;
  bool counter;
};
const Attribute kSetAttributes[] = {
    {"average_key_size", "average_key_size_sectors", "Average data per key in the btree (sectors).", 1, false},
    {"btree_cache_size", "btree_cache_size_bytes", "Amount of memory currently used by the btree cache.", 1, false},
    {"cache_available_percent", "cache_available_percent",
     "Percentage of cache device without dirty data, usable for writeback (may contain clean cached data).", 1, false},
    {"congested", "congested", "Congestion.", 1, false},
    {"root_usage_percent", "root_usage_percent",
     "Percentage of the root btree node in use (tree depth increases if too high).", 1, false},
    {"tree_depth", "tree_depth", "Depth of the btree.", 1, false},
    {"internal/active_journal_entries", "active_journal_entries",
     "Number of journal entries that are newer than the index.", 1, false},
    {"internal/btree_nodes", "btree_nodes", "Total nodes in the btree.", 1, false},
    {"internal/btree_read_average_duration_us", "btree_read_average_duration_seconds", "Average btree read duration.",
     1e-9, false},  // node_exporter's scale (the file is in µs)
    {"internal/cache_read_races", "cache_read_races_total",
     "Counts instances where while data was being read from the cache, the bucket was reused and invalidated - i.e. "
     "where the pointer was stale after the read completed.",
     1, true},
};
// <bdev>/stats_total: counters per backing device.
const Attribute kPeriodAttributes[] = {
    {"bypassed", "bypassed_bytes_total", "Amount of IO (both reads and writes) that has bypassed the cache.", 1, true},
    {"cache_hits", "cache_hits_total", "Hits counted per individual IO as bcache sees them.", 1, true},
    {"cache_misses", "cache_misses_total", "Misses counted per individual IO as bcache sees them.", 1, true},
    {"cache_bypass_hits", "cache_bypass_hits_total", "Hits for IO intended to skip the cache.", 1, true},
    {"cache_bypass_misses", "cache_bypass_misses_total", "Misses for IO intended to skip the cache.", 1, true},
    {"cache_miss_collisions", "cache_miss_collisions_total",
     "Instances where data insertion from cache miss raced with write (data already present).", 1, true},
    {"cache_readaheads", "cache_readaheads_total", "Count of times readahead occurred.", 1, true},
};
const Attribute kCacheAttributes[] = {
    {"io_errors", "io_errors", "Number of errors that have occurred, decayed by io_error_halflife.", 1, false},
    {"metadata_written", "metadata_written_bytes_total",
     "Sum of all non data writes (btree writes and all other metadata).", 1, true},
    {"written", "written_bytes_total", "Sum of all data that has been written to the cache.", 1, true},
};

// Sorted entries of dir accepted by keep; false when dir cannot be listed.
template <class Keep>
bool List(const std::string& path, std::vector<std::string>& names, Keep keep) {
  names.clear();
  DIR* dir = opendir(path.c_str());
  if (!dir) return false;
  while (dirent* entry = readdir(dir)) {
    std::string name = entry->d_name;
    if (keep(name)) names.push_back(std::move(name));
  }
  closedir(dir);
  std::sort(names.begin(), names.end());
  return true;
}

// "bdev0", "cache12": the prefix and a digit.
bool Numbered(const std::string& name, std::string_view prefix) {
  return name.size() > prefix.size() && name.compare(0, prefix.size(), prefix) == 0 &&
         std::isdigit(static_cast<unsigned char>(name[prefix.size()]));
}

class BcacheCollector : public exporter::Collector {
 public:
  exporter::Status Collect(exporter::Families& out) override {
    return AllOrNothing(out, [this](exporter::Families& families) { return Gather(families); });
  }

 private:
  exporter::Status Gather(exporter::Families& out) {
    std::vector<std::string> sets, members;
    List(base_, sets, [](const std::string& name) { return name.find('-') != std::string::npos; });
    if (sets.empty()) return {};

    auto family = [&](const Attribute& attribute) {
      std::string name = std::string("node_bcache_") + attribute.metric;
      return attribute.counter ? exporter::Counter(out, std::move(name), attribute.help)
                               : exporter::Gauge(out, std::move(name), attribute.help);
    };
    std::vector<exporter::FamilyBuilder> set_families, period_families, cache_families;
    for (const auto& attribute : kSetAttributes) set_families.push_back(family(attribute));
    for (const auto& attribute : kPeriodAttributes) period_families.push_back(family(attribute));
    for (const auto& attribute : kCacheAttributes) cache_families.push_back(family(attribute));
    auto dirty_data = exporter::Gauge(out, "node_bcache_dirty_data_bytes",
                                      "Amount of dirty data for this backing device in the cache.");
    auto dirty_target = exporter::Gauge(out, "node_bcache_dirty_target_bytes",
                                        "Current dirty data target threshold for this backing device in bytes.");
    auto rate =
        exporter::Gauge(out, "node_bcache_writeback_rate", "Current writeback rate for this backing device in bytes.");
    auto proportional = exporter::Gauge(out, "node_bcache_writeback_rate_proportional_term",
                                        "Current result of proportional controller, part of writeback rate");
    auto integral = exporter::Gauge(out, "node_bcache_writeback_rate_integral_term",
                                    "Current result of integral controller, part of writeback rate");
    auto change = exporter::Gauge(out, "node_bcache_writeback_change",
                                  "Last writeback rate change step for this backing device.");

    for (const auto& uuid : sets) {
      std::string dir = base_ + "/" + uuid + "/";
      for (size_t i = 0; i < std::size(kSetAttributes); ++i) {
        auto value = Read(dir + kSetAttributes[i].file);
        if (!value) return value.status();
        set_families[i].Add(static_cast<double>(*value) * kSetAttributes[i].scale, {{"uuid", uuid}});
      }
      List(dir, members, [](const std::string& name) { return Numbered(name, "bdev"); });
      for (const auto& bdev : members) {
        exporter::Labels labels = {{"backing_device", bdev}, {"uuid", uuid}};
        auto dirty = Read(dir + bdev + "/dirty_data");
        if (!dirty) return dirty.status();
        dirty_data.Add(static_cast<double>(*dirty), labels);
        std::string debug_path = dir + bdev + "/writeback_rate_debug";
        if (!ReadInto(debug_path, buffer_)) return exporter::Status::Error("failed to read: " + debug_path);
        auto debug = parse::ParseBcacheWritebackRateDebug(buffer_);
        if (!debug) return exporter::Status::Error("failed to parse: " + debug_path + " (" + debug.error() + ")");
        dirty_target.Add(static_cast<double>(debug->target), labels);
        rate.Add(static_cast<double>(debug->rate), labels);
        proportional.Add(static_cast<double>(debug->proportional), labels);
        integral.Add(static_cast<double>(debug->integral), labels);
        change.Add(static_cast<double>(debug->change), labels);
        for (size_t i = 0; i < std::size(kPeriodAttributes); ++i) {
          auto value = Read(dir + bdev + "/stats_total/" + kPeriodAttributes[i].file);
          if (!value) return value.status();
          period_families[i].Add(static_cast<double>(*value), labels);
        }
      }
      List(dir, members, [](const std::string& name) { return Numbered(name, "cache"); });
      for (const auto& cache : members) {
        exporter::Labels labels = {{"cache_device", cache}, {"uuid", uuid}};
        for (size_t i = 0; i < std::size(kCacheAttributes); ++i) {
          auto value = Read(dir + cache + "/" + kCacheAttributes[i].file);
          if (!value) return value.status();
          cache_families[i].Add(static_cast<double>(*value), labels);
        }
        // priority_stats walks every bucket in the kernel: only on request.
        if (!bcache_priority_stats) continue;
        std::string path = dir + cache + "/priority_stats";
        if (!ReadInto(path, buffer_)) return exporter::Status::Error("failed to read: " + path);
        auto priority = parse::ParseBcachePriorityStats(buffer_);
        if (!priority) return exporter::Status::Error("failed to parse: " + path + " (" + priority.error() + ")");
        exporter::Gauge(out, "node_bcache_priority_stats_unused_percent",
                        "The percentage of the cache that doesn't contain any data.")
            .Add(static_cast<double>(priority->unused_percent), labels);
        exporter::Gauge(out, "node_bcache_priority_stats_metadata_percent", "Bcache's metadata overhead.")
            .Add(static_cast<double>(priority->metadata_percent), labels);
      }
    }
    return {};
  }

  exporter::Expected<uint64_t> Read(const std::string& path) {
    if (!ReadInto(path, buffer_))
      return exporter::Status::Error("failed to retrieve bcache stats: failed to read: " + path);
    auto value = parse::ParseBcacheValue(buffer_);
    if (!value) return exporter::Status::Error("failed to retrieve bcache stats: " + path + ": " + value.error());
    return value;
  }

  std::string base_ = SysPath("fs/bcache");
  std::string buffer_;
};

EXPORTER_REGISTER_COLLECTOR(exporter::Collector, "bcache", true, BcacheCollector, [](exporter::Flags& flags) {
  flags.Flag("--collector.bcache.priorityStats", bcache_priority_stats, "Expose expensive priority stats.");
});

}  // namespace
}  // namespace node
