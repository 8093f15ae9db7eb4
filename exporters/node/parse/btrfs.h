#pragma once

// Pure helpers for the Btrfs sysfs tree (/sys/fs/btrfs/<uuid>/...), with the
// semantics of prometheus/procfs' btrfs package in node_exporter 1.5.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "exporter/status.h"

namespace node::parse {

// A sysfs attribute holding one unsigned number; anything else reads as 0 (as
// procfs ignores the conversion error).
uint64_t ParseBtrfsValue(std::string_view content);

// How many bytes of disk a byte of a block group takes in a layout ("raid1": 2)
// across the filesystem's device count; 0 for layouts it does not know.
double BtrfsAllocationRatio(std::string_view mode, size_t devices);

// Block devices report their size in 512-byte sectors, whatever their block size.
inline constexpr uint64_t kBtrfsSectorSize = 512;

// /proc/mounts entries, as node_exporter 1.5 reads them to find Btrfs mount
// points: lines of four fields or more, \040 and \011 decoded in the mount point.
struct BtrfsMountEntry {
  std::string device, mount_point, fs_type;
};
exporter::Expected<std::vector<BtrfsMountEntry>> ParseBtrfsMounts(std::string_view content);

// A filesystem id as the btrfs ioctls return it, in hex without dashes (how
// sysfs' <uuid> directory names compare once their dashes are removed).
std::string FormatBtrfsFsid(const uint8_t (&fsid)[16]);
// A device UUID, 8-4-4-4-12 lower-case hex; "<zero>" when all zero.
std::string FormatBtrfsUuid(const uint8_t (&uuid)[16]);

}  // namespace node::parse
