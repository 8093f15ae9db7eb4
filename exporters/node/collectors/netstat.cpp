#include <map>

#include "collectors/util.h"
#include "exporter/collector.h"
#include "exporter/metrics.h"
#include "exporter/strings.h"
#include "node_context.h"
#include "parse/procfs.h"

namespace node {
namespace {

std::string netstat_fields =
    "^(.*_(InErrors|InErrs)|Ip_Forwarding|Ip(6|Ext)_(InOctets|OutOctets)|Icmp6?_(InMsgs|OutMsgs)|TcpExt_(Listen.*|"
    "Syncookies.*|TCPSynRetrans|TCPTimeouts)|Tcp_(ActiveOpens|InSegs|OutSegs|OutRsts|PassiveOpens|RetransSegs|"
    "CurrEstab)|Udp6?_(InDatagrams|OutDatagrams|NoPorts|RcvbufErrors|SndbufErrors))$";

class NetstatCollector : public exporter::Collector {
 public:
  exporter::Status Collect(exporter::Families& out) override {
    int error = 0;
    if (!ReadInto(netstat_path_, netstat_, &error)) return ReadFailed(netstat_path_, error);
    if (!ReadInto(snmp_path_, snmp_, &error)) return ReadFailed(snmp_path_, error);
    bool have_snmp6 = ReadInto(snmp6_path_, snmp6_, &error);
    if (!have_snmp6 && error != ENOENT) return ReadFailed(snmp6_path_, error);

    auto netstat = parse::ParseNetstat(netstat_);
    if (!netstat) return netstat.status();
    auto snmp = parse::ParseNetstat(snmp_);
    if (!snmp) return snmp.status();
    std::vector<std::pair<std::string, std::string_view>> snmp6;
    if (have_snmp6) {
      auto parsed = parse::ParseSnmp6(snmp6_);
      if (!parsed) return parsed.status();
      snmp6 = std::move(*parsed);
    }
    for (const auto* values : {&*netstat, &*snmp, &snmp6}) {
      for (const auto& [key, text] : *values) {
        const Field& field = Lookup(key);
        if (!field.selected) continue;
        auto value = exporter::ParseDouble(text);
        if (!value) return exporter::Status::Error("invalid netstat value for " + key);
        exporter::Untyped(out, field.metric, field.help).Add(*value);
      }
    }
    return {};
  }

 private:
  struct Field {
    bool selected = false;
    std::string metric, help;
  };
  // The regex and the names are worked out once per field for the life of the process.
  const Field& Lookup(const std::string& key) {
    auto it = fields_.find(key);
    if (it != fields_.end()) return it->second;
    Field field;
    field.selected = pattern_.Search(key);
    if (field.selected) {
      field.metric = "node_netstat_" + key;
      std::string plain = key;
      plain.erase(plain.find('_'), 1);
      field.help = "Statistic " + plain + ".";
    }
    return fields_.emplace(key, std::move(field)).first->second;
  }

  std::string netstat_path_ = ProcPath("net/netstat");
  std::string snmp_path_ = ProcPath("net/snmp");
  std::string snmp6_path_ = ProcPath("net/snmp6");
  std::string netstat_, snmp_, snmp6_;
  FlagPattern pattern_{"collector.netstat.fields", netstat_fields};
  std::map<std::string, Field> fields_;
};

EXPORTER_REGISTER_COLLECTOR(exporter::Collector, "netstat", true, NetstatCollector, [](exporter::Flags& flags) {
  flags.Option("--collector.netstat.fields", netstat_fields, "Regexp of fields to return for netstat collector.");
});

}  // namespace
}  // namespace node
