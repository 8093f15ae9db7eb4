#pragma once

#include <prometheus/metric_family.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace exporter {

using Families = std::vector<prometheus::MetricFamily>;
using Labels = std::vector<std::pair<std::string, std::string>>;

// Builds one family at a time into a Families vector:
//   FamilyBuilder f(out, "node_load1", "1m load average.", MetricType::Gauge);
//   f.Add(0.5);
class FamilyBuilder {
 public:
  FamilyBuilder(Families& out, std::string name, std::string help, prometheus::MetricType type);

  FamilyBuilder& Add(double value, std::initializer_list<std::pair<std::string_view, std::string_view>> labels = {});
  FamilyBuilder& Add(double value, const Labels& labels);
  prometheus::MetricFamily& family() { return out_[index_]; }

 private:
  prometheus::ClientMetric& NewMetric(double value);
  Families& out_;
  size_t index_;
};

inline FamilyBuilder Gauge(Families& out, std::string name, std::string help) {
  return FamilyBuilder(out, std::move(name), std::move(help), prometheus::MetricType::Gauge);
}
inline FamilyBuilder Counter(Families& out, std::string name, std::string help) {
  return FamilyBuilder(out, std::move(name), std::move(help), prometheus::MetricType::Counter);
}
inline FamilyBuilder Untyped(Families& out, std::string name, std::string help) {
  return FamilyBuilder(out, std::move(name), std::move(help), prometheus::MetricType::Untyped);
}

// Sorts families by name, merges those sharing a name and drops empty ones, so
// the text output has each family once (collectors running in parallel may
// each add to one) and no HELP/TYPE without samples, as the Go exporters print.
void NormalizeFamilies(Families& families);

}  // namespace exporter
