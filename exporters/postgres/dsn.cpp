#include "dsn.h"

#include <libpq-fe.h>

#include <cctype>
#include <mutex>
#include <set>

#include "exporter/strings.h"

namespace postgres {

using exporter::Expected;
using exporter::Status;

Expected<ConnParams> ParseDsn(const std::string& dsn) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(dsn.c_str(), &error);
  if (!options) {
    std::string message(error ? exporter::Trim(error) : std::string_view("out of memory"));
    if (error) PQfreemem(error);
    // libpq's message may quote the DSN ("invalid percent-encoded token: "<the
    // URI's password>""); never echo a password back.
    if (message.find("password") != std::string::npos || message.find('@') != std::string::npos ||
        dsn.find("password") != std::string::npos || dsn.find('@') != std::string::npos) {
      message = "invalid connection string";
    }
    return Status::Error("cannot parse data source name: " + message);
  }
  ConnParams params;
  for (PQconninfoOption* option = options; option->keyword; ++option) {
    if (option->val) params[option->keyword] = option->val;
  }
  PQconninfoFree(options);
  return params;
}

std::vector<std::string> SplitDsnList(std::string_view list) {
  std::vector<std::string> out;
  for (auto part : exporter::Split(list, ',')) {
    auto trimmed = exporter::Trim(part);
    if (!trimmed.empty()) out.emplace_back(trimmed);
  }
  return out;
}

bool IsLibpqKeyword(const std::string& keyword) {
  static std::set<std::string> keywords;
  static std::once_flag once;
  std::call_once(once, [] {
    PQconninfoOption* defaults = PQconndefaults();
    if (!defaults) return;
    for (PQconninfoOption* option = defaults; option->keyword; ++option) keywords.insert(option->keyword);
    PQconninfoFree(defaults);
  });
  return keywords.count(keyword) > 0;
}

std::string QuoteConninfoValue(std::string_view value) {
  bool plain = !value.empty();
  for (char c : value) {
    // libpq ends an unquoted value at any isspace() character (\v and \f too).
    if (std::isspace(static_cast<unsigned char>(c)) || c == '\'' || c == '\\' || c == '=') plain = false;
  }
  if (plain) return std::string(value);
  std::string out = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

std::string MaskedDsn(const ConnParams& params) {
  std::string out;
  for (const auto& [key, value] : params) {
    if (!out.empty()) out.push_back(' ');
    out += key + "=" + (key == "password" ? std::string("******") : QuoteConninfoValue(value));
  }
  return out;
}

std::string ServerLabel(const ConnParams& params) {
  auto get = [&](const char* key) {
    auto it = params.find(key);
    return it == params.end() ? std::string() : it->second;
  };
  std::string host = get("host");
  if (host.empty()) host = get("hostaddr");
  if (host.empty()) host = "localhost";
  std::string port = get("port");
  if (port.empty()) port = "5432";
  return host + ":" + port;
}

Expected<ConnParams> ParseProbeTarget(const std::string& target) {
  if (target.empty()) return Status::Error("target is empty");
  if (target.find("://") != std::string::npos || target.find('=') != std::string::npos) return ParseDsn(target);
  ConnParams params;
  std::string host = target, port;
  if (target.front() == '[') {
    auto close = target.find(']');
    if (close == std::string::npos) return Status::Error("bad target: " + target);
    host = target.substr(1, close - 1);
    if (close + 1 < target.size()) {
      if (target[close + 1] != ':') return Status::Error("bad target: " + target);
      port = target.substr(close + 2);
    }
  } else if (auto colon = target.rfind(':'); colon != std::string::npos) {
    if (target.find(':') != colon) return Status::Error("bad target (bracket IPv6 addresses): " + target);
    host = target.substr(0, colon);
    port = target.substr(colon + 1);
  }
  if (host.empty()) return Status::Error("bad target: " + target);
  if (!port.empty() && !exporter::ParseUint(port)) return Status::Error("bad port in target: " + target);
  params["host"] = host;
  if (!port.empty()) params["port"] = port;
  return params;
}

}  // namespace postgres
