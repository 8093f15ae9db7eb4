#pragma once
// Running a registered node collector in a unit test and reading its output.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>

#include "exporter/collector.h"
#include "exporter/metrics.h"

namespace node::test_support {

// The checked-in fixture tree, tests/fixtures/node, and a path in it. (Appended
// piece by piece: GCC 12 warns falsely on string(LITERAL) + "...".)
inline std::string FixtureRoot() {
  std::string root = TEST_SOURCE_DIR;
  root += "/fixtures/node";
  return root;
}
inline std::string FixturePath(const std::string& relative) {
  std::string path = FixtureRoot();
  path += '/';
  path += relative;
  return path;
}

// A fixture file's content ("" when it does not exist).
inline std::string Fixture(const std::string& relative) {
  std::ifstream in(FixturePath(relative));
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

// Creates the registered collector `name`, collects into out (normalised, as a scrape would).
inline exporter::Status RunCollector(const std::string& name, exporter::Families& out) {
  auto& entries = exporter::CollectorRegistry<exporter::Collector>::Instance().entries();
  auto it = entries.find(name);
  EXPECT_NE(it, entries.end()) << name;
  if (it == entries.end()) return exporter::Status::Error("not registered");
  auto status = it->second.create()->Collect(out);
  exporter::NormalizeFamilies(out);
  return status;
}

inline const prometheus::MetricFamily* FindFamily(const exporter::Families& families, const std::string& name) {
  for (const auto& family : families) {
    if (family.name == name) return &family;
  }
  return nullptr;
}

// The value of the first sample of `name` whose labels include all of `want`; NaN when none.
inline double SampleValue(const exporter::Families& families, const std::string& name,
                          const exporter::Labels& want = {}) {
  const auto* family = FindFamily(families, name);
  if (!family) return std::nan("");
  for (const auto& metric : family->metric) {
    bool match = true;
    for (const auto& [key, value] : want) {
      bool found = false;
      for (const auto& label : metric.label) found |= label.name == key && label.value == value;
      match &= found;
    }
    if (!match) continue;
    switch (family->type) {
      case prometheus::MetricType::Counter:
        return metric.counter.value;
      case prometheus::MetricType::Untyped:
        return metric.untyped.value;
      default:
        return metric.gauge.value;
    }
  }
  return std::nan("");
}

}  // namespace node::test_support
