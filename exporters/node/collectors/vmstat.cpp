#include "collectors/util.h"
#include "exporter/collector.h"
#include "exporter/metrics.h"
#include "exporter/strings.h"
#include "node_context.h"
#include "parse/procfs.h"

namespace node {
namespace {

std::string vmstat_fields = "^(oom_kill|pgpg|pswp|pg.*fault).*";

class VmstatCollector : public exporter::Collector {
 public:
  exporter::Status Collect(exporter::Families& out) override {
    int error = 0;
    if (!ReadInto(path_, buffer_, &error)) return ReadFailed(path_, error);
    auto values = parse::ParseKeyValueLines(buffer_);
    if (!values) return values.status();
    for (const auto& [key, text] : *values) {
      if (!Selected(key)) continue;
      auto value = exporter::ParseDouble(text);
      if (!value) return exporter::Status::Error("invalid vmstat value for " + std::string(key));
      exporter::Untyped(out, "node_vmstat_" + std::string(key), "/proc/vmstat information field " + std::string(key) + ".")
          .Add(*value);
    }
    return {};
  }

 private:
  // The regex runs once per field name for the life of the process.
  bool Selected(std::string_view key) {
    auto it = selected_.find(key);
    if (it != selected_.end()) return it->second;
    std::string name(key);
    bool selected = fields_.Search(name);
    selected_.emplace(std::move(name), selected);
    return selected;
  }

  std::string path_ = ProcPath("vmstat");
  std::string buffer_;
  FlagPattern fields_{"collector.vmstat.fields", vmstat_fields};
  std::map<std::string, bool, std::less<>> selected_;
};

EXPORTER_REGISTER_COLLECTOR(exporter::Collector, "vmstat", true, VmstatCollector, [](exporter::Flags& flags) {
  flags.Option("--collector.vmstat.fields", vmstat_fields, "Regexp of fields to return for vmstat collector.");
});

}  // namespace
}  // namespace node
