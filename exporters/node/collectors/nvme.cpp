#include <dirent.h>

#include <algorithm>
#include <string>
#include <vector>

#include "collectors/part2_util.h"
#include "collectors/util.h"
#include "exporter/collector.h"
#include "exporter/metrics.h"
#include "exporter/strings.h"
#include "node_context.h"

namespace node {
namespace {

// Attributes of /sys/class/nvme/<device>, in the order of the info metric's labels.
const char* const kAttributes[] = {"firmware_rev", "model", "serial", "state"};
const char* const kLabels[] = {"firmware_revision", "model", "serial", "state"};

class NvmeCollector : public exporter::Collector {
 public:
  exporter::Status Collect(exporter::Families& out) override {
    return AllOrNothing(out, [this](exporter::Families& families) { return Gather(families); });
  }

 private:
  exporter::Status Gather(exporter::Families& out) {
    std::vector<std::string> devices;
    DIR* dir = opendir(base_.c_str());
    if (!dir) {
      if (errno == ENOENT) return exporter::Status::Error("no data: nvme statistics not found, skipping");
      return Failed(ReadFailed(base_, errno).message());
    }
    while (dirent* entry = readdir(dir)) {
      if (entry->d_name[0] != '.') devices.emplace_back(entry->d_name);
    }
    closedir(dir);
    std::sort(devices.begin(), devices.end());

    // The state changes and a firmware update changes firmware_rev in place: all are read each scrape.
    auto info =
        exporter::Gauge(out, "node_nvme_info", "Non-numeric data from /sys/class/nvme/<device>, value is always 1.");
    for (const auto& device : devices) {
      exporter::Labels labels = {{"device", device}};
      for (size_t i = 0; i < std::size(kAttributes); ++i) {
        std::string path = base_ + "/" + device + "/" + kAttributes[i];
        int error = 0;
        if (!ReadInto(path, buffer_, &error)) {
          // A device going away mid-scrape reads as no data, as for node_exporter.
          if (error == ENOENT) return exporter::Status::Error("no data: nvme statistics not found: " + path);
          return Failed("failed to read file " + path + ": " + std::strerror(error));
        }
        labels.emplace_back(kLabels[i], std::string(exporter::Trim(buffer_)));
      }
      info.Add(1, labels);
    }
    return {};
  }

  static exporter::Status Failed(const std::string& why) {
    return exporter::Status::Error("error obtaining NVMe class info: " + why);
  }

  std::string base_ = SysPath("class/nvme");
  std::string buffer_;
};

EXPORTER_REGISTER_COLLECTOR(exporter::Collector, "nvme", true, NvmeCollector);

}  // namespace
}  // namespace node
