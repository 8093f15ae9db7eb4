#pragma once

// Pure parser of an XFS filesystem's statistics, /sys/fs/xfs/<dev>/stats/stats
// (the format of /proc/fs/xfs/stat). Checks as prometheus/procfs' xfs package
// in node_exporter 1.5: every line of two or more fields must hold unsigned
// 32-bit values (xpc: 64-bit), and known lines their exact number of them.

#include <array>
#include <cstdint>
#include <string_view>

#include "exporter/status.h"

namespace node::parse {

struct XfsStats {
  std::array<uint32_t, 4> extent_alloc{};  // extents allocated, blocks allocated, extents freed, blocks freed
  std::array<uint32_t, 4> abt{};           // allocation B-tree: lookups, compares, inserts, deletes
  std::array<uint32_t, 7> blk_map{};       // reads, writes, unmaps, list insertions, deletions, lookups, compares
  std::array<uint32_t, 4> bmbt{};          // block map B-tree: lookups, compares, inserts, deletes
  std::array<uint32_t, 4> dir{};           // lookups, creates, removes, getdents
  std::array<uint32_t, 3> trans{};         // sync, async, empty
  std::array<uint32_t, 7> ig{};            // attempts, found, recycle, missed, duplicate, reclaims, attribute changes
  std::array<uint32_t, 5> log{};           // writes, blocks, no internal buffers, force, force sleep
  std::array<uint32_t, 2> rw{};            // write calls, read calls (the kernel writes them in this order)
  std::array<uint32_t, 4> attr{};          // get, set, remove, list
  std::array<uint32_t, 3> icluster{};      // iflush, flush, flush inode
  std::array<uint32_t, 8> vnodes{};        // active, allocate, get, hold, release, reclaim, remove, free (newer)
  std::array<uint32_t, 9> buf{};
  std::array<uint64_t, 3> xpc{};  // flush, write and read bytes
};

exporter::Expected<XfsStats> ParseXfsStats(std::string_view content);

}  // namespace node::parse
