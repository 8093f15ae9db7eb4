#include "exporter/collector.h"

#include <CLI/CLI.hpp>

namespace exporter {

CollectorSelection::CollectorSelection(std::string flag_prefix, bool with_disable_defaults)
    : flag_prefix_(std::move(flag_prefix)), with_disable_defaults_(with_disable_defaults) {}

void CollectorSelection::AddFlag(CLI::App& app, const std::string& name, bool enabled_by_default) {
  auto& state = states_[name];
  state.enabled_by_default = enabled_by_default;
  state.value = enabled_by_default;
  std::string flag = "--" + flag_prefix_ + "." + name + ",!--no-" + flag_prefix_ + "." + name;
  state.option = app.add_flag(flag, state.value,
                              "Enable the " + name + " collector (default: " +
                                  (enabled_by_default ? "enabled" : "disabled") + ")");
  state.option->group("Collectors");
}

void CollectorSelection::AddDisableDefaults(CLI::App& app) {
  if (!with_disable_defaults_ || app.get_option_no_throw("--" + flag_prefix_ + ".disable-defaults")) return;
  app.add_flag("--" + flag_prefix_ + ".disable-defaults", disable_defaults_,
               "Set all collectors to disabled by default.")
      ->group("Collectors");
}

bool CollectorSelection::IsEnabled(const std::string& name) const {
  auto it = states_.find(name);
  if (it == states_.end()) return false;
  const State& state = it->second;
  bool given = state.option && state.option->count() > 0;
  if (given) return state.value;
  return disable_defaults_ ? false : state.enabled_by_default;
}

std::vector<std::string> CollectorSelection::Enabled() const {
  std::vector<std::string> names;
  for (const auto& [name, state] : states_) {
    if (IsEnabled(name)) names.push_back(name);
  }
  return names;
}

}  // namespace exporter
