#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "exporter/flags.h"
#include "exporter/metrics.h"
#include "exporter/status.h"

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace exporter {

// The collector of node- and process-style exporters: reads its sources and
// appends families. Database exporters define their own base class (taking a
// connection) and use the same registry template below.
class Collector {
 public:
  virtual ~Collector() = default;
  virtual Status Collect(Families& out) = 0;
};

// A registry of collector kinds for one base class. Each collector's .cpp file
// registers itself with EXPORTER_REGISTER_COLLECTOR; the registry turns the
// registrations into --PREFIX.NAME / --no-PREFIX.NAME flags and instances.
template <class Base>
class CollectorRegistry {
 public:
  struct Entry {
    std::string name;
    bool enabled_by_default = true;
    std::function<std::unique_ptr<Base>()> create;
    // Adds the collector's own flags (--collector.NAME.something); may be empty.
    std::function<void(Flags&)> add_flags;
  };

  static CollectorRegistry& Instance() {
    static CollectorRegistry registry;
    return registry;
  }

  bool Register(Entry entry) {
    entries_[entry.name] = std::move(entry);
    return true;
  }
  const std::map<std::string, Entry>& entries() const { return entries_; }

 private:
  std::map<std::string, Entry> entries_;
};

template <class Base>
struct CollectorRegistrar {
  CollectorRegistrar(std::string name, bool enabled_by_default, std::function<std::unique_ptr<Base>()> create,
                     std::function<void(Flags&)> add_flags = {}) {
    CollectorRegistry<Base>::Instance().Register(
        {std::move(name), enabled_by_default, std::move(create), std::move(add_flags)});
  }
};

#define EXPORTER_CONCAT_INNER(a, b) a##b
#define EXPORTER_CONCAT(a, b) EXPORTER_CONCAT_INNER(a, b)

// EXPORTER_REGISTER_COLLECTOR(exporter::Collector, "loadavg", true, LoadavgCollector[, add_flags])
#define EXPORTER_REGISTER_COLLECTOR(Base, name, enabled_by_default, Type, ...)                      \
  static const ::exporter::CollectorRegistrar<Base> EXPORTER_CONCAT(collector_registrar_, __LINE__)( \
      name, enabled_by_default, [] { return std::unique_ptr<Base>(std::make_unique<Type>()); }      \
      __VA_OPT__(, ) __VA_ARGS__)

// The on/off state of each registered collector, bound to CLI flags.
class CollectorSelection {
 public:
  // flag_prefix is "collector" (node, postgres) or "collect" (mysqld).
  CollectorSelection(std::string flag_prefix, bool with_disable_defaults);

  template <class Base>
  void AddFlags(CLI::App& app, const CollectorRegistry<Base>& registry) {
    for (const auto& [name, entry] : registry.entries()) {
      AddFlag(app, name, entry.enabled_by_default);
      if (entry.add_flags) {
        Flags flags(app, "Collector " + name);
        entry.add_flags(flags);
      }
    }
    AddDisableDefaults(app);
  }

  // After parsing: the names that are on.
  std::vector<std::string> Enabled() const;
  bool IsEnabled(const std::string& name) const;
  bool IsKnown(const std::string& name) const { return states_.count(name) > 0; }

 private:
  struct State {
    bool enabled_by_default;
    bool value;
    CLI::Option* option = nullptr;
  };
  void AddFlag(CLI::App& app, const std::string& name, bool enabled_by_default);
  void AddDisableDefaults(CLI::App& app);

  std::string flag_prefix_;
  bool with_disable_defaults_;
  bool disable_defaults_ = false;
  std::map<std::string, State> states_;
};

// Creates the enabled collectors of a registry, keyed by name.
template <class Base>
std::map<std::string, std::unique_ptr<Base>> CreateEnabledCollectors(const CollectorRegistry<Base>& registry,
                                                                     const CollectorSelection& selection) {
  std::map<std::string, std::unique_ptr<Base>> collectors;
  for (const auto& [name, entry] : registry.entries()) {
    if (selection.IsEnabled(name)) collectors.emplace(name, entry.create());
  }
  return collectors;
}

}  // namespace exporter
