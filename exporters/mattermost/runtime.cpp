#include "runtime.h"

#include "exporter/config_file.h"
#include "exporter/log.h"

namespace exporter::mattermost {

Runtime& GlobalRuntime() {
  static Runtime runtime;
  return runtime;
}

Status Runtime::Start() {
  if (!settings.config_file.empty()) {
    auto file = OptionFile::Read(settings.config_file);
    if (!file) return file.status();
    if (auto status = ApplyTargetOptions(*file, settings.target); !status) return status;
  }
  if (auto status = ValidateSettings(settings); !status) return status;
  target = std::make_unique<TargetResolver>(settings.procfs_root, settings.target);
  databases = std::make_unique<Databases>(settings);
  if (auto status = databases->Start(); !status) return status;
  log::Info("watching application process", {{"target", target->Describe()}, {"procfs", settings.procfs_root}});
  return {};
}

}  // namespace exporter::mattermost
