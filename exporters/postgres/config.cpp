#include "config.h"

#include <cstdlib>

#include "exporter/strings.h"

namespace postgres {

using exporter::Expected;
using exporter::Status;

EnvLookup ProcessEnvironment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (!value || !*value) return std::nullopt;
    return std::string(value);
  };
}

namespace {
// The variable's value, or the trimmed content of the file VAR_FILE names.
Expected<std::optional<std::string>> FromFile(const EnvLookup& env, const std::string& name) {
  auto path = env(name + "_FILE");
  if (!path) return std::optional<std::string>();
  auto content = exporter::ReadFile(*path);
  if (!content) return Status::Error("cannot read " + name + "_FILE " + *path);
  return std::optional<std::string>(std::string(exporter::Trim(*content)));
}
}  // namespace

Expected<std::vector<ConnParams>> DataSourcesFromEnv(const EnvLookup& env, std::string& origin) {
  std::optional<std::string> names = env("DATA_SOURCE_NAME");
  origin = "DATA_SOURCE_NAME";
  if (!names) {
    auto from_file = FromFile(env, "DATA_SOURCE_NAME");
    if (!from_file) return from_file.status();
    names = *from_file;
    origin = "DATA_SOURCE_NAME_FILE";
  }
  std::vector<ConnParams> out;
  if (names) {
    for (const auto& dsn : SplitDsnList(*names)) {
      auto params = ParseDsn(dsn);
      if (!params) return Status::Error(origin + ": " + params.error());
      out.push_back(std::move(*params));
    }
    return out;
  }
  std::optional<std::string> parts[3];
  const char* variables[3] = {"DATA_SOURCE_URI", "DATA_SOURCE_USER", "DATA_SOURCE_PASS"};
  for (int i = 0; i < 3; ++i) {
    auto from_file = FromFile(env, variables[i]);
    if (!from_file) return from_file.status();
    parts[i] = *from_file ? *from_file : env(variables[i]);
  }
  if (!parts[0]) return out;
  origin = "DATA_SOURCE_URI";
  std::string uri = *parts[0];
  if (uri.find("://") == std::string::npos) uri = "postgresql://" + uri;
  auto params = ParseDsn(uri);
  if (!params) return Status::Error("DATA_SOURCE_URI: " + params.error());
  if (parts[1]) (*params)["user"] = *parts[1];
  if (parts[2]) (*params)["password"] = *parts[2];
  out.push_back(std::move(*params));
  return out;
}

Expected<ConnParams> ParamsFromGroup(const exporter::OptionGroup& group) {
  ConnParams params;
  for (const auto& [normalized, value] : group.values()) {
    std::string keyword = normalized;
    for (char& c : keyword) {
      if (c == '-') c = '_';
    }
    if (keyword == "database") keyword = "dbname";
    if (!IsLibpqKeyword(keyword)) {
      return Status::Error("unknown libpq keyword \"" + keyword + "\" at " + group.Origin(normalized));
    }
    params[keyword] = value;
  }
  return params;
}

Expected<Config> LoadConfig(const std::optional<std::string>& config_path, const EnvLookup& env) {
  Config config;
  std::optional<exporter::OptionFile> file;
  if (config_path) {
    auto read = exporter::OptionFile::Read(*config_path);
    if (!read) {
      // The reader's messages name the file (and line) already, except a few.
      std::string why = read.error();
      if (why.find(*config_path) == std::string::npos) why = "config file " + *config_path + ": " + why;
      return Status::Error(why);
    }
    file = std::move(*read);
    for (const auto& group : file->GroupNames()) {
      if (group != "client" && !exporter::StartsWith(group, "client.")) continue;
      auto params = ParamsFromGroup(file->Group(group));
      if (!params) return Status::Error("config file " + *config_path + ": [" + group + "] " + params.error());
      config.auth_modules[group] = std::move(*params);
    }
  }
  auto from_env = DataSourcesFromEnv(env, config.targets_origin);
  if (!from_env) return from_env.status();
  config.targets = std::move(*from_env);
  if (config.targets.empty() && file && file->HasGroup("client")) {
    config.targets.push_back(config.auth_modules["client"]);
    config.targets_origin = *config_path + " [client]";
  }
  return config;
}

}  // namespace postgres
