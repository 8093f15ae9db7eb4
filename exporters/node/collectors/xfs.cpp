#include <dirent.h>

#include <algorithm>
#include <string>
#include <vector>

#include "collectors/part2_util.h"
#include "collectors/util.h"
#include "exporter/collector.h"
#include "exporter/metrics.h"
#include "node_context.h"
#include "parse/xfs.h"

namespace node {
namespace {

enum Group { kExtentAlloc, kAbt, kBlkMap, kBmbt, kDir, kIg, kRw, kVnodes };

uint32_t Value(const parse::XfsStats& s, Group group, size_t index) {
  switch (group) {
    case kExtentAlloc:
      return s.extent_alloc[index];
    case kAbt:
      return s.abt[index];
    case kBlkMap:
      return s.blk_map[index];
    case kBmbt:
      return s.bmbt[index];
    case kDir:
      return s.dir[index];
    case kIg:
      return s.ig[index];
    case kRw:
      return s.rw[index];
    case kVnodes:
      return s.vnodes[index];
  }
  return 0;
}

// node_xfs_<name>{device}, all counters, named after the XFS wiki's Runtime_Stats as node_exporter names them.
struct Metric {
  const char* name;
  Group group;
  size_t index;
  const char* help;
};
const Metric kMetrics[] = {
    {"extent_allocation_extents_allocated_total", kExtentAlloc, 0, "Number of extents allocated for a filesystem."},
    {"extent_allocation_blocks_allocated_total", kExtentAlloc, 1, "Number of blocks allocated for a filesystem."},
    {"extent_allocation_extents_freed_total", kExtentAlloc, 2, "Number of extents freed for a filesystem."},
    {"extent_allocation_blocks_freed_total", kExtentAlloc, 3, "Number of blocks freed for a filesystem."},
    {"allocation_btree_lookups_total", kAbt, 0, "Number of allocation B-tree lookups for a filesystem."},
    {"allocation_btree_compares_total", kAbt, 1, "Number of allocation B-tree compares for a filesystem."},
    {"allocation_btree_records_inserted_total", kAbt, 2,
     "Number of allocation B-tree records inserted for a filesystem."},
    {"allocation_btree_records_deleted_total", kAbt, 3,
     "Number of allocation B-tree records deleted for a filesystem."},
    {"block_mapping_reads_total", kBlkMap, 0, "Number of block map for read operations for a filesystem."},
    {"block_mapping_writes_total", kBlkMap, 1, "Number of block map for write operations for a filesystem."},
    {"block_mapping_unmaps_total", kBlkMap, 2, "Number of block unmaps (deletes) for a filesystem."},
    {"block_mapping_extent_list_insertions_total", kBlkMap, 3, "Number of extent list insertions for a filesystem."},
    {"block_mapping_extent_list_deletions_total", kBlkMap, 4, "Number of extent list deletions for a filesystem."},
    {"block_mapping_extent_list_lookups_total", kBlkMap, 5, "Number of extent list lookups for a filesystem."},
    {"block_mapping_extent_list_compares_total", kBlkMap, 6, "Number of extent list compares for a filesystem."},
    {"block_map_btree_lookups_total", kBmbt, 0, "Number of block map B-tree lookups for a filesystem."},
    {"block_map_btree_compares_total", kBmbt, 1, "Number of block map B-tree compares for a filesystem."},
    {"block_map_btree_records_inserted_total", kBmbt, 2,
     "Number of block map B-tree records inserted for a filesystem."},
    {"block_map_btree_records_deleted_total", kBmbt, 3, "Number of block map B-tree records deleted for a filesystem."},
    {"directory_operation_lookup_total", kDir, 0,
     "Number of file name directory lookups which miss the operating systems directory name lookup cache."},
    {"directory_operation_create_total", kDir, 1,
     "Number of times a new directory entry was created for a filesystem."},
    {"directory_operation_remove_total", kDir, 2,
     "Number of times an existing directory entry was created for a filesystem."},
    {"directory_operation_getdents_total", kDir, 3,
     "Number of times the directory getdents operation was performed for a filesystem."},
    {"inode_operation_attempts_total", kIg, 0, "Number of times the OS looked for an XFS inode in the inode cache."},
    {"inode_operation_found_total", kIg, 1,
     "Number of times the OS looked for and found an XFS inode in the inode cache."},
    {"inode_operation_recycled_total", kIg, 2,
     "Number of times the OS found an XFS inode in the cache, but could not use it as it was being recycled."},
    {"inode_operation_missed_total", kIg, 3,
     "Number of times the OS looked for an XFS inode in the cache, but did not find it."},
    {"inode_operation_duplicates_total", kIg, 4,
     "Number of times the OS tried to add a missing XFS inode to the inode cache, but found it had already been added "
     "by another process."},
    {"inode_operation_reclaims_total", kIg, 5,
     "Number of times the OS reclaimed an XFS inode from the inode cache to free memory for another purpose."},
    {"inode_operation_attribute_changes_total", kIg, 6,
     "Number of times the OS explicitly changed the attributes of an XFS inode."},
    {"read_calls_total", kRw, 1, "Number of read(2) system calls made to files in a filesystem."},
    {"write_calls_total", kRw, 0, "Number of write(2) system calls made to files in a filesystem."},
    {"vnode_active_total", kVnodes, 0, "Number of vnodes not on free lists for a filesystem."},
    {"vnode_allocate_total", kVnodes, 1, "Number of times vn_alloc called for a filesystem."},
    {"vnode_get_total", kVnodes, 2, "Number of times vn_get called for a filesystem."},
    {"vnode_hold_total", kVnodes, 3, "Number of times vn_hold called for a filesystem."},
    {"vnode_release_total", kVnodes, 4, "Number of times vn_rele called for a filesystem."},
    {"vnode_reclaim_total", kVnodes, 5, "Number of times vn_reclaim called for a filesystem."},
    {"vnode_remove_total", kVnodes, 6, "Number of times vn_remove called for a filesystem."},
};

class XfsCollector : public exporter::Collector {
 public:
  exporter::Status Collect(exporter::Families& out) override {
    return AllOrNothing(out, [this](exporter::Families& families) { return Gather(families); });
  }

