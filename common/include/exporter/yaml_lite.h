#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "exporter/status.h"

namespace exporter {

// The subset of YAML that exporter configs use: block mappings and sequences,
// flow sequences ([a, b]), plain, single- and double-quoted scalars, comments.
// Anchors, tags, multi-document streams and block scalars (| >) are rejected
// with the line that uses them.
struct YamlNode {
  enum class Kind { kNull, kScalar, kMap, kList };
  struct Entry;  // a key and its value; a std::pair of an incomplete type is not allowed here

  Kind kind = Kind::kNull;
  std::string scalar;
  std::vector<Entry> map;
  std::vector<YamlNode> list;
  int line = 0;

  const YamlNode* Find(std::string_view key) const;
};

struct YamlNode::Entry {
  std::string first;
  YamlNode second;
};

Expected<YamlNode> ParseYaml(std::string_view text);

}  // namespace exporter
