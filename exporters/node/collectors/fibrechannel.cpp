#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <string>
#include <vector>

#include "collectors/part2_util.h"
#include "collectors/util.h"
#include "exporter/collector.h"
#include "exporter/metrics.h"
#include "exporter/strings.h"
#include "node_context.h"
#include "parse/sysfs_class.h"

namespace node {
namespace {

// Attributes of /sys/class/fc_host/<host>, and whether procfs strips their "0x".
struct Attribute {
  const char* file;
  const char* label;
  bool hex_name;
};
const Attribute kAttributes[] = {
    {"speed", "speed", false},
    {"port_state", "port_state", false},
    {"port_type", "port_type", false},
    {"node_name", nullptr, true},  // read (it must exist) but not a label of node_exporter's
    {"port_id", "port_id", true},
    {"port_name", "port_name", true},
    {"fabric_name", "fabric_name", true},
    {"dev_loss_tmo", "dev_loss_tmo", false},
    {"symbolic_name", "symbolic_name", false},
    {"supported_classes", "supported_classes", false},
    {"supported_speeds", "supported_speeds", false},
};

// statistics/<file> -> node_fibrechannel_<metric>, in node_exporter's order.
struct Counter {
  const char* file;
  const char* metric;
  const char* help;
};
const Counter kCounters[] = {
    {"dumped_frames", "dumped_frames_total", "Number of dumped frames"},
    {"error_frames", "error_frames_total", "Number of errors in frames"},
    {"invalid_crc_count", "invalid_crc_total", "Invalid Cyclic Redundancy Check count"},
    {"rx_frames", "rx_frames_total", "Number of frames received"},
    {"rx_words", "rx_words_total", "Number of words received by host port"},
    {"tx_frames", "tx_frames_total", "Number of frames transmitted by host port"},
    {"tx_words", "tx_words_total", "Number of words transmitted by host port"},
    {"seconds_since_last_reset", "seconds_since_last_reset_total", "Number of seconds since last host port reset"},
    {"invalid_tx_word_count", "invalid_tx_words_total", "Number of invalid words transmitted by host port"},
    {"link_failure_count", "link_failure_total", "Number of times the host port link has failed"},
    {"loss_of_sync_count", "loss_of_sync_total", "Number of failures on either bit or transmission word boundaries"},
    {"loss_of_signal_count", "loss_of_signal_total", "Number of times signal has been lost"},
    {"nos_count", "nos_total", "Number Not_Operational Primitive Sequence received by host port"},
    {"fcp_packet_aborts", "fcp_packet_aborts_total", "Number of aborted packets"},
};
// A counter the HBA firmware does not implement reads as all ones: not exported.
constexpr uint64_t kUnimplemented = ~uint64_t{0};

std::vector<std::string> SortedEntries(DIR* dir) {
  std::vector<std::string> names;
  while (dirent* entry = readdir(dir)) {
    if (std::strcmp(entry->d_name, ".") != 0 && std::strcmp(entry->d_name, "..") != 0)
      names.emplace_back(entry->d_name);
  }
  closedir(dir);
  std::sort(names.begin(), names.end());
  return names;
}

class FibrechannelCollector : public exporter::Collector {
 public:
  exporter::Status Collect(exporter::Families& out) override {
    return AllOrNothing(out, [this](exporter::Families& families) { return Gather(families); });
  }

 private:
  exporter::Status Gather(exporter::Families& out) {
    DIR* dir = opendir(base_.c_str());
    if (!dir) {
      if (errno == ENOENT) return exporter::Status::Error("no data: fibrechannel statistics not found, skipping");
      return Failed(ReadFailed(base_, errno).message());
    }
    std::vector<std::string> hosts = SortedEntries(dir);

    auto info = exporter::Gauge(out, "node_fibrechannel_info",
                                "Non-numeric data from /sys/class/fc_host/<host>, value is always 1.");
    size_t first_counter = out.size();
    for (const auto& counter : kCounters) {
      exporter::Counter(out, std::string("node_fibrechannel_") + counter.metric, counter.help);
    }
    for (const auto& host : hosts) {
      std::string host_dir = base_ + "/" + host + "/";
      exporter::Labels labels = {{"fc_host", host}};
      for (const auto& attribute : kAttributes) {
        int error = 0;
        if (!ReadInto(host_dir + attribute.file, buffer_, &error)) {
          return Failed("failed to read file " + host_dir + attribute.file + ": " + std::strerror(error));
        }
        std::string_view value = exporter::Trim(buffer_);
        if (attribute.label) {
          labels.emplace_back(attribute.label, attribute.hex_name ? parse::FcStripPrefix(value) : std::string(value));
        }
      }
      std::array<uint64_t, std::size(kCounters)> values{};
      if (auto status = ReadStatistics(host_dir + "statistics", values); !status) return status;
      info.Add(1, labels);
      for (size_t i = 0; i < values.size(); ++i) {
        if (values[i] == kUnimplemented) continue;
        auto& metric = out[first_counter + i].metric.emplace_back();
        metric.counter.value = static_cast<double>(values[i]);
        metric.label.push_back({"fc_host", host});
      }
    }
    return {};
  }

  static exporter::Status Failed(const std::string& why) {
    return exporter::Status::Error("error obtaining FibreChannel class info: " + why);
  }

  // Counters of statistics/; an absent file reads as 0, as for node_exporter.
  exporter::Status ReadStatistics(const std::string& path, std::array<uint64_t, std::size(kCounters)>& values) {
    DIR* dir = opendir(path.c_str());
    if (!dir) {
      if (errno == ENOENT) return exporter::Status::Error("no data: fibrechannel statistics not found: " + path);
      return Failed(ReadFailed(path, errno).message());
    }
    for (const auto& file : SortedEntries(dir)) {
      // reset_statistics is write-only; other unreadable files are skipped as well.
      if (file == "reset_statistics") continue;
      const Counter* counter = nullptr;
      size_t index = 0;
      for (; index < std::size(kCounters); ++index) {
        if (file == kCounters[index].file) {
          counter = &kCounters[index];
          break;
        }
      }
      if (!counter) continue;  // counters node_exporter does not export are not read
      int error = 0;
      if (!ReadInto(path + "/" + file, buffer_, &error)) {
        if (error == ENOENT || error == EOPNOTSUPP || error == EINVAL || error == EISDIR) continue;
        return Failed("failed to read file " + path + "/" + file + ": " + std::strerror(error));
      }
      auto value = parse::ParseGoBase0Uint(buffer_);
      if (!value) return Failed(path + "/" + file + ": " + value.error());
      values[index] = *value;
    }
    return {};
  }

  std::string base_ = SysPath("class/fc_host");
  std::string buffer_;
};

EXPORTER_REGISTER_COLLECTOR(exporter::Collector, "fibrechannel", true, FibrechannelCollector);

}  // namespace
}  // namespace node
