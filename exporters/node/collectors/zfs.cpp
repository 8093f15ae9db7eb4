#include <dirent.h>

#include <algorithm>
#include <string>
#include <unordered_map>
#include <vector>

#include "collectors/part2_util.h"
#include "collectors/util.h"
#include "exporter/collector.h"
#include "exporter/metrics.h"
#include "node_context.h"
#include "parse/zfs.h"

namespace node {
namespace {

// node_zfs_<subsystem>_* from <procfs>/spl/kstat/zfs/<file>, as node_exporter 1.5 maps them
// (its "dbuf_stats" included: a kstat absent from a ZFS release is skipped).
struct Kstat {
  const char* subsystem;
  const char* file;
};
const Kstat kKstats[] = {
    {"zfs_abd", "abdstats"},
    {"zfs_arc", "arcstats"},
    {"zfs_dbuf", "dbuf_stats"},
    {"zfs_dmu_tx", "dmu_tx"},
    {"zfs_dnode", "dnodestats"},
    {"zfs_fm", "fm"},
    {"zfs_vdev_cache", "vdev_cache_stats"},
    {"zfs_vdev_mirror", "vdev_mirror_stats"},
    {"zfs_xuio", "xuio_stats"},
    {"zfs_zfetch", "zfetchstats"},
    {"zfs_zil", "zil"},
};
const char* const kPoolStates[] = {"online", "degraded", "faulted", "offline", "removed", "unavail"};

std::vector<std::string> SortedEntries(const std::string& path, bool* opened = nullptr) {
  std::vector<std::string> names;
  DIR* dir = opendir(path.c_str());
  if (opened) *opened = dir != nullptr;
  if (!dir) return names;
  while (dirent* entry = readdir(dir)) {
    std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(std::move(name));
  }
  closedir(dir);
  std::sort(names.begin(), names.end());
  return names;
}

// Families of one scrape by name: pools share the names of their metrics.
class FamilyIndex {
 public:
  explicit FamilyIndex(exporter::Families& out) : out_(out) {}
  prometheus::ClientMetric& Add(const std::string& name, const std::string& help, prometheus::MetricType type) {
    auto [it, added] = index_.try_emplace(name, out_.size());
    if (added) {
      auto& family = out_.emplace_back();
      family.name = name;
      family.help = help;
      family.type = type;
    }
    return out_[it->second].metric.emplace_back();
  }

 private:
  exporter::Families& out_;
  std::unordered_map<std::string, size_t> index_;
};

class ZfsCollector : public exporter::Collector {
 public:
  exporter::Status Collect(exporter::Families& out) override {
    return AllOrNothing(out, [this](exporter::Families& families) { return Gather(families); });
  }

 private:
  exporter::Status Gather(exporter::Families& out) {
    bool available = false;
    std::vector<std::string> entries = SortedEntries(base_, &available);
    if (!available) return exporter::Status::Error("no data: ZFS / ZFS statistics are not available");
    FamilyIndex families(out);

    for (const auto& kstat : kKstats) {
      std::string path = base_ + "/" + kstat.file;
      // Kstats come with ZFS features: one this release lacks is skipped.
      if (!ReadInto(path, buffer_)) continue;
      auto values = parse::ParseZfsKstat(buffer_);
      if (!values) return exporter::Status::Error(path + ": " + values.error());
      for (const auto& [row, value] : *values) {
        std::string name = parse::ZfsMetricName(row);
        if (name.empty()) continue;
        auto& metric = families.Add(std::string("node_") + kstat.subsystem + "_" + name,
                                    std::string("kstat.zfs.misc.") + kstat.file + "." + std::string(row),
                                    prometheus::MetricType::Untyped);
        metric.untyped.value = static_cast<double>(value);
      }
    }

    // Pools: <base>/<pool>/{io,objset-*,state}.
    for (const auto& pool : entries) {
      std::string pool_dir = base_ + "/" + pool;
      int error = 0;
      if (ReadInto(pool_dir + "/io", buffer_, &error)) {
        auto values = parse::ParseZfsPoolIo(buffer_);
        if (!values) return exporter::Status::Error(pool_dir + "/io: " + values.error());
        for (const auto& [column, value] : *values) {
          std::string name = parse::ZfsMetricName(column);
          if (name.empty()) continue;
          auto& metric = families.Add("node_zfs_zpool_" + name, "kstat.zfs.misc.io." + std::string(column),
                                      prometheus::MetricType::Untyped);
          metric.untyped.value = static_cast<double>(value);
          metric.label = {{"zpool", pool}};
        }
      }
      bool is_dir = false;
      std::vector<std::string> files = SortedEntries(pool_dir, &is_dir);
      if (!is_dir) continue;  // a kstat file of the top level
      for (const auto& file : files) {
        if (file.rfind("objset-", 0) != 0) continue;
        if (!ReadInto(pool_dir + "/" + file, buffer_)) continue;  // an exporting pool's files go away
        auto objset = parse::ParseZfsObjset(buffer_);
        if (!objset) return exporter::Status::Error(pool_dir + "/" + file + ": " + objset.error());
        for (const auto& [row, value] : objset->values) {
          std::string name = parse::ZfsMetricName(row);
          if (name.empty()) continue;
          auto& metric = families.Add("node_zfs_zpool_dataset_" + name, "kstat.zfs.misc.objset." + std::string(row),
                                      prometheus::MetricType::Untyped);
          metric.untyped.value = static_cast<double>(value);
          metric.label = {{"dataset", objset->dataset}, {"zpool", pool}};
        }
      }
      if (ReadInto(pool_dir + "/state", buffer_)) {
        std::string state = parse::ParseZfsPoolState(buffer_);
        for (const char* name : kPoolStates) {
          auto& metric = families.Add("node_zfs_zpool_state", "kstat.zfs.misc.state", prometheus::MetricType::Gauge);
          metric.gauge.value = state == name ? 1 : 0;
          metric.label = {{"state", name}, {"zpool", pool}};
        }
      }
    }
    return {};
  }

  std::string base_ = ProcPath("spl/kstat/zfs");
  std::string buffer_;
};

EXPORTER_REGISTER_COLLECTOR(exporter::Collector, "zfs", true, ZfsCollector);

}  // namespace
}  // namespace node
