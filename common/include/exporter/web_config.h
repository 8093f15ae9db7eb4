#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "exporter/status.h"

namespace exporter {

// --web.config.file, in the Prometheus exporter-toolkit format, so users'
// existing files work unchanged.
struct WebConfig {
  struct Tls {
    std::string cert_file;
    std::string key_file;
    std::string client_auth_type = "NoClientCert";
    std::string client_ca_file;
    std::string min_version = "TLS12";
    std::string max_version;
  };
  std::optional<Tls> tls;
  std::map<std::string, std::string> basic_auth_users;  // user -> bcrypt hash
  std::vector<std::pair<std::string, std::string>> headers;
};

// Parses and validates the YAML text; relative file paths resolve against
// base_dir. Errors name the problem and, where there is one, the line.
Expected<WebConfig> ParseWebConfig(std::string_view yaml, const std::string& base_dir);
// Reads the file and checks that the files it names are readable.
Expected<WebConfig> LoadWebConfig(const std::string& path);

// TLS protocol version name ("TLS12") to OpenSSL's constant; 0 when unknown.
int TlsVersionFromName(std::string_view name);

// Checks "Authorization: Basic ..." against bcrypt hashes with crypt_r.
// Successful verifications are remembered (keyed by a hash of user, password
// and stored hash), because bcrypt costs tens of milliseconds by design and
// Prometheus sends the same credentials on every scrape.
class BasicAuthenticator {
 public:
  bool Allows(const std::map<std::string, std::string>& users, const char* authorization_header);

 private:
  std::mutex mutex_;
  std::map<std::string, bool> verified_;
};

// Decodes "Basic dXNlcjpwYXNz" to {"user", "pass"}; nullopt when malformed.
std::optional<std::pair<std::string, std::string>> DecodeBasicAuth(std::string_view header);

}  // namespace exporter
