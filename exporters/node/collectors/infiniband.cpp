#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>
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

// Port counters: counters/<file>, or counters_ext/<file> (kernels before 4.5) for the legacy ones.
// Data counters count 32-bit words per lane: node_exporter multiplies them by 4.
struct PortCounter {
  const char* file;
  bool ext;
  const char* metric;
  uint64_t multiplier;
  const char* help;
};
const PortCounter kCounters[] = {
    {"excessive_buffer_overrun_errors", false, "excessive_buffer_overrun_errors_total", 1,
     "Number of times that OverrunErrors consecutive flow control update periods occurred, each having at least one "
     "overrun error."},
    {"link_downed", false, "link_downed_total", 1,
     "Number of times the link failed to recover from an error state and went down"},
    {"link_error_recovery", false, "link_error_recovery_total", 1,
     "Number of times the link successfully recovered from an error state"},
    {"local_link_integrity_errors", false, "local_link_integrity_errors_total", 1,
     "Number of times that the count of local physical errors exceeded the threshold specified by LocalPhyErrors."},
    {"multicast_rcv_packets", false, "multicast_packets_received_total", 1,
     "Number of multicast packets received (including errors)"},
    {"multicast_xmit_packets", false, "multicast_packets_transmitted_total", 1,
     "Number of multicast packets transmitted (including errors)"},
    {"port_rcv_constraint_errors", false, "port_constraint_errors_received_total", 1,
     "Number of packets received on the switch physical port that are discarded"},
    {"port_rcv_data", false, "port_data_received_bytes_total", 4, "Number of data octets received on all links"},
    {"port_rcv_discards", false, "port_discards_received_total", 1,
     "Number of inbound packets discarded by the port because the port is down or congested"},
    {"port_rcv_errors", false, "port_errors_received_total", 1,
     "Number of packets containing an error that were received on this port"},
    {"port_rcv_packets", false, "port_packets_received_total", 1,
     "Number of packets received on all VLs by this port (including errors)"},
    {"port_rcv_remote_physical_errors", false, "port_receive_remote_physical_errors_total", 1,
     "Number of packets marked with the EBP (End of Bad Packet) delimiter received on the port."},
    {"port_rcv_switch_relay_errors", false, "port_receive_switch_relay_errors_total", 1,
     "Number of packets that could not be forwarded by the switch."},
    {"port_xmit_constraint_errors", false, "port_constraint_errors_transmitted_total", 1,
     "Number of packets not transmitted from the switch physical port"},
    {"port_xmit_data", false, "port_data_transmitted_bytes_total", 4, "Number of data octets transmitted on all links"},
    {"port_xmit_discards", false, "port_discards_transmitted_total", 1,
     "Number of outbound packets discarded by the port because the port is down or congested"},
    {"port_xmit_packets", false, "port_packets_transmitted_total", 1,
     "Number of packets transmitted on all VLs from this port (including errors)"},
    {"port_xmit_wait", false, "port_transmit_wait_total", 1,
     "Number of ticks during which the port had data to transmit but no data was sent during the entire tick"},
    {"symbol_error", false, "symbol_error_total", 1,
     "Number of minor link errors detected on one or more physical lanes."},
    {"unicast_rcv_packets", false, "unicast_packets_received_total", 1,
     "Number of unicast packets received (including errors)"},
    {"unicast_xmit_packets", false, "unicast_packets_transmitted_total", 1,
     "Number of unicast packets transmitted (including errors)"},
    {"VL15_dropped", false, "vl15_dropped_total", 1,
     "Number of incoming VL15 packets dropped due to resource limitations."},
    {"port_multicast_rcv_packets", true, "legacy_multicast_packets_received_total", 1,
     "Number of multicast packets received"},
    {"port_multicast_xmit_packets", true, "legacy_multicast_packets_transmitted_total", 1,
     "Number of multicast packets transmitted"},
    {"port_rcv_data_64", true, "legacy_data_received_bytes_total", 4, "Number of data octets received on all links"},
    {"port_rcv_packets_64", true, "legacy_packets_received_total", 1, "Number of data packets received on all links"},
    {"port_unicast_rcv_packets", true, "legacy_unicast_packets_received_total", 1,
     "Number of unicast packets received"},
    {"port_unicast_xmit_packets", true, "legacy_unicast_packets_transmitted_total", 1,
     "Number of unicast packets transmitted"},
    {"port_xmit_data_64", true, "legacy_data_transmitted_bytes_total", 4,
     "Number of data octets transmitted on all links"},
    {"port_xmit_packets_64", true, "legacy_packets_transmitted_total", 1,
     "Number of data packets received on all links"},
};
constexpr size_t kCounterCount = std::size(kCounters);

