#include "exporter/text_format.h"

#include <libdeflate.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <memory>
#include <mutex>
#include <stdexcept>

#include "exporter/strings.h"

namespace exporter {

namespace {

const char* TypeName(prometheus::MetricType type) {
  switch (type) {
    case prometheus::MetricType::Counter: return "counter";
    case prometheus::MetricType::Gauge: return "gauge";
    case prometheus::MetricType::Summary: return "summary";
    case prometheus::MetricType::Histogram: return "histogram";
    default: return "untyped";
  }
}

void AppendEscaped(std::string& out, const std::string& text, bool quote) {
  for (char c : text) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '"':
        if (quote) {
          out += "\\\"";
          break;
        }
        [[fallthrough]];
      default: out.push_back(c);
    }
  }
}

void AppendLabels(std::string& out, const std::vector<prometheus::ClientMetric::Label>& labels, const char* extra_name,
                  const std::string* extra_value) {
  if (labels.empty() && !extra_name) return;
  out.push_back('{');
  bool first = true;
  for (const auto& label : labels) {
    if (!first) out.push_back(',');
    first = false;
    out += label.name;
    out += "=\"";
    AppendEscaped(out, label.value, true);
    out.push_back('"');
  }
  if (extra_name) {
    if (!first) out.push_back(',');
    out += extra_name;
    out += "=\"";
    out += *extra_value;
    out.push_back('"');
  }
  out.push_back('}');
}

void AppendSample(std::string& out, const std::string& name, const char* suffix, const prometheus::ClientMetric& metric,
                  double value, const char* extra_name = nullptr, const std::string* extra_value = nullptr) {
  out += name;
  if (suffix) out += suffix;
  AppendLabels(out, metric.label, extra_name, extra_value);
  out.push_back(' ');
  AppendNumber(out, value);
  out.push_back('\n');
}

}  // namespace

void AppendNumber(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
  } else if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
  } else {
    char buffer[32];
    auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
    out.append(buffer, result.ptr);
  }
}

std::string SerializeText(const Families& families) {
  std::vector<const prometheus::MetricFamily*> sorted;
  sorted.reserve(families.size());
  size_t samples = 0;
  for (const auto& family : families) {
    if (family.metric.empty()) continue;
    sorted.push_back(&family);
    samples += family.metric.size();
  }
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) { return a->name < b->name; });
  std::string out;
  out.reserve(samples * 80 + sorted.size() * 100);
  const std::string* previous = nullptr;
  for (const auto* family : sorted) {
    if (!previous || *previous != family->name) {
      if (!family->help.empty()) {
        out += "# HELP ";
        out += family->name;
        out.push_back(' ');
        AppendEscaped(out, family->help, false);
        out.push_back('\n');
      }
      out += "# TYPE ";
      out += family->name;
      out.push_back(' ');
      out += TypeName(family->type);
      out.push_back('\n');
    }
    previous = &family->name;
    for (const auto& metric : family->metric) {
      switch (family->type) {
        case prometheus::MetricType::Counter:
          AppendSample(out, family->name, nullptr, metric, metric.counter.value);
          break;
        case prometheus::MetricType::Gauge: AppendSample(out, family->name, nullptr, metric, metric.gauge.value); break;
        case prometheus::MetricType::Histogram: {
          std::string le;
          bool has_inf = false;
          for (const auto& bucket : metric.histogram.bucket) {
            le.clear();
            AppendNumber(le, bucket.upper_bound);
            has_inf |= std::isinf(bucket.upper_bound);
            AppendSample(out, family->name, "_bucket", metric, static_cast<double>(bucket.cumulative_count), "le", &le);
          }
          if (!has_inf) {
            le = "+Inf";
            AppendSample(out, family->name, "_bucket", metric, static_cast<double>(metric.histogram.sample_count), "le",
                         &le);
          }
          AppendSample(out, family->name, "_sum", metric, metric.histogram.sample_sum);
          AppendSample(out, family->name, "_count", metric, static_cast<double>(metric.histogram.sample_count));
          break;
        }
        case prometheus::MetricType::Summary: {
          std::string quantile;
          for (const auto& q : metric.summary.quantile) {
            quantile.clear();
            AppendNumber(quantile, q.quantile);
            AppendSample(out, family->name, nullptr, metric, q.value, "quantile", &quantile);
          }
          AppendSample(out, family->name, "_sum", metric, metric.summary.sample_sum);
          AppendSample(out, family->name, "_count", metric, static_cast<double>(metric.summary.sample_count));
          break;
        }
        default: AppendSample(out, family->name, nullptr, metric, metric.untyped.value); break;
      }
    }
  }
  return out;
}


namespace {
// One compressor kept for the life of the process: a fresh one is 200 kB of
// new pages whose faults cost more than the compression itself. A request that
// finds it busy (concurrent scrapes) uses a temporary one.
struct SharedCompressor {
  std::mutex mutex;
  libdeflate_compressor* compressor = libdeflate_alloc_compressor(1);
};
}  // namespace

std::string GzipCompress(std::string_view data) {
  // libdeflate at its fastest level: several times faster than zlib's fastest
  // on an exposition, and smaller output.
  static SharedCompressor shared;
  std::unique_lock lock(shared.mutex, std::try_to_lock);
  std::unique_ptr<libdeflate_compressor, decltype(&libdeflate_free_compressor)> temporary(
      nullptr, &libdeflate_free_compressor);
  libdeflate_compressor* compressor = lock.owns_lock() ? shared.compressor : nullptr;
  if (!compressor) {
    temporary.reset(libdeflate_alloc_compressor(1));
    compressor = temporary.get();
  }
  if (!compressor) throw std::runtime_error("libdeflate_alloc_compressor failed");
  std::string out(libdeflate_gzip_compress_bound(compressor, data.size()), '\0');
  size_t size = libdeflate_gzip_compress(compressor, data.data(), data.size(), out.data(), out.size());
  if (size == 0) throw std::runtime_error("gzip compression failed");
  out.resize(size);
  return out;
}

bool AcceptsGzip(const char* accept_encoding) {
  if (!accept_encoding) return false;
  for (auto part : Split(accept_encoding, ',')) {
    auto params = Split(part, ';');
    auto coding = Trim(params[0]);
    if (coding != "gzip" && coding != "*") continue;
    bool refused = false;
    for (size_t i = 1; i < params.size(); ++i) {
      auto param = Trim(params[i]);
      if (StartsWith(param, "q=")) {
        auto q = ParseDouble(param.substr(2));
        refused = q && *q == 0;
      }
    }
    if (!refused) return true;
  }
  return false;
}

}  // namespace exporter
