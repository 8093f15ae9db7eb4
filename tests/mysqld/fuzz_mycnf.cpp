// mysqld_exporter's my.cnf handling (exporters/mysqld/mysqld_config.h): the
// connection parameters of the [client] and [client.NAME] auth modules, then
// the --mysqld.address fallback and a /probe target taken from the file's
// [fuzz] group. A malformed value is an error naming its line, never its value:
// a password must not show up in any error message.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "exporter/config_file.h"
#include "mysqld_config.h"
#include "../fuzz/fuzz_inputs.h"

namespace {

// A password in an error message. Only passwords holding a character that no
// message's fixed text, key name or origin ("fuzz.cnf:3") holds are checked, so
// that a password copied from such text by the fuzzer is no false alarm.
void CheckNoSecret(const std::string& message, const std::optional<std::string>& password) {
  if (!password || password->size() < 4) return;
  if (password->find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 _,.:-'\"()") ==
      std::string::npos) {
    return;
  }
  if (message.find(*password) != std::string::npos) {
    std::fprintf(stderr, "password in error message: %s\n", message.c_str());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (fuzz::HasInclude(text)) return 0;
  auto file = exporter::OptionFile::Parse(text, "fuzz.cnf");
  if (!file) return 0;
  auto extra = file->Group("fuzz");
  for (const char* module : {"client", "client.a", "CLIENT.B"}) {
    auto params = mysqld::ParamsFromOptionFile(*file, module);
    if (!params) {
      CheckNoSecret(params.error(), file->Group(module).Get("password"));
      continue;
    }
    mysqld::ConfigFallbacks fallbacks;
    fallbacks.address = extra.Get("address").value_or("");
    fallbacks.username = extra.Get("username").value_or("");
    fallbacks.password = extra.Get("password");
    auto copy = *params;
    (void)mysqld::ApplyFallbacks(copy, fallbacks);  // its errors quote the address, not the password
    if (auto target = extra.Get("target")) (void)mysqld::ApplyTarget(*params, *target);
  }
  if (auto value = extra.Get("bool")) (void)mysqld::ParseOptionBool(*value);
  return 0;
}
