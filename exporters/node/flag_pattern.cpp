#include "flag_pattern.h"

#include <regex>

#include "exporter/log.h"

namespace node {

struct FlagPattern::Regex {
  std::regex regex;
};

FlagPattern::FlagPattern(const std::string& flag, const std::string& pattern) {
  if (pattern.empty()) return;
  try {
    regex_ = std::make_shared<const Regex>(Regex{std::regex(pattern, std::regex::ECMAScript | std::regex::optimize)});
  } catch (const std::regex_error& e) {
    exporter::log::Error("invalid regular expression, ignored", {{"flag", flag}, {"err", e.what()}});
  }
}

bool FlagPattern::Search(std::string_view text) const {
  return regex_ && std::regex_search(text.begin(), text.end(), regex_->regex);
}

}  // namespace node
