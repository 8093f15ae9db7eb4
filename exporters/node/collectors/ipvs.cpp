#include <map>
#include <set>
#include <string>
#include <vector>

#include "collectors/part2_util.h"
#include "collectors/util.h"
#include "exporter/collector.h"
#include "exporter/metrics.h"
#include "exporter/strings.h"
#include "node_context.h"
#include "parse/ipvs.h"

namespace node {
namespace {

const char* const kBackendLabels[] = {"local_address", "local_port", "remote_address",
                                      "remote_port",   "proto",      "local_mark"};
std::string ipvs_backend_labels = "local_address,local_port,remote_address,remote_port,proto,local_mark";

// The --collector.ipvs.backend-labels selection in node_exporter's canonical order,
// or the error naming unknown labels.
exporter::Expected<std::vector<size_t>> SelectLabels(const std::string& flag) {
  std::set<std::string> wanted;
  for (auto label : exporter::Split(flag, ',')) {
    if (!label.empty()) wanted.insert(std::string(label));
  }
  std::vector<size_t> selected;
  for (size_t i = 0; i < std::size(kBackendLabels); ++i) {
    if (wanted.erase(kBackendLabels[i])) selected.push_back(i);
  }
  if (!wanted.empty()) {
    std::string unknown;
    for (const auto& label : wanted) unknown += (unknown.empty() ? "" : ", ") + label;
    return exporter::Status::Error("unknown IPVS backend labels: \"" + unknown + "\"");
  }
  return selected;
}

std::string LabelValue(const parse::IpvsBackend& backend, size_t label) {
  switch (label) {
    case 0:
      return backend.local_address;
    case 1:
      return std::to_string(backend.local_port);
    case 2:
      return backend.remote_address;
    case 3:
      return std::to_string(backend.remote_port);
    case 4:
      return backend.proto;
    default:
      return backend.local_mark;
  }
}

class IpvsCollector : public exporter::Collector {
 public:
  IpvsCollector() {
    if (!labels_) exporter::log::Error("invalid flag, the ipvs collector will fail", {{"err", labels_.error()}});
  }

  exporter::Status Collect(exporter::Families& out) override {
    return AllOrNothing(out, [this](exporter::Families& families) { return Gather(families); });
  }

 private:
  exporter::Status Gather(exporter::Families& out) {
    if (!labels_) return labels_.status();
    int error = 0;
    if (!ReadInto(stats_path_, buffer_, &error)) {
      // Without the ip_vs module there is no data, as node_exporter reports it.
      if (error == ENOENT)
        return exporter::Status::Error("no data: ipvs collector metrics are not available for this system");
      return exporter::Status::Error("could not get IPVS stats: " + ReadFailed(stats_path_, error).message());
    }
    auto stats = parse::ParseIpvsStats(buffer_);
    if (!stats) return exporter::Status::Error("could not get IPVS stats: " + stats.error());
    if (!ReadInto(backends_path_, buffer_, &error)) {
      return exporter::Status::Error("could not get backend status: " + ReadFailed(backends_path_, error).message());
    }
    auto backends = parse::ParseIpvsBackends(buffer_);
    if (!backends) return exporter::Status::Error("could not get backend status: " + backends.error());

    exporter::Counter(out, "node_ipvs_connections_total", "The total number of connections made.")
        .Add(static_cast<double>(stats->connections));
    exporter::Counter(out, "node_ipvs_incoming_packets_total", "The total number of incoming packets.")
        .Add(static_cast<double>(stats->incoming_packets));
    exporter::Counter(out, "node_ipvs_outgoing_packets_total", "The total number of outgoing packets.")
        .Add(static_cast<double>(stats->outgoing_packets));
    exporter::Counter(out, "node_ipvs_incoming_bytes_total", "The total amount of incoming data.")
        .Add(static_cast<double>(stats->incoming_bytes));
    exporter::Counter(out, "node_ipvs_outgoing_bytes_total", "The total amount of outgoing data.")
        .Add(static_cast<double>(stats->outgoing_bytes));

    // Backends with equal label values (fewer labels selected) are summed.
    struct Sum {
      uint64_t active = 0, inactive = 0, weight = 0;
    };
    std::map<std::vector<std::string>, Sum> sums;
    for (const auto& backend : *backends) {
      std::vector<std::string> values;
      for (size_t label : *labels_) values.push_back(LabelValue(backend, label));
      auto& sum = sums[std::move(values)];
      sum.active += backend.active_connections;
      sum.inactive += backend.inactive_connections;
      sum.weight += backend.weight;
    }
    auto active = exporter::Gauge(out, "node_ipvs_backend_connections_active",
                                  "The current active connections by local and remote address.");
    auto inactive = exporter::Gauge(out, "node_ipvs_backend_connections_inactive",
                                    "The current inactive connections by local and remote address.");
    auto weight =
        exporter::Gauge(out, "node_ipvs_backend_weight", "The current backend weight by local and remote address.");
    for (const auto& [values, sum] : sums) {
      exporter::Labels labels;
      for (size_t i = 0; i < values.size(); ++i) labels.emplace_back(kBackendLabels[(*labels_)[i]], values[i]);
      active.Add(static_cast<double>(sum.active), labels);
      inactive.Add(static_cast<double>(sum.inactive), labels);
      weight.Add(static_cast<double>(sum.weight), labels);
    }
    return {};
  }

  exporter::Expected<std::vector<size_t>> labels_ = SelectLabels(ipvs_backend_labels);
  std::string stats_path_ = ProcPath("net/ip_vs_stats");
  std::string backends_path_ = ProcPath("net/ip_vs");
  std::string buffer_;
};

EXPORTER_REGISTER_COLLECTOR(exporter::Collector, "ipvs", true, IpvsCollector, [](exporter::Flags& flags) {
  flags.Option("--collector.ipvs.backend-labels", ipvs_backend_labels,
               "Comma separated list for IPVS backend stats labels.");
});

}  // namespace
}  // namespace node
