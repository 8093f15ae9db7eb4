#include <map>
#include <optional>

#include "collectors/part1_families.h"
#include "collectors/part1_util.h"
#include "collectors/util.h"
#include "exporter/collector.h"
#include "exporter/metrics.h"
#include "node_context.h"
#include "parse/part1_sysfs.h"

namespace node {
namespace {

// /sys/class/hwmon/hwmonN (and the device directory it links to), as
// node_exporter 1.5 reads it: every <type><n>_<property> file of the known
// sensor types, named and scaled by its type and property.
class HwmonCollector : public exporter::Collector {
 public:
  exporter::Status Collect(exporter::Families& out) override {
    std::string base = SysPath("class/hwmon");
    std::vector<DirEntry> entries;
    int error = 0;
    if (!ListDir(base, entries, &error)) {
      if (error == ENOENT)
        return exporter::Status::Error("no data: hwmon collector metrics are not available for this system");
      return ReadFailed(base, error);
    }
    FamilySet families(out);
    exporter::Status last_error;
    for (const auto& entry : entries) {
      std::string dir = base + "/" + entry.name;
      if (entry.type != DT_DIR && !(entry.type == DT_LNK && IsDirectory(dir))) continue;
      if (auto status = CollectChip(dir, families); !status) last_error = status;
    }
    return last_error;
  }

 private:
  // sensor ("temp1") -> element ("input", "" for the bare file) -> content without newlines.
  using SensorData = std::map<std::string, std::map<std::string, std::string>>;

  exporter::Status CollectChip(const std::string& dir, FamilySet& families) {
    std::optional<std::string> name_file;
    if (ReadInto(dir + "/name", buffer_)) name_file = buffer_;
    auto chip = ChipName(dir, name_file);
    if (!chip) return exporter::Status::Error("could not derive a monitoring name for " + dir);

    SensorData data;
    if (auto status = ReadSensors(dir, data); !status) return status;
    if (IsDirectory(dir + "/device")) {
      if (auto status = ReadSensors(dir + "/device", data); !status) return status;
    }
    if (name_file) {
      std::string chip_name = parse::CleanHwmonName(*name_file);
      if (!chip_name.empty()) {
        families.Gauge("node_hwmon_chip_names", "Annotation metric for human-readable chip names", 1,
                       {{"chip", *chip}, {"chip_name", chip_name}});
      }
    }
    for (const auto& [sensor, elements] : data) {
      auto exploded = parse::ExplodeHwmonSensorFile(sensor);
      std::string type = exploded ? exploded->type : "";
      exporter::Labels labels = {{"chip", *chip}, {"sensor", sensor}};
      if (auto label = elements.find("label"); label != elements.end()) {
        families.Gauge("node_hwmon_sensor_label", "Label for given chip and sensor", 1,
                       {{"chip", *chip}, {"label", label->second}, {"sensor", sensor}});
      }
      auto bare = elements.find("");
      if (parse::IsHwmonSpecialType(type)) {
        std::optional<std::string> bare_value;
        if (bare != elements.end()) bare_value = bare->second;
        if (auto sample = parse::HwmonSpecialSample(type, bare_value)) Emit(families, *sample, labels);
        continue;
      }
      for (const auto& [element, value] : elements) {
        if (auto sample = parse::HwmonElementSample(type, element, value, bare != elements.end())) {
          Emit(families, *sample, labels);
        }
      }
    }
    return {};
  }

  static void Emit(FamilySet& families, const parse::HwmonSample& sample, const exporter::Labels& labels) {
    families.Add(sample.name, sample.help,
                 sample.counter ? prometheus::MetricType::Counter : prometheus::MetricType::Gauge, sample.value,
                 labels);
  }

  // node_exporter's preference: the device's bus and name, then the name file, then hwmonN.
  static std::optional<std::string> ChipName(const std::string& dir, const std::optional<std::string>& name_file) {
    if (auto device = RealPath(dir + "/device")) {
      std::string chip = parse::HwmonChipFromDevicePath(*device);
      if (!chip.empty()) return chip;
    }
    if (name_file && !name_file->empty()) {
      std::string chip = parse::CleanHwmonName(*name_file);
      if (!chip.empty()) return chip;
    }
    auto real = RealPath(dir);
    if (!real) return std::nullopt;
    std::string chip = parse::CleanHwmonName(real->substr(real->rfind('/') + 1));
    if (chip.empty()) return std::nullopt;
    return chip;
  }

  exporter::Status ReadSensors(const std::string& dir, SensorData& data) {
    int error = 0;
    if (!ListDir(dir, files_, &error)) return ReadFailed(dir, error);
    for (const auto& file : files_) {
      auto exploded = parse::ExplodeHwmonSensorFile(file.name);
      if (!exploded || !parse::IsHwmonSensorType(exploded->type)) continue;
      // Unreadable files (directories, EIO from a sensor) are skipped, as node_exporter skips them.
      if (!ReadInto(dir + "/" + file.name, buffer_)) continue;
      std::string_view value = buffer_;
      while (!value.empty() && value.front() == '\n') value.remove_prefix(1);
      while (!value.empty() && value.back() == '\n') value.remove_suffix(1);
      data[exploded->type + std::to_string(exploded->id)][exploded->property] = std::string(value);
    }
    return {};
  }

  std::string buffer_;
  std::vector<DirEntry> files_;
};

EXPORTER_REGISTER_COLLECTOR(exporter::Collector, "hwmon", true, HwmonCollector);

}  // namespace
}  // namespace node
