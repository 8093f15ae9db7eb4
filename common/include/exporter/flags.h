#pragma once

#include <climits>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace exporter {

// The values an integer flag accepts.
struct IntRange {
  int min = INT_MIN;
  int max = INT_MAX;
};

// What a collector needs to add its own flags, without CLI11's header: that
// header defines global validator objects whose code every including file
// compiled again (most of the build time when every collector included it).
// Code that needs more of CLI11 includes it and uses app().
class Flags {
 public:
  // group: the heading the flags are listed under in --help.
  Flags(CLI::App& app, std::string group) : app_(app), group_(std::move(group)) {}

  // --name VALUE. names as CLI11 spells them ("--a,--b"); the target's value
  // before parsing is its default, shown in --help.
  void Option(const std::string& names, std::string& target, const std::string& help);
  void Option(const std::string& names, std::vector<std::string>& target, const std::string& help);
  void Option(const std::string& names, int& target, const std::string& help, IntRange range = {});
  void Option(const std::string& names, double& target, const std::string& help);
  // A boolean; "--x,!--no-x" gives both spellings.
  void Flag(const std::string& names, bool& target, const std::string& help);

  CLI::App& app() const { return app_; }

 private:
  CLI::App& app_;
  std::string group_;
};

}  // namespace exporter
