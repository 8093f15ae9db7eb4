#include <dirent.h>
#include <fcntl.h>
#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <cmath>
#include <cstring>
#include <limits>
#include <set>

#include "collectors/util.h"
#include "exporter/collector.h"
#include "exporter/log.h"
#include "exporter/metrics.h"
#include "node_context.h"
#include "exporter/strings.h"
#include "parse/textfile.h"

namespace node {
namespace {

// Counts in a text file are floats; a negative, NaN or huge one must not reach
// an integer conversion (undefined behaviour). Saturate instead.
uint64_t CountOf(double value) {
  if (!(value > 0)) return 0;
  if (value >= 18446744073709551615.0) return std::numeric_limits<uint64_t>::max();
  return static_cast<uint64_t>(value);
}

std::string textfile_directory = "/var/lib/prometheus/node-exporter";

using parse::TextFamily;

prometheus::MetricType TypeOf(const std::string& type) {
  if (type == "counter") return prometheus::MetricType::Counter;
  if (type == "gauge") return prometheus::MetricType::Gauge;
  if (type == "summary") return prometheus::MetricType::Summary;
  if (type == "histogram") return prometheus::MetricType::Histogram;
  return prometheus::MetricType::Untyped;
}

// A text family as the node_exporter textfile collector re-exposes it: every
// sample carries every label name used in the family (missing ones empty).
prometheus::MetricFamily Convert(const TextFamily& family, const std::string& path) {
  prometheus::MetricFamily out;
  out.name = family.name;
  out.help = family.has_help ? family.help : "Metric read from " + path;
  out.type = TypeOf(family.type);
  std::set<std::string> names;
  for (const auto& sample : family.samples) {
    for (const auto& [k, v] : sample.labels) {
      if ((out.type == prometheus::MetricType::Summary && k == "quantile") ||
          (out.type == prometheus::MetricType::Histogram && k == "le")) {
        continue;
      }
      names.insert(k);
    }
  }
  auto labels_of = [&](const parse::TextSample& sample) {
    std::vector<prometheus::ClientMetric::Label> labels;
    for (const auto& name : names) {
      std::string value;
      for (const auto& [k, v] : sample.labels) {
        if (k == name) value = v;
      }
      labels.push_back({name, value});
    }
    return labels;
  };
  auto label_value = [](const parse::TextSample& sample, const char* key) -> std::string {
    for (const auto& [k, v] : sample.labels) {
      if (k == key) return v;
    }
    return "";
  };
  if (out.type != prometheus::MetricType::Summary && out.type != prometheus::MetricType::Histogram) {
    for (const auto& sample : family.samples) {
      auto& metric = out.metric.emplace_back();
      metric.label = labels_of(sample);
      metric.counter.value = metric.gauge.value = metric.untyped.value = sample.value;
    }
    return out;
  }
  // Summaries and histograms: one metric per label set, built from its samples.
  std::map<std::string, size_t> by_labels;
  for (const auto& sample : family.samples) {
    auto labels = labels_of(sample);
    std::string key;
    for (const auto& label : labels) key += label.name + "=" + label.value + "\xff";
    auto [it, added] = by_labels.emplace(key, out.metric.size());
    if (added) out.metric.emplace_back().label = std::move(labels);
    auto& metric = out.metric[it->second];
    bool is_sum = sample.name == family.name + "_sum", is_count = sample.name == family.name + "_count";
    if (out.type == prometheus::MetricType::Summary) {
      if (is_sum) metric.summary.sample_sum = sample.value;
      else if (is_count) metric.summary.sample_count = CountOf(sample.value);
      else if (auto q = exporter::ParseDouble(label_value(sample, "quantile")))
        metric.summary.quantile.push_back({*q, sample.value});
    } else {
      if (is_sum) metric.histogram.sample_sum = sample.value;
      else if (is_count) metric.histogram.sample_count = CountOf(sample.value);
      else {
        std::string le = label_value(sample, "le");
        double bound = le == "+Inf" || le == "Inf" ? std::numeric_limits<double>::infinity()
                                                   : exporter::ParseDouble(le).value_or(0);
        // The serializer writes the +Inf bucket from the count itself.
        if (!std::isinf(bound)) metric.histogram.bucket.push_back({CountOf(sample.value), bound});
      }
    }
  }
  return out;
}

class TextfileCollector : public exporter::Collector {
 public:
  exporter::Status Collect(exporter::Families& out) override {
    bool errored = false;
    std::vector<std::pair<std::string, double>> mtimes;
    std::map<std::string, size_t> families;  // name -> index in out
    for (const auto& directory : Directories()) {
      DIR* dir = opendir(directory.c_str());
      if (!dir) {
        errored = true;
        Log("failed to read textfile collector directory", directory, std::strerror(errno));
        continue;
      }
      std::vector<std::string> files;
      while (dirent* entry = readdir(dir)) {
        std::string name = entry->d_name;
        if (name.size() > 5 && name.compare(name.size() - 5, 5, ".prom") == 0) files.push_back(std::move(name));
      }
      closedir(dir);
      std::sort(files.begin(), files.end());
      for (const auto& file : files) {
        std::string path = directory + "/" + file;
        if (auto mtime = ProcessFile(path, out, families)) {
          mtimes.emplace_back(path, *mtime);
        } else {
          errored = true;
        }
      }
    }
    if (!mtimes.empty()) {
      auto mtime = exporter::Gauge(out, "node_textfile_mtime_seconds", "Unixtime mtime of textfiles successfully read.");
      for (const auto& [path, seconds] : mtimes) mtime.Add(seconds, {{"file", path}});
    }
    exporter::Gauge(out, "node_textfile_scrape_error", "1 if there was an error opening or reading a file, 0 otherwise")
        .Add(errored ? 1 : 0);
    return {};
  }

