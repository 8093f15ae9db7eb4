#pragma once

#include <memory>

#include "databases.h"
#include "exporter/status.h"
#include "settings.h"
#include "target.h"

namespace exporter::mattermost {

// The state the collectors share: the flags, the target resolver and the
// database endpoints. main() fills the settings through AddFlags, then calls
// Start() once before the collectors are created.
struct Runtime {
  Settings settings;
  std::unique_ptr<TargetResolver> target;
  std::unique_ptr<Databases> databases;

  // Validates the settings (a --config.file may supply the target), reads and
  // resolves the databases. An error here ends the program.
  Status Start();
};

Runtime& GlobalRuntime();

}  // namespace exporter::mattermost