// Sorted directory entries; nullopt (errno set) when it cannot be listed.
std::optional<std::vector<std::string>> List(const std::string& path, bool regular_files_only = false) {
  DIR* dir = opendir(path.c_str());
  if (!dir) return std::nullopt;
  std::vector<std::string> names;
  while (dirent* entry = readdir(dir)) {
    if (entry->d_name[0] == '.' && (entry->d_name[1] == '\0' || std::strcmp(entry->d_name, "..") == 0)) continue;
    if (regular_files_only && entry->d_type != DT_REG && entry->d_type != DT_UNKNOWN) continue;
    names.emplace_back(entry->d_name);
  }
  closedir(dir);
  std::sort(names.begin(), names.end());
  return names;
}

class InfinibandCollector : public exporter::Collector {
 public:
  exporter::Status Collect(exporter::Families& out) override {
    return AllOrNothing(out, [this](exporter::Families& families) { return Gather(families); });
  }

 private:
  exporter::Status Gather(exporter::Families& out) {
    auto devices = List(base_);
    if (!devices) return Missing(base_, errno);

    auto info = exporter::Gauge(out, "node_infiniband_info",
                                "Non-numeric data from /sys/class/infiniband/<device>, value is always 1.");
    auto state = exporter::Gauge(
        out, "node_infiniband_state_id",
        "State of the InfiniBand port (0: no change, 1: down, 2: init, 3: armed, 4: active, 5: act defer)");
    auto phys_state = exporter::Gauge(out, "node_infiniband_physical_state_id",
                                      "Physical state of the InfiniBand port (0: no change, 1: sleep, 2: polling, 3: "
                                      "disable, 4: shift, 5: link up, 6: link error recover, 7: phytest)");
    auto rate = exporter::Gauge(out, "node_infiniband_rate_bytes_per_second", "Maximum signal transfer rate");
    size_t first_counter = out.size();
    for (const auto& counter : kCounters) {
      exporter::Counter(out, std::string("node_infiniband_") + counter.metric, counter.help);
    }

    for (const auto& device : *devices) {
      std::string dir = base_ + "/" + device + "/";
      // fw_ver (every driver since 4.10), board_id and hca_type: node_exporter 1.5 needs all three.
      std::array<std::string, 3> attributes;
      const char* const files[] = {"fw_ver", "board_id", "hca_type"};
      for (size_t i = 0; i < 3; ++i) {
        int error = 0;
        if (!ReadInto(dir + files[i], buffer_, &error)) return Missing(dir + files[i], error);
        attributes[i] = std::string(exporter::Trim(buffer_));
      }
      auto ports = List(dir + "ports");
      if (!ports) return Missing(dir + "ports", errno);
      // Ports in numeric order, as their label values.
      std::vector<std::pair<uint64_t, std::string>> numbered;
      for (const auto& port : *ports) {
        auto number = exporter::ParseUint(port);
        if (!number || *number > UINT32_MAX) return Failed("failed to convert " + port + " into uint");
        numbered.emplace_back(*number, port);
      }
      std::sort(numbered.begin(), numbered.end());

      info.Add(1, {{"board_id", attributes[1]},
                   {"device", device},
                   {"firmware_version", attributes[0]},
                   {"hca_type", attributes[2]}});
      for (const auto& [number, port] : numbered) {
        std::string port_dir = dir + "ports/" + port + "/";
        exporter::Labels labels = {{"device", device}, {"port", std::to_string(number)}};
        uint32_t state_id = 0, phys_state_id = 0;
        for (auto [file, id] : {std::pair{"state", &state_id}, {"phys_state", &phys_state_id}}) {
          int error = 0;
          if (!ReadInto(port_dir + file, buffer_, &error)) return Missing(port_dir + file, error);
          auto parsed = parse::ParseInfinibandState(buffer_);
          if (!parsed)
            return Failed("could not parse " + std::string(file) + " file in " + port_dir + ": " + parsed.error());
          *id = parsed->id;
        }
        int error = 0;
        if (!ReadInto(port_dir + "rate", buffer_, &error)) return Missing(port_dir + "rate", error);
        auto bytes_per_second = parse::ParseInfinibandRate(buffer_);
        if (!bytes_per_second)
          return Failed("could not parse rate file in " + port_dir + ": " + bytes_per_second.error());

        std::array<std::optional<uint64_t>, kCounterCount> values;
        if (auto status = ReadCounters(port_dir + "counters", false, values); !status) return status;
        if (auto status = ReadCounters(port_dir + "counters_ext", true, values); !status) return status;

        state.Add(state_id, labels);
        phys_state.Add(phys_state_id, labels);
        rate.Add(static_cast<double>(*bytes_per_second), labels);
        for (size_t i = 0; i < kCounterCount; ++i) {
          if (!values[i]) continue;  // absent or not available (N/A) on this port
          auto& metric = out[first_counter + i].metric.emplace_back();
          metric.counter.value = static_cast<double>(*values[i]);
          metric.label = {{"device", device}, {"port", labels[1].second}};
        }
      }
    }
    return {};
  }

