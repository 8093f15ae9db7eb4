#include "collectors/util.h"
#include "exporter/collector.h"
#include "exporter/metrics.h"
#include "node_context.h"
#include "parse/procfs.h"

namespace node {
namespace {

class FilefdCollector : public exporter::Collector {
 public:
  exporter::Status Collect(exporter::Families& out) override {
    int error = 0;
    if (!ReadInto(path_, buffer_, &error)) return ReadFailed(path_, error);
    auto values = parse::ParseFileNr(buffer_);
    if (!values) return values.status();
    exporter::Gauge(out, "node_filefd_allocated", "File descriptor statistics: allocated.")
        .Add(static_cast<double>((*values)[0]));
    exporter::Gauge(out, "node_filefd_maximum", "File descriptor statistics: maximum.")
        .Add(static_cast<double>((*values)[2]));
    return {};
  }

 private:
  std::string path_ = ProcPath("sys/fs/file-nr");
  std::string buffer_;
};

EXPORTER_REGISTER_COLLECTOR(exporter::Collector, "filefd", true, FilefdCollector);

}  // namespace
}  // namespace node
