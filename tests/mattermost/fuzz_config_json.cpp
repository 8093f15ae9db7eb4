// mattermost_exporter's config.json reading (exporters/mattermost/json.h,
// data_source.h, settings.h): the JSON parser, SqlSettings extraction and the
// endpoint resolution that --mattermost.config feeds; the same input read as
// a --config.file (its [mattermost] group: master, replica, data-source, pid...).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "data_source.h"
#include "exporter/config_file.h"
#include "json.h"
#include "settings.h"
#include "../fuzz/fuzz_inputs.h"

namespace {

// Walks the whole document (what a reader of any member would touch).
size_t Walk(const exporter::mattermost::JsonValue& value) {
  size_t nodes = 1;
  for (const auto& element : value.array) nodes += Walk(element);
  for (const auto& member : value.object) nodes += Walk(member.value);
  return nodes;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto document = exporter::mattermost::ParseJson(text);
  if (document) {
    (void)Walk(*document);
    if (const auto* sql = document->Find("SqlSettings")) (void)sql->Find("datasource");
  }
  (void)exporter::mattermost::ParseJson(text, 4);
  (void)exporter::mattermost::ParseMattermostConfig(text);
  exporter::mattermost::Settings settings;
  settings.mattermost_config = "config.json";
  (void)exporter::mattermost::CollectEndpoints(settings, nullptr, text);
  if (fuzz::HasInclude(text)) return 0;
  if (auto file = exporter::OptionFile::Parse(text, "exporter.cnf")) {
    settings.config_file = "exporter.cnf";
    (void)exporter::mattermost::CollectEndpoints(settings, &*file, std::nullopt);
    exporter::mattermost::TargetSpec target;
    (void)exporter::mattermost::ApplyTargetOptions(*file, target);
  }
  return 0;
}
