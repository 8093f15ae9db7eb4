#pragma once

#include <memory>
#include <mutex>

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
  std::unique_ptr<Databases> databases;

  // Validates the settings (a --config.file may supply the target), reads and
  // resolves the databases. An error here ends the program.
  Status Start();
  // Re-reads --config.file and --mattermost.config (SIGHUP, POST /-/reload):
  // the databases, and the target when the file names it. All or nothing: a
  // file that cannot be read or is invalid keeps the whole previous config.
  Status Reload();
  // The current target resolver (a reload may replace it).
  std::shared_ptr<TargetResolver> Target();

 private:
  Expected<TargetSpec> ReadTargetSpec() const;

  TargetSpec flag_target_;  // as the flags gave it, before --config.file filled it in
  std::mutex target_mutex_;
  std::shared_ptr<TargetResolver> target_;
};

Runtime& GlobalRuntime();

}  // namespace exporter::mattermost
