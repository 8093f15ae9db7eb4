#include "runtime.h"

#include "exporter/config_file.h"
#include "exporter/log.h"

namespace exporter::mattermost {

Runtime& GlobalRuntime() {
  static Runtime runtime;
  return runtime;
}

Expected<TargetSpec> Runtime::ReadTargetSpec() const {
  TargetSpec spec = flag_target_;
  if (!settings.config_file.empty()) {
    auto file = OptionFile::Read(settings.config_file);
    if (!file) return file.status();
    if (auto status = ApplyTargetOptions(*file, spec); !status) return status;
  }
  return spec;
}

Status Runtime::Start() {
  flag_target_ = settings.target;
  auto spec = ReadTargetSpec();
  if (!spec) return spec.status();
  settings.target = *spec;
  if (auto status = ValidateSettings(settings); !status) return status;
  {
    std::lock_guard lock(target_mutex_);
    target_ = std::make_shared<TargetResolver>(settings.procfs_root, settings.target);
  }
  databases = std::make_unique<Databases>(settings);
  if (auto status = databases->Start(); !status) return status;
  log::Info("watching application process", {{"target", Target()->Describe()}, {"procfs", settings.procfs_root}});
  return {};
}

Status Runtime::Reload() {
  // Everything is read and checked before anything is replaced.
  auto spec = ReadTargetSpec();
  if (!spec) return spec.status();
  Settings checked = settings;
  checked.target = *spec;
  if (auto status = ValidateSettings(checked); !status) return status;
  if (auto status = databases->Reload(); !status) return status;
  const TargetSpec& old = settings.target;
  if (spec->pid != old.pid || spec->pidfile != old.pidfile || spec->name != old.name ||
      spec->cmdline != old.cmdline) {
    auto resolver = std::make_shared<TargetResolver>(settings.procfs_root, *spec);
    log::Info("watching application process", {{"target", resolver->Describe()}});
    std::lock_guard lock(target_mutex_);
    settings.target = *spec;  // read only here and at start-up
    target_ = std::move(resolver);
  }
  return {};
}

std::shared_ptr<TargetResolver> Runtime::Target() {
  std::lock_guard lock(target_mutex_);
  return target_;
}

}  // namespace exporter::mattermost
