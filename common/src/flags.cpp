#include "exporter/flags.h"

#include <CLI/CLI.hpp>

namespace exporter {

void Flags::Option(const std::string& names, std::string& target, const std::string& help) {
  app_.add_option(names, target, help)->capture_default_str()->group(group_);
}

void Flags::Option(const std::string& names, std::vector<std::string>& target, const std::string& help) {
  app_.add_option(names, target, help)->group(group_);
}

void Flags::Option(const std::string& names, int& target, const std::string& help, IntRange range) {
  auto* option = app_.add_option(names, target, help)->capture_default_str()->group(group_);
  if (range.min != INT_MIN || range.max != INT_MAX) option->check(CLI::Range(range.min, range.max));
}

void Flags::Option(const std::string& names, double& target, const std::string& help) {
  app_.add_option(names, target, help)->capture_default_str()->group(group_);
}

void Flags::Flag(const std::string& names, bool& target, const std::string& help) {
  app_.add_flag(names, target, help)->capture_default_str()->group(group_);
}

}  // namespace exporter
