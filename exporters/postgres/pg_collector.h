#pragma once

#include <cmath>
#include <limits>
#include <pqxx/result>
#include <string>
#include <vector>

#include "exporter/collector.h"
#include "exporter/metrics.h"
#include "exporter/status.h"
#include "exporter/strings.h"

namespace postgres {

using exporter::Families;
using exporter::Labels;
using exporter::Status;

// What a collector knows of the server it maps results for: the labels every
// series of that server carries (server=..., constant labels) and its version.
class PgContext {
 public:
  PgContext(const Labels& server_labels, int server_version)
      : server_labels_(server_labels), server_version_(server_version) {}

  const Labels& server_labels() const { return server_labels_; }
  // The given labels followed by the server's.
  Labels WithServer(Labels labels) const {
    labels.insert(labels.end(), server_labels_.begin(), server_labels_.end());
    return labels;
  }
  int server_version() const { return server_version_; }  // e.g. 150018

 private:
  const Labels& server_labels_;
  int server_version_;
};

// The base of this exporter's collectors: one per file under collectors/,
// registered with EXPORTER_REGISTER_COLLECTOR(postgres::PgCollector, ...).
// A collector names its statements; the server sends the statements of all
// collectors in one round trip (a libpqxx pipeline) and hands each collector
// its results. Collectors keep no state between scrapes.
class PgCollector {
 public:
  virtual ~PgCollector() = default;
  virtual std::vector<std::string> Queries(const PgContext& ctx) const = 0;
  // results[i] is the result of Queries()[i].
  virtual Status Collect(const PgContext& ctx, const std::vector<pqxx::result>& results, Families& out) = 0;
};

using PgCollectorRegistry = exporter::CollectorRegistry<PgCollector>;

// A numeric column: NULL or unparsable -> NaN.
inline double FieldDouble(const pqxx::field& field) {
  if (field.is_null()) return std::numeric_limits<double>::quiet_NaN();
  auto value = exporter::ParseDouble(field.c_str());
  return value ? *value : std::numeric_limits<double>::quiet_NaN();
}

// A label column: NULL -> "".
inline std::string FieldText(const pqxx::field& field) { return field.is_null() ? std::string() : field.c_str(); }

}  // namespace postgres
