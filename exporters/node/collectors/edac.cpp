#include "collectors/part1_util.h"
#include "collectors/util.h"
#include "exporter/collector.h"
#include "exporter/metrics.h"
#include "node_context.h"
#include "parse/part1_sysfs.h"

namespace node {
namespace {

// /sys/devices/system/edac/mc/mcN and its csrowN: memory error counters.
// Errors the controller cannot place on a csrow count as csrow "unknown".
// No EDAC directory is no output, as in node_exporter.
class EdacCollector : public exporter::Collector {
 public:
  exporter::Status Collect(exporter::Families& out) override {
    std::string base = SysPath("devices/system/edac/mc");
    auto ce = exporter::Counter(out, "node_edac_correctable_errors_total", "Total correctable memory errors.");
    auto ue = exporter::Counter(out, "node_edac_uncorrectable_errors_total", "Total uncorrectable memory errors.");
    auto csrow_ce = exporter::Counter(out, "node_edac_csrow_correctable_errors_total",
                                      "Total correctable memory errors for this csrow.");
    auto csrow_ue = exporter::Counter(out, "node_edac_csrow_uncorrectable_errors_total",
                                      "Total uncorrectable memory errors for this csrow.");
    for (const auto& mc : GlobNumbered(base, "mc")) {
      std::string dir = base + "/" + mc + "/";
      std::string controller = NumberAfter(mc, "mc");
      double values[4];
      const char* const files[4] = {"ce_count", "ce_noinfo_count", "ue_count", "ue_noinfo_count"};
      for (int i = 0; i < 4; ++i) {
        auto status = ReadCount(dir + files[i], values[i]);
        if (!status) {
          return exporter::Status::Error("couldn't get " + std::string(files[i]) + " for controller " + controller +
                                         ": " + status.message());
        }
      }
      ce.Add(values[0], {{"controller", controller}});
      csrow_ce.Add(values[1], {{"controller", controller}, {"csrow", "unknown"}});
      ue.Add(values[2], {{"controller", controller}});
      csrow_ue.Add(values[3], {{"controller", controller}, {"csrow", "unknown"}});
      for (const auto& row : GlobNumbered(dir, "csrow")) {
        std::string csrow = NumberAfter(row, "csrow");
        double row_ce = 0, row_ue = 0;
        for (auto [file, value] : {std::pair{"ce_count", &row_ce}, {"ue_count", &row_ue}}) {
          if (auto status = ReadCount(dir + row + "/" + file, *value); !status) {
            return exporter::Status::Error("couldn't get " + std::string(file) + " for controller/csrow " + controller +
                                           "/" + csrow + ": " + status.message());
          }
        }
        csrow_ce.Add(row_ce, {{"controller", controller}, {"csrow", csrow}});
        csrow_ue.Add(row_ue, {{"controller", controller}, {"csrow", csrow}});
      }
    }
    return {};
  }

 private:
  exporter::Status ReadCount(const std::string& path, double& value) {
    int error = 0;
    if (!ReadInto(path, buffer_, &error)) return ReadFailed(path, error);
    auto count = parse::ParseDecimalUint(buffer_);
    if (!count) return exporter::Status::Error(count.error());
    value = static_cast<double>(*count);
    return {};
  }

  std::string buffer_;
};

EXPORTER_REGISTER_COLLECTOR(exporter::Collector, "edac", true, EdacCollector);

}  // namespace
}  // namespace node
