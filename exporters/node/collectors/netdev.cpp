#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <map>

#include "collectors/util.h"
#include "exporter/collector.h"
#include "exporter/metrics.h"
#include "node_context.h"
#include "parse/procfs.h"

namespace node {
namespace {

std::string netdev_device_include, netdev_device_exclude = "^lo$";
bool netdev_netlink = true;

using DeviceCounters = std::vector<std::pair<const char*, uint64_t>>;
struct Device {
  std::string name;
  DeviceCounters counters;
};

// The counters node_exporter derives from rtnl_link_stats64 under its legacy
// (/proc/net/dev compatible) names.
DeviceCounters LegacyCounters(const rtnl_link_stats64& s) {
  return {{"receive_packets", s.rx_packets},
          {"transmit_packets", s.tx_packets},
          {"receive_bytes", s.rx_bytes},
          {"transmit_bytes", s.tx_bytes},
          {"receive_errs", s.rx_errors},
          {"transmit_errs", s.tx_errors},
          {"receive_drop", s.rx_dropped + s.rx_missed_errors},
          {"transmit_drop", s.tx_dropped},
          {"receive_multicast", s.multicast},
          {"transmit_colls", s.collisions},
          {"receive_frame", s.rx_length_errors + s.rx_over_errors + s.rx_crc_errors + s.rx_frame_errors},
          {"receive_fifo", s.rx_fifo_errors},
          {"transmit_carrier",
           s.tx_aborted_errors + s.tx_carrier_errors + s.tx_heartbeat_errors + s.tx_window_errors},
          {"transmit_fifo", s.tx_fifo_errors},
          {"receive_compressed", s.rx_compressed},
          {"transmit_compressed", s.tx_compressed},
          {"receive_nohandler", s.rx_nohandler}};
}

// One RTM_GETLINK dump: every link's name and 64-bit counters in a few recv calls.
class NetlinkLinks {
 public:
  ~NetlinkLinks() {
    if (fd_ >= 0) close(fd_);
  }

  exporter::Status Dump(std::vector<Device>& devices) {
    if (fd_ < 0) {
      fd_ = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
      if (fd_ < 0) return exporter::Status::Error(std::string("netlink socket: ") + std::strerror(errno));
    }
    struct {
      nlmsghdr header;
      ifinfomsg info;
    } request{};
    request.header.nlmsg_len = NLMSG_LENGTH(sizeof(ifinfomsg));
    request.header.nlmsg_type = RTM_GETLINK;
    request.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    request.header.nlmsg_seq = ++sequence_;
    request.info.ifi_family = AF_UNSPEC;
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    if (sendto(fd_, &request, request.header.nlmsg_len, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) < 0) {
      return Reset(std::string("netlink send: ") + std::strerror(errno));
    }
    buffer_.resize(64 * 1024);
    while (true) {
      ssize_t n = recv(fd_, buffer_.data(), buffer_.size(), 0);
      if (n < 0) {
        if (errno == EINTR) continue;
        return Reset(std::string("netlink recv: ") + std::strerror(errno));
      }
      int remaining = static_cast<int>(n);
      for (auto* header = reinterpret_cast<nlmsghdr*>(buffer_.data()); NLMSG_OK(header, remaining);
           header = NLMSG_NEXT(header, remaining)) {
        if (header->nlmsg_seq != sequence_) continue;
        if (header->nlmsg_type == NLMSG_DONE) return {};
        if (header->nlmsg_type == NLMSG_ERROR) return Reset("netlink error reply");
        if (header->nlmsg_type != RTM_NEWLINK) continue;
        auto* info = static_cast<ifinfomsg*>(NLMSG_DATA(header));
        int length = static_cast<int>(header->nlmsg_len) - static_cast<int>(NLMSG_LENGTH(sizeof(*info)));
        Device device;
        rtnl_link_stats64 stats{};
        bool have_stats = false;
        for (auto* attr = IFLA_RTA(info); RTA_OK(attr, length); attr = RTA_NEXT(attr, length)) {
          if (attr->rta_type == IFLA_IFNAME) {
            device.name = static_cast<const char*>(RTA_DATA(attr));
          } else if (attr->rta_type == IFLA_STATS64) {
            std::memcpy(&stats, RTA_DATA(attr), std::min<size_t>(RTA_PAYLOAD(attr), sizeof stats));
            have_stats = true;
          }
        }
        if (!have_stats || device.name.empty()) continue;
        device.counters = LegacyCounters(stats);
        devices.push_back(std::move(device));
      }
    }
  }

 private:
  exporter::Status Reset(std::string message) {
    close(fd_);
    fd_ = -1;
    return exporter::Status::Error(std::move(message));
  }
  int fd_ = -1;
  uint32_t sequence_ = 0;
  std::vector<char> buffer_;
};

class NetdevCollector : public exporter::Collector {
 public:
  NetdevCollector() {
    // The default exclusion gives way to an explicit include.
    std::string exclude = netdev_device_include.empty() ? netdev_device_exclude : "";
    filter_ = DeviceFilter(FlagPattern("collector.netdev.device-exclude", exclude),
                           FlagPattern("collector.netdev.device-include", netdev_device_include));
  }

  exporter::Status Collect(exporter::Families& out) override {
    std::vector<Device> devices;
    if (netdev_netlink) {
      if (auto status = netlink_.Dump(devices); !status) return status;
    } else {
      int error = 0;
      if (!ReadInto(path_, buffer_, &error)) return ReadFailed(path_, error);
      auto parsed = parse::ParseNetDev(buffer_);
      if (!parsed) return parsed.status();
      for (auto& line : *parsed) {
        Device device{std::move(line.name), {}};
        for (auto& [name, value] : line.counters) device.counters.emplace_back(name, value);
        devices.push_back(std::move(device));
      }
    }
    std::map<std::string_view, size_t> family_index;
    for (const auto& device : devices) {
      if (Ignored(device.name)) continue;
      for (const auto& [name, value] : device.counters) {
        auto [it, added] = family_index.emplace(name, out.size());
        if (added) {
          exporter::Counter(out, std::string("node_network_") + name + "_total",
                            std::string("Network device statistic ") + name + ".");
        }
        auto& metric = out[it->second].metric.emplace_back();
        metric.counter.value = static_cast<double>(value);
        metric.label.push_back({"device", device.name});
      }
    }
    return {};
  }

 private:
  bool Ignored(const std::string& name) {
    auto it = ignored_.find(name);
    if (it != ignored_.end()) return it->second;
    bool ignored = filter_.Ignored(name);
    if (ignored_.size() > 4096) ignored_.clear();  // interface names churn on container hosts
    ignored_.emplace(name, ignored);
    return ignored;
  }

  std::string path_ = ProcPath("net/dev");
  std::string buffer_;
  DeviceFilter filter_;
  std::map<std::string, bool> ignored_;
  NetlinkLinks netlink_;
};

EXPORTER_REGISTER_COLLECTOR(exporter::Collector, "netdev", true, NetdevCollector, [](exporter::Flags& flags) {
  flags.Option("--collector.netdev.device-include", netdev_device_include,
               "Regexp of net devices to include (mutually exclusive to device-exclude).");
  flags.Option("--collector.netdev.device-exclude", netdev_device_exclude,
               "Regexp of net devices to exclude (mutually exclusive to device-include).");
  flags.Flag("--collector.netdev.netlink,!--no-collector.netdev.netlink", netdev_netlink,
             "Use netlink to gather stats instead of /proc/net/dev.");
});

}  // namespace
}  // namespace node