 private:
  std::vector<std::string> Directories() {
    if (textfile_directory.empty()) return {};
    std::vector<std::string> directories;
    glob_t matches;
    if (glob(textfile_directory.c_str(), GLOB_ONLYDIR, nullptr, &matches) == 0) {
      for (size_t i = 0; i < matches.gl_pathc; ++i) directories.emplace_back(matches.gl_pathv[i]);
    }
    globfree(&matches);
    if (directories.empty()) directories.push_back(textfile_directory);
    return directories;
  }

  // The file's mtime when it was read and exposed; nullopt (logged) when not.
  std::optional<double> ProcessFile(const std::string& path, exporter::Families& out,
                                    std::map<std::string, size_t>& families) {
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      Log("failed to open textfile data file", path, std::strerror(errno));
      return std::nullopt;
    }
    std::string content;
    bool read_ok = ReadFd(fd, content);
    struct stat st;
    bool stat_ok = fstat(fd, &st) == 0;
    close(fd);
    if (!read_ok || !stat_ok) {
      Log("failed to read textfile data file", path, "read error");
      return std::nullopt;
    }
    auto parsed = parse::ParseTextFormat(content);
    if (!parsed) {
      Log("failed to parse textfile data", path, parsed.error());
      return std::nullopt;
    }
    for (const auto& family : *parsed) {
      for (const auto& sample : family.samples) {
        if (sample.has_timestamp) {
          Log("textfile contains unsupported client-side timestamps, skipping entire file", path, "");
          return std::nullopt;
        }
      }
    }
    for (const auto& family : *parsed) {
      if (family.samples.empty()) continue;
      auto converted = Convert(family, path);
      auto it = families.find(converted.name);
      if (it != families.end()) {
        auto& existing = out[it->second];
        if (existing.type != converted.type) {
          Log("metric family with a different type in another file, skipped", path, converted.name);
          continue;
        }
        for (auto& metric : converted.metric) existing.metric.push_back(std::move(metric));
        continue;
      }
      families.emplace(converted.name, out.size());
      out.push_back(std::move(converted));
    }
    return static_cast<double>(st.st_mtim.tv_sec);
  }

  void Log(const char* msg, const std::string& path, const std::string& err) {
    exporter::log::Error(msg, {{"collector", "textfile"}, {"path", path}, {"err", err}});
  }
};

EXPORTER_REGISTER_COLLECTOR(exporter::Collector, "textfile", true, TextfileCollector, [](exporter::Flags& flags) {
  flags.Option("--collector.textfile.directory", textfile_directory, "Directory to read text files with metrics from.");
});

}  // namespace
}  // namespace node
