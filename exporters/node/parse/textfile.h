#pragma once

// The Prometheus text exposition format as node_exporter's textfile collector
// reads it (expfmt.TextParser): HELP/TYPE comments, samples with labels and an
// optional timestamp. A pure function over the file's content.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "exporter/status.h"

namespace node::parse {

struct TextSample {
  std::string name;  // as written: "h_bucket", "s_sum", ...
  std::vector<std::pair<std::string, std::string>> labels;
  double value = 0;
  bool has_timestamp = false;
};

struct TextFamily {
  std::string name;
  std::string help;
  bool has_help = false;
  std::string type = "untyped";  // counter, gauge, untyped, summary, histogram
  std::vector<TextSample> samples;
};

exporter::Expected<std::vector<TextFamily>> ParseTextFormat(std::string_view content);

}  // namespace node::parse
