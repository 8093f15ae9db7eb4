#include <array>
#include <map>
#include <optional>

#include "collectors/part1_util.h"
#include "collectors/util.h"
#include "exporter/collector.h"
#include "exporter/metrics.h"
#include "node_context.h"
#include "parse/part1_sysfs.h"

namespace node {
namespace {

// /sys/devices/system/cpu/cpuN/cpufreq, as node_exporter 1.5 reads it: the
// frequencies in kHz (absent or unreadable ones skipped), and the text
// attributes every cpufreq driver has, whose absence fails the collector.
struct Frequency {
  const char* file;
  const char* metric;
  const char* help;
};
const Frequency kFrequencies[] = {
    {"cpuinfo_cur_freq", "node_cpu_frequency_hertz", "Current cpu thread frequency in hertz."},
    {"cpuinfo_max_freq", "node_cpu_frequency_max_hertz", "Maximum cpu thread frequency in hertz."},
    {"cpuinfo_min_freq", "node_cpu_frequency_min_hertz", "Minimum cpu thread frequency in hertz."},
    {"cpuinfo_transition_latency", nullptr, nullptr},
    {"scaling_cur_freq", "node_cpu_scaling_frequency_hertz", "Current scaled CPU thread frequency in hertz."},
    {"scaling_max_freq", "node_cpu_scaling_frequency_max_hertz", "Maximum scaled CPU thread frequency in hertz."},
    {"scaling_min_freq", "node_cpu_scaling_frequency_min_hertz", "Minimum scaled CPU thread frequency in hertz."},
};
constexpr size_t kFrequencyCount = sizeof(kFrequencies) / sizeof(kFrequencies[0]);
const char* const kRequiredText[] = {"scaling_available_governors", "scaling_driver", "scaling_governor",
                                     "related_cpus", "scaling_setspeed"};

class CpufreqCollector : public exporter::Collector {
 public:
  exporter::Status Collect(exporter::Families& out) override {
    std::string base = SysPath("devices/system/cpu");
    std::array<size_t, kFrequencyCount> family{};
    for (size_t i = 0; i < kFrequencyCount; ++i) {
      if (!kFrequencies[i].metric) continue;
      family[i] = out.size();
      exporter::Gauge(out, kFrequencies[i].metric, kFrequencies[i].help);
    }
    for (const auto& cpu : GlobNumbered(base, "cpu")) {
      std::string dir = base + "/" + cpu + "/cpufreq/";
      struct stat st;
      if (stat(dir.c_str(), &st) != 0) {
        if (errno == ENOENT) continue;
        return ReadFailed(dir, errno);
      }
      std::array<std::optional<uint64_t>, kFrequencyCount> values;
      for (size_t i = 0; i < kFrequencyCount; ++i) {
        int error = 0;
        if (!ReadInto(dir + kFrequencies[i].file, buffer_, &error)) {
          if (error == ENOENT || error == EACCES || error == EPERM) continue;
          return ReadFailed(dir + kFrequencies[i].file, error);
        }
        auto khz = parse::ParseDecimalUint(buffer_);
        if (!khz) return exporter::Status::Error(dir + kFrequencies[i].file + ": " + khz.error());
        values[i] = *khz;
      }
      // The driver's text attributes exist as long as its policy directory does:
      // checked once per policy directory (a re-created one has a new inode).
      auto& checked = checked_[cpu];
      if (checked.first != st.st_dev || checked.second != st.st_ino) {
        for (const char* file : kRequiredText) {
          int error = 0;
          if (!ReadInto(dir + file, buffer_, &error)) return ReadFailed(dir + file, error);
        }
        checked = {st.st_dev, st.st_ino};
      }
      std::string name = cpu.substr(3);
      for (size_t i = 0; i < kFrequencyCount; ++i) {
        if (!kFrequencies[i].metric || !values[i]) continue;
        auto& metric = out[family[i]].metric.emplace_back();
        metric.gauge.value = static_cast<double>(*values[i]) * 1000.0;
        metric.label.push_back({"cpu", name});
      }
    }
    return {};
  }

 private:
  std::string buffer_;
  std::map<std::string, std::pair<dev_t, ino_t>> checked_;
};

EXPORTER_REGISTER_COLLECTOR(exporter::Collector, "cpufreq", true, CpufreqCollector);

}  // namespace
}  // namespace node
