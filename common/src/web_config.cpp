#include "exporter/web_config.h"

#include <crypt.h>
#include <dlfcn.h>
#include <openssl/ssl.h>  // protocol version constants only; libssl is loaded when TLS is configured
#include <unistd.h>

#include <cstring>
#include <memory>
#include <mutex>

#include "exporter/log.h"
#include "exporter/sha256.h"
#include "exporter/strings.h"
#include "exporter/yaml_lite.h"

namespace exporter {

namespace {

const char* const kClientAuthTypes[] = {"NoClientCert", "RequestClientCert", "RequireAnyClientCert",
                                        "VerifyClientCertIfGiven", "RequireAndVerifyClientCert"};

std::string Resolve(const std::string& base_dir, const std::string& path) {
  if (path.empty() || path[0] == '/' || base_dir.empty()) return path;
  return base_dir + "/" + path;
}

Status Unknown(const std::string& section, const std::string& key, int line) {
  return Status::Error("line " + std::to_string(line) + ": unknown field '" + key + "' in " + section);
}

Expected<std::string> ScalarOf(const YamlNode& node, const std::string& what) {
  if (node.kind == YamlNode::Kind::kNull) return std::string();
  if (node.kind != YamlNode::Kind::kScalar) {
    return Status::Error("line " + std::to_string(node.line) + ": " + what + " must be a string");
  }
  return node.scalar;
}

// Strict RFC 4648 base64: the standard alphabet, '=' padding only at the end.
std::optional<std::string> DecodeBase64(std::string_view encoded) {
  if (encoded.size() % 4 != 0) return std::nullopt;
  auto value_of = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  size_t padding = 0;
  if (!encoded.empty() && encoded.back() == '=') padding = encoded[encoded.size() - 2] == '=' ? 2 : 1;
  std::string decoded;
  decoded.reserve(encoded.size() / 4 * 3);
  for (size_t i = 0; i < encoded.size(); i += 4) {
    uint32_t group = 0;
    bool last = i + 4 == encoded.size();
    for (size_t j = 0; j < 4; ++j) {
      char c = encoded[i + j];
      int value = value_of(c);
      if (value < 0) {
        if (!(last && c == '=' && j >= 4 - padding)) return std::nullopt;
        value = 0;
      }
      group = group << 6 | static_cast<uint32_t>(value);
    }
    decoded.push_back(static_cast<char>(group >> 16));
    if (!last || padding < 2) decoded.push_back(static_cast<char>(group >> 8 & 0xff));
    if (!last || padding < 1) decoded.push_back(static_cast<char>(group & 0xff));
  }
  return decoded;
}

using CryptR = char* (*)(const char*, const char*, crypt_data*);

// libcrypt is opened the first time a password is checked, so exporters
// without basic auth never map it.
CryptR LoadCryptR() {
  static std::once_flag once;
  static CryptR function = nullptr;
  std::call_once(once, [] {
    void* handle = ::dlopen("libcrypt.so.1", RTLD_NOW | RTLD_LOCAL);
    if (handle) function = reinterpret_cast<CryptR>(::dlsym(handle, "crypt_r"));
    if (!function) log::Error("cannot load libcrypt.so.1 to check passwords; every request is refused");
  });
  return function;
}

}  // namespace

int TlsVersionFromName(std::string_view name) {
  if (name == "TLS10") return TLS1_VERSION;
  if (name == "TLS11") return TLS1_1_VERSION;
  if (name == "TLS12") return TLS1_2_VERSION;
  if (name == "TLS13") return TLS1_3_VERSION;
  return 0;
}

Expected<WebConfig> ParseWebConfig(std::string_view yaml, const std::string& base_dir) {
  auto document = ParseYaml(yaml);
  if (!document) return document.status();
  WebConfig config;
  if (document->kind == YamlNode::Kind::kNull) return config;
  if (document->kind != YamlNode::Kind::kMap) return Status::Error("the web config must be a mapping");

  for (const auto& [section, node] : document->map) {
    if (section == "tls_server_config") {
      if (node.kind == YamlNode::Kind::kNull) continue;
      if (node.kind != YamlNode::Kind::kMap) return Status::Error("tls_server_config must be a mapping");
      WebConfig::Tls tls;
      for (const auto& [key, value] : node.map) {
        if (key == "cipher_suites" || key == "curve_preferences" || key == "prefer_server_cipher_suites") {
          continue;  // accepted for compatibility; OpenSSL's defaults apply
        }
        auto text = ScalarOf(value, "tls_server_config." + key);
        if (!text) return text.status();
        if (key == "cert_file") tls.cert_file = *text;
        else if (key == "key_file") tls.key_file = *text;
        else if (key == "client_auth_type") tls.client_auth_type = text->empty() ? "NoClientCert" : *text;
        else if (key == "client_ca_file") tls.client_ca_file = *text;
        else if (key == "min_version") tls.min_version = text->empty() ? "TLS12" : *text;
        else if (key == "max_version") tls.max_version = *text;
        else return Unknown("tls_server_config", key, value.line);
      }
      if (tls.cert_file.empty() && tls.key_file.empty() && tls.client_ca_file.empty()) continue;
      if (tls.cert_file.empty()) return Status::Error("tls_server_config: missing cert_file");
      if (tls.key_file.empty()) return Status::Error("tls_server_config: missing key_file");
      bool known_auth = false;
      for (const char* type : kClientAuthTypes) known_auth |= tls.client_auth_type == type;
      if (!known_auth) return Status::Error("tls_server_config: invalid client_auth_type " + tls.client_auth_type);
      bool verifies = tls.client_auth_type == "VerifyClientCertIfGiven" ||
                      tls.client_auth_type == "RequireAndVerifyClientCert";
      if (verifies && tls.client_ca_file.empty()) {
        return Status::Error("tls_server_config: client_auth_type " + tls.client_auth_type +
                             " needs client_ca_file");
      }
      if (!TlsVersionFromName(tls.min_version)) {
        return Status::Error("tls_server_config: unknown min_version " + tls.min_version);
      }
      if (!tls.max_version.empty() && !TlsVersionFromName(tls.max_version)) {
        return Status::Error("tls_server_config: unknown max_version " + tls.max_version);
      }
      tls.cert_file = Resolve(base_dir, tls.cert_file);
      tls.key_file = Resolve(base_dir, tls.key_file);
      tls.client_ca_file = Resolve(base_dir, tls.client_ca_file);
      config.tls = tls;
    } else if (section == "basic_auth_users") {
      if (node.kind == YamlNode::Kind::kNull) continue;
      if (node.kind != YamlNode::Kind::kMap) return Status::Error("basic_auth_users must be a mapping");
      for (const auto& [user, hash] : node.map) {
        auto text = ScalarOf(hash, "basic_auth_users." + user);
        if (!text) return text.status();
        if (!StartsWith(*text, "$2")) {
          return Status::Error("line " + std::to_string(hash.line) + ": basic_auth_users." + user +
                               " is not a bcrypt hash");
        }
        config.basic_auth_users[user] = *text;
      }
    } else if (section == "http_server_config") {
      if (node.kind == YamlNode::Kind::kNull) continue;
      if (node.kind != YamlNode::Kind::kMap) return Status::Error("http_server_config must be a mapping");
      for (const auto& [key, value] : node.map) {
        if (key == "http2") continue;  // HTTP/1.1 only here; accepted so that existing files load
        if (key != "headers") return Unknown("http_server_config", key, value.line);
        if (value.kind != YamlNode::Kind::kMap) return Status::Error("http_server_config.headers must be a mapping");
        for (const auto& [name, header_value] : value.map) {
          auto text = ScalarOf(header_value, "header " + name);
          if (!text) return text.status();
          if (text->find_first_of("\r\n") != std::string::npos) {
            return Status::Error("header " + name + " has a line break in its value");
          }
          config.headers.emplace_back(name, *text);
        }
      }
    } else {
      return Unknown("the web config", section, node.line);
    }
  }
  return config;
}

Expected<WebConfig> LoadWebConfig(const std::string& path) {
  auto text = ReadFile(path);
  if (!text) return Status::Error("cannot read web config " + path + ": " + std::strerror(errno));
  auto slash = path.rfind('/');
  std::string base_dir = slash == std::string::npos ? "." : path.substr(0, slash);
  auto config = ParseWebConfig(*text, base_dir);
  if (!config) return Status::Error(path + ": " + config.error());
  if (config->tls) {
    for (const std::string* file : {&config->tls->cert_file, &config->tls->key_file, &config->tls->client_ca_file}) {
      if (!file->empty() && ::access(file->c_str(), R_OK) != 0) {
        return Status::Error(path + ": cannot read " + *file + ": " + std::strerror(errno));
      }
    }
  }
  return config;
}

std::optional<std::pair<std::string, std::string>> DecodeBasicAuth(std::string_view header) {
  header = Trim(header);
  if (header.size() < 6 || strncasecmp(header.data(), "Basic ", 6) != 0) return std::nullopt;
  std::string_view encoded = Trim(header.substr(6));
  if (encoded.empty() || encoded.size() % 4 != 0 || encoded.size() > 4096) return std::nullopt;
  auto decoded = DecodeBase64(encoded);
  if (!decoded) return std::nullopt;
  auto colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  return std::make_pair(decoded->substr(0, colon), decoded->substr(colon + 1));
}

bool BasicAuthenticator::Allows(const std::map<std::string, std::string>& users, const char* authorization_header) {
  if (users.empty()) return true;
  if (!authorization_header) return false;
  auto credentials = DecodeBasicAuth(authorization_header);
  if (!credentials) return false;
  auto user = users.find(credentials->first);
  // Unknown users still pay for one bcrypt so that timing does not reveal which users exist.
  const std::string& stored = user != users.end() ? user->second : users.begin()->second;

  std::string material = credentials->first + '\0' + credentials->second + '\0' + stored;
  auto digest = Sha256(material);
  std::string key(digest.begin(), digest.end());
  {
    std::lock_guard lock(mutex_);
    if (auto it = verified_.find(key); it != verified_.end()) return it->second && user != users.end();
  }
  auto crypt = LoadCryptR();
  if (!crypt) return false;
  auto data = std::make_unique<crypt_data>();
  const char* computed = crypt(credentials->second.c_str(), stored.c_str(), data.get());
  bool ok = computed && computed[0] != '*' && ConstantTimeEquals(computed, stored);
  bool allowed = ok && user != users.end();
  std::lock_guard lock(mutex_);
  if (verified_.size() > 1024) verified_.clear();  // bounded: wrong guesses cannot grow it forever
  verified_[key] = ok;
  return allowed;
}

}  // namespace exporter
