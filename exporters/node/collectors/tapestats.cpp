#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <string>
#include <vector>

#include "collectors/part2_util.h"
#include "collectors/util.h"
#include "exporter/collector.h"
#include "exporter/metrics.h"
#include "node_context.h"
#include "parse/sysfs_class.h"

namespace node {
namespace {

std::string tapestats_ignored_devices = "^$";

// stats/<file> of a tape drive -> node_tape_<metric>; times are in nanoseconds.
struct Stat {
  const char* file;
  const char* metric;
  bool counter;
  double scale;
  const char* help;
};
const Stat kStats[] = {
    {"in_flight", "io_now", false, 1, "The number of I/Os currently outstanding to this device."},
    {"io_ns", "io_time_seconds_total", true, 1e-9,
     "The amount of time spent waiting for all I/O to complete (including read and write). This includes tape "
     "movement commands such as seeking between file or set marks and implicit tape movement such as when rewind on "
     "close tape devices are used."},
    {"other_cnt", "io_others_total", true, 1,
     "The number of I/Os issued to the tape drive other than read or write commands. The time taken to complete "
     "these commands uses the following calculation io_time_seconds_total-read_time_seconds_total-write_time_seconds_"
     "total"},
    {"read_byte_cnt", "read_bytes_total", true, 1, "The number of bytes read from the tape drive."},
    {"read_cnt", "reads_completed_total", true, 1, "The number of read requests issued to the tape drive."},
    {"read_ns", "read_time_seconds_total", true, 1e-9,
     "The amount of time spent waiting for read requests to complete."},
    {"resid_cnt", "residual_total", true, 1,
     "The number of times during a read or write we found the residual amount to be non-zero. This should mean that "
     "a program is issuing a read larger thean the block size on tape. For write not all data made it to tape."},
    {"write_byte_cnt", "written_bytes_total", true, 1, "The number of bytes written to the tape drive."},
    {"write_cnt", "writes_completed_total", true, 1, "The number of write requests issued to the tape drive."},
    {"write_ns", "write_time_seconds_total", true, 1e-9,
     "The amount of time spent waiting for write requests to complete."},
};

// st<N> only: nst<N> and st<N>[alm] are other device nodes of the same drives.
bool IsTapeDrive(const char* name) {
  if (name[0] != 's' || name[1] != 't' || name[2] == '\0') return false;
  for (const char* c = name + 2; *c; ++c) {
    if (*c < '0' || *c > '9') return false;
  }
  return true;
}

class TapestatsCollector : public exporter::Collector {
 public:
  exporter::Status Collect(exporter::Families& out) override {
    return AllOrNothing(out, [this](exporter::Families& families) { return Gather(families); });
  }

 private:
  exporter::Status Gather(exporter::Families& out) {
    DIR* dir = opendir(base_.c_str());
    if (!dir) {
      if (errno == ENOENT) return exporter::Status::Error("no data: scsi_tape stats not found, skipping");
      return Failed(ReadFailed(base_, errno).message());
    }
    std::vector<std::string> tapes;
    while (dirent* entry = readdir(dir)) {
      if (IsTapeDrive(entry->d_name)) tapes.emplace_back(entry->d_name);
    }
    closedir(dir);
    std::sort(tapes.begin(), tapes.end());

    size_t first = out.size();
    for (const auto& stat : kStats) {
      std::string name = std::string("node_tape_") + stat.metric;
      if (stat.counter) {
        exporter::Counter(out, std::move(name), stat.help);
      } else {
        exporter::Gauge(out, std::move(name), stat.help);
      }
    }
    for (const auto& tape : tapes) {
      std::string stats_dir = base_ + "/" + tape + "/stats/";
      // A file the kernel does not provide reads as 0, as for node_exporter.
      std::array<uint64_t, std::size(kStats)> values{};
      for (size_t i = 0; i < values.size(); ++i) {
        int error = 0;
        if (!ReadInto(stats_dir + kStats[i].file, buffer_, &error)) {
          if (error == ENOENT) {
            // No stats/ at all is no data, as for node_exporter; a missing file reads as 0.
            if (access(stats_dir.c_str(), F_OK) != 0) {
              return exporter::Status::Error("no data: scsi_tape stats not found: " + stats_dir);
            }
            continue;
          }
          return Failed("failed to read file " + stats_dir + kStats[i].file + ": " + std::strerror(error));
        }
        auto value = parse::ParseGoBase0Uint(buffer_);
        if (!value) return Failed(stats_dir + kStats[i].file + ": " + value.error());
        values[i] = *value;
      }
      if (ignored_.Search(tape)) continue;
      for (size_t i = 0; i < values.size(); ++i) {
        auto& metric = out[first + i].metric.emplace_back();
        double value = static_cast<double>(values[i]) * kStats[i].scale;
        if (kStats[i].counter)
          metric.counter.value = value;
        else
          metric.gauge.value = value;
        metric.label.push_back({"device", tape});
      }
    }
    return {};
  }

  static exporter::Status Failed(const std::string& why) {
    return exporter::Status::Error("error obtaining SCSITape class info: " + why);
  }

  std::string base_ = SysPath("class/scsi_tape");
  std::string buffer_;
  FlagPattern ignored_{"collector.tapestats.ignored-devices", tapestats_ignored_devices};
};

EXPORTER_REGISTER_COLLECTOR(exporter::Collector, "tapestats", true, TapestatsCollector, [](exporter::Flags& flags) {
  flags.Option("--collector.tapestats.ignored-devices", tapestats_ignored_devices,
               "Regexp of devices to ignore for tapestats.");
});

}  // namespace
}  // namespace node
