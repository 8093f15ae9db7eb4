#include <map>

#include "collectors/util.h"
#include "exporter/collector.h"
#include "exporter/metrics.h"
#include "node_context.h"
#include "parse/procfs.h"

namespace node {
namespace {

struct StatField {
  const char* column;
  const char* help;
};
const StatField kStatFields[] = {
    {"found", "Number of searched entries which were successful."},
    {"invalid", "Number of packets seen which can not be tracked."},
    {"ignore", "Number of packets seen which are already connected to a conntrack entry."},
    {"insert", "Number of entries inserted into the list."},
    {"insert_failed", "Number of entries for which list insertion was attempted but failed."},
    {"drop", "Number of packets dropped due to conntrack failure."},
    {"early_drop", "Number of dropped conntrack entries to make room for new ones, if maximum table size was reached."},
    {"search_restart", "Number of conntrack table lookups which had to be restarted due to hashtable resizes."},
};

class ConntrackCollector : public exporter::Collector {
 public:
  exporter::Status Collect(exporter::Families& out) override {
    int error = 0;
    // Without the nf_conntrack module there is no data, as for node_exporter.
    if (!ReadInto(count_path_, buffer_, &error)) return ReadFailed(count_path_, error);
    auto count = parse::ParseSingleUint(buffer_);
    if (!count) return count.status();
    if (!ReadInto(max_path_, buffer_, &error)) return ReadFailed(max_path_, error);
    auto max = parse::ParseSingleUint(buffer_);
    if (!max) return max.status();
    if (!ReadInto(stat_path_, buffer_, &error)) return ReadFailed(stat_path_, error);
    auto stats = parse::ParseConntrackStat(buffer_);
    if (!stats) return stats.status();

    exporter::Gauge(out, "node_nf_conntrack_entries",
                    "Number of currently allocated flow entries for connection tracking.")
        .Add(static_cast<double>(*count));
    exporter::Gauge(out, "node_nf_conntrack_entries_limit", "Maximum size of connection tracking table.")
        .Add(static_cast<double>(*max));
    for (const auto& field : kStatFields) {
      for (const auto& [column, value] : *stats) {
        if (column != field.column) continue;
        exporter::Gauge(out, std::string("node_nf_conntrack_stat_") + field.column, field.help)
            .Add(static_cast<double>(value));
        break;
      }
    }
    return {};
  }

 private:
  std::string count_path_ = ProcPath("sys/net/netfilter/nf_conntrack_count");
  std::string max_path_ = ProcPath("sys/net/netfilter/nf_conntrack_max");
  std::string stat_path_ = ProcPath("net/stat/nf_conntrack");
  std::string buffer_;
};

EXPORTER_REGISTER_COLLECTOR(exporter::Collector, "conntrack", true, ConntrackCollector);

}  // namespace
}  // namespace node
