#include <mutex>

#include "collectors/util.h"
#include "exporter/collector.h"
#include "exporter/metrics.h"
#include "node_context.h"
#include "parse/procfs.h"

namespace node {
namespace {

// os-release does not change while the system runs: it is read at the first scrape.
class OsCollector : public exporter::Collector {
 public:
  exporter::Status Collect(exporter::Families& out) override {
    if (!loaded_) Load();
    if (!status_.ok()) return status_;
    auto get = [&](std::string_view key) -> std::string {
      for (const auto& [k, v] : release_) {
        if (k == key) return v;
      }
      return "";
    };
    exporter::Gauge(out, "node_os_info",
                    "A metric with a constant '1' value labeled by build_id, id, id_like, image_id, image_version, "
                    "name, pretty_name, variant, variant_id, version, version_codename, version_id.")
        .Add(1, {{"build_id", get("BUILD_ID")},
                 {"id", get("ID")},
                 {"id_like", get("ID_LIKE")},
                 {"image_id", get("IMAGE_ID")},
                 {"image_version", get("IMAGE_VERSION")},
                 {"name", get("NAME")},
                 {"pretty_name", get("PRETTY_NAME")},
                 {"variant", get("VARIANT")},
                 {"variant_id", get("VARIANT_ID")},
                 {"version", get("VERSION")},
                 {"version_codename", get("VERSION_CODENAME")},
                 {"version_id", get("VERSION_ID")}});
    if (auto version = parse::ParseOsVersion(get("VERSION_ID"))) {
      exporter::Gauge(out, "node_os_version", "Metric containing the major.minor part of the OS version.")
          .Add(*version, {{"id", get("ID")}, {"id_like", get("ID_LIKE")}, {"name", get("NAME")}});
    }
    return {};
  }

 private:
  void Load() {
    loaded_ = true;
    std::string buffer;
    for (const char* file : {"/etc/os-release", "/usr/lib/os-release"}) {
      if (ReadInto(RootfsPath(file), buffer)) {
        release_ = parse::ParseOsRelease(buffer);
        return;
      }
    }
    status_ = exporter::Status::Error("no os-release file found under " + paths().rootfs);
  }

  bool loaded_ = false;
  exporter::Status status_;
  std::vector<std::pair<std::string, std::string>> release_;
};

EXPORTER_REGISTER_COLLECTOR(exporter::Collector, "os", true, OsCollector);

}  // namespace
}  // namespace node