  // An absent file or directory is no data, as node_exporter 1.5 reports it.
  static exporter::Status Missing(const std::string& path, int error) {
    if (error == ENOENT) return exporter::Status::Error("no data: infiniband statistics not found: " + path);
    return Failed(ReadFailed(path, error).message());
  }
  static exporter::Status Failed(const std::string& why) {
    return exporter::Status::Error("error obtaining InfiniBand class info: " + why);
  }

  // The files of counters/ (required) or counters_ext/ (optional) that node_exporter exports.
  exporter::Status ReadCounters(const std::string& path, bool ext,
                                std::array<std::optional<uint64_t>, kCounterCount>& values) {
    auto files = List(path, true);
    if (!files) {
      if (ext && errno == ENOENT) return {};
      return Missing(path, errno);
    }
    for (const auto& file : *files) {
      size_t index = 0;
      while (index < kCounterCount && (kCounters[index].ext != ext || file != kCounters[index].file)) ++index;
      if (index == kCounterCount) continue;
      int error = 0;
      if (!ReadInto(path + "/" + file, buffer_, &error)) {
        // Write-only and driver-refused attributes are skipped.
        if (error == ENOENT || error == EACCES || error == EPERM || error == EOPNOTSUPP || error == EINVAL) continue;
        return Failed("failed to read file " + path + "/" + file + ": " + std::strerror(error));
      }
      auto value = parse::ParseGoBase0Uint(buffer_);
      if (!value) {
        // Counters a port does not implement read "N/A (no PMA)".
        if (buffer_.find("N/A (no PMA)") != std::string::npos) continue;
        return Failed(path + "/" + file + ": " + value.error());
      }
      values[index] = *value * kCounters[index].multiplier;
    }
    return {};
  }

  std::string base_ = SysPath("class/infiniband");
  std::string buffer_;
};

EXPORTER_REGISTER_COLLECTOR(exporter::Collector, "infiniband", true, InfinibandCollector);

}  // namespace
}  // namespace node