 private:
  exporter::Status Gather(exporter::Families& out) {
    // Per-filesystem statistics: <sysfs>/fs/xfs/<device>/stats/stats. No XFS, no data (and success).
    std::vector<std::string> devices;
    if (DIR* dir = opendir(base_.c_str())) {
      while (dirent* entry = readdir(dir)) {
        std::string name = entry->d_name;
        if (name != "." && name != "..") devices.push_back(std::move(name));
      }
      closedir(dir);
    }
    std::sort(devices.begin(), devices.end());

    size_t first = out.size();
    for (const auto& metric : kMetrics) {
      exporter::Counter(out, std::string("node_xfs_") + metric.name, metric.help);
    }
    for (const auto& device : devices) {
      std::string path = base_ + "/" + device + "/stats/stats";
      int error = 0;
      if (!ReadInto(path, buffer_, &error)) {
        if (error == ENOENT || error == ENOTDIR) continue;  // not a filesystem's directory
        return exporter::Status::Error("failed to retrieve XFS stats: " + ReadFailed(path, error).message());
      }
      auto stats = parse::ParseXfsStats(buffer_);
      if (!stats) return exporter::Status::Error("failed to retrieve XFS stats: " + path + ": " + stats.error());
      for (size_t i = 0; i < std::size(kMetrics); ++i) {
        auto& metric = out[first + i].metric.emplace_back();
        metric.counter.value = static_cast<double>(Value(*stats, kMetrics[i].group, kMetrics[i].index));
        metric.label.push_back({"device", device});
      }
    }
    return {};
  }

  std::string base_ = SysPath("fs/xfs");
  std::string buffer_;
};

EXPORTER_REGISTER_COLLECTOR(exporter::Collector, "xfs", true, XfsCollector);

}  // namespace
}  // namespace node
