#pragma once

// Families keyed by name for collectors whose family set depends on the data
// (hwmon, power_supply, rapl): each family is created once per scrape, on its
// first sample.

#include <map>
#include <string>
#include <utility>

#include "exporter/metrics.h"

namespace node {

class FamilySet {
 public:
  explicit FamilySet(exporter::Families& out) : out_(out) {}

  void Add(const std::string& name, const std::string& help, prometheus::MetricType type, double value,
           exporter::Labels labels) {
    auto [it, inserted] = index_.try_emplace(name, out_.size());
    if (inserted) {
      auto& family = out_.emplace_back();
      family.name = name;
      family.help = help;
      family.type = type;
    }
    auto& metric = out_[it->second].metric.emplace_back();
    if (type == prometheus::MetricType::Counter) {
      metric.counter.value = value;
    } else if (type == prometheus::MetricType::Untyped) {
      metric.untyped.value = value;
    } else {
      metric.gauge.value = value;
    }
    metric.label.reserve(labels.size());
    for (auto& [label, label_value] : labels) metric.label.push_back({std::move(label), std::move(label_value)});
  }
  void Gauge(const std::string& name, const std::string& help, double value, exporter::Labels labels) {
    Add(name, help, prometheus::MetricType::Gauge, value, std::move(labels));
  }

 private:
  exporter::Families& out_;
  std::map<std::string, size_t> index_;
};

}  // namespace node
