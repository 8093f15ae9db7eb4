#include "exporter/metrics.h"

#include <algorithm>

namespace exporter {

FamilyBuilder::FamilyBuilder(Families& out, std::string name, std::string help, prometheus::MetricType type)
    : out_(out), index_(out.size()) {
  prometheus::MetricFamily family;
  family.name = std::move(name);
  family.help = std::move(help);
  family.type = type;
  out_.push_back(std::move(family));
}

prometheus::ClientMetric& FamilyBuilder::NewMetric(double value) {
  auto& family = out_[index_];
  auto& metric = family.metric.emplace_back();
  switch (family.type) {
    case prometheus::MetricType::Counter: metric.counter.value = value; break;
    case prometheus::MetricType::Gauge: metric.gauge.value = value; break;
    default: metric.untyped.value = value; break;
  }
  return metric;
}

FamilyBuilder& FamilyBuilder::Add(double value,
                                  std::initializer_list<std::pair<std::string_view, std::string_view>> labels) {
  auto& metric = NewMetric(value);
  metric.label.reserve(labels.size());
  for (const auto& [name, label_value] : labels) {
    metric.label.push_back({std::string(name), std::string(label_value)});
  }
  return *this;
}

FamilyBuilder& FamilyBuilder::Add(double value, const Labels& labels) {
  auto& metric = NewMetric(value);
  metric.label.reserve(labels.size());
  for (const auto& [name, label_value] : labels) metric.label.push_back({name, label_value});
  return *this;
}

void NormalizeFamilies(Families& families) {
  std::stable_sort(families.begin(), families.end(),
                   [](const auto& a, const auto& b) { return a.name < b.name; });
  size_t write = 0;
  for (size_t read = 0; read < families.size(); ++read) {
    if (families[read].metric.empty()) continue;
    if (write > 0 && families[write - 1].name == families[read].name) {
      auto& target = families[write - 1].metric;
      auto& source = families[read].metric;
      target.insert(target.end(), std::make_move_iterator(source.begin()), std::make_move_iterator(source.end()));
      continue;
    }
    if (write != read) families[write] = std::move(families[read]);
    ++write;
  }
  families.resize(write);
}

}  // namespace exporter
