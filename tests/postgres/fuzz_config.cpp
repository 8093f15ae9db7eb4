// postgres_exporter's configuration (exporters/postgres/config.h): libpq
// parameters of the [client] / [client.NAME] groups of a my.cnf-style file, and
// the reference's environment variables. Input: the config file; its [env]
// group, when present, stands for the environment (DATA_SOURCE_NAME, ...;
// the *_FILE variants are never set, so nothing is read from disk).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "config.h"
#include "exporter/config_file.h"
#include "../fuzz/fuzz_inputs.h"

namespace {

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (fuzz::HasInclude(text)) return 0;
  auto file = exporter::OptionFile::Parse(text, "fuzz.cnf");
  if (!file) return 0;
  for (const auto& group : file->GroupNames()) {
    if (group != "client" && group.rfind("client.", 0) != 0) continue;
    auto params = postgres::ParamsFromGroup(file->Group(group));
    if (params) (void)postgres::MaskedDsn(*params);
  }
  auto env_group = file->Group("env");
  postgres::EnvLookup env = [&](const std::string& name) -> std::optional<std::string> {
    if (name.size() >= 5 && name.compare(name.size() - 5, 5, "_FILE") == 0) return std::nullopt;
    auto value = env_group.Get(name);
    if (!value || value->empty()) return std::nullopt;
    if (value->find('\0') != std::string::npos) return std::nullopt;
    return value;
  };
  std::string origin;
  auto sources = postgres::DataSourcesFromEnv(env, origin);
  if (sources) {
    for (const auto& params : *sources) (void)postgres::ServerLabel(params);
  }
  return 0;
}
