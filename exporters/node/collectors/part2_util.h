#pragma once

// Shared by the part-2 collectors (nfs, nfsd, xfs, zfs, btrfs, bcache, nvme,
// fibrechannel, infiniband, tapestats, ipvs).

#include <utility>

#include "exporter/metrics.h"
#include "exporter/status.h"

namespace node {

// Runs gather(out) and keeps what it added only if it succeeded: like
// node_exporter's procfs-based collectors, which parse everything before
// emitting, a collector that fails exports nothing but its failure.
template <class Gather>
exporter::Status AllOrNothing(exporter::Families& out, Gather&& gather) {
  size_t mark = out.size();
  exporter::Status status = std::forward<Gather>(gather)(out);
  if (!status.ok()) out.resize(mark);
  return status;
}

}  // namespace node
