#include "mysqld_config.h"

#include <algorithm>
#include <cctype>

#include "exporter/strings.h"

namespace mysqld {

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

struct HostPort {
  std::string host;
  std::optional<unsigned> port;
  std::string socket;
};

exporter::Expected<HostPort> ParseAddress(std::string_view text) {
  HostPort result;
  text = exporter::Trim(text);
  if (exporter::StartsWith(text, "unix://")) {
    result.socket = std::string(text.substr(7));
    if (result.socket.empty()) return exporter::Status::Error("empty socket path in '" + std::string(text) + "'");
    result.host = "localhost";
    return result;
  }
  if (text.empty()) return exporter::Status::Error("empty address");
  std::string_view host = text, port;
  if (text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos) return exporter::Status::Error("bad address '" + std::string(text) + "'");
    host = text.substr(1, close - 1);
    auto rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return exporter::Status::Error("bad address '" + std::string(text) + "'");
      port = rest.substr(1);
    }
  } else if (auto colon = text.rfind(':'); colon != std::string_view::npos) {
    if (text.find(':') != colon) {
      host = text;  // a bare IPv6 address
    } else {
      host = text.substr(0, colon);
      port = text.substr(colon + 1);
    }
  }
  if (host.empty()) return exporter::Status::Error("bad address '" + std::string(text) + "': no host");
  result.host = std::string(host);
  if (!port.empty()) {
    auto number = exporter::ParseUint(port);
    if (!number || *number == 0 || *number > 65535) {
      return exporter::Status::Error("bad port in address '" + std::string(text) + "'");
    }
    result.port = static_cast<unsigned>(*number);
  }
  return result;
}

}  // namespace

std::optional<bool> ParseOptionBool(std::string_view value) {
  std::string lower = Lower(exporter::Trim(value));
  if (lower.empty() || lower == "1" || lower == "on" || lower == "true" || lower == "yes") return true;
  if (lower == "0" || lower == "off" || lower == "false" || lower == "no") return false;
  return std::nullopt;
}

exporter::Expected<ConnectionParams> ParamsFromOptionFile(const exporter::OptionFile& file, std::string_view module) {
  std::vector<std::string> groups = {"client", "client-server", "client-mariadb"};
  std::string lower_module = Lower(module);
  if (lower_module != "client") groups.push_back(lower_module);
  exporter::OptionGroup options;
  for (const auto& option : file.Options(groups)) options.Set(option);

  ConnectionParams params;
  auto bad = [&](std::string_view key, std::string_view why) {
    return exporter::Status::Error("invalid " + std::string(key) + " at " + options.Origin(key) + ": " +
                                   std::string(why));
  };
  if (auto v = options.Get("user")) params.user = *v;
  if (auto v = options.Get("password")) params.password = *v;
  if (auto v = options.Get("host")) params.host = *v;
  if (auto v = options.Get("socket")) params.socket = *v;
  if (auto v = options.Get("port")) {
    auto port = exporter::ParseUint(exporter::Trim(*v));
    if (!port || *port > 65535) return bad("port", "not a port number");
    params.port = static_cast<unsigned>(*port);
  }
  if (auto v = options.Get("protocol")) {
    std::string protocol = Lower(exporter::Trim(*v));
    if (protocol == "tcp" || protocol == "socket") {
      params.protocol = protocol;
    } else if (!protocol.empty()) {
      return bad("protocol", "only TCP and SOCKET are supported");
    }
  }
  if (auto v = options.Get("connect-timeout")) {
    auto seconds = exporter::ParseUint(exporter::Trim(*v));
    if (!seconds) return bad("connect-timeout", "not a number of seconds");
    params.connect_timeout_seconds = static_cast<double>(*seconds);
  }
  if (auto v = options.Get("ssl-ca")) params.ssl_ca = *v;
  if (auto v = options.Get("ssl-capath")) params.ssl_capath = *v;
  if (auto v = options.Get("ssl-cert")) params.ssl_cert = *v;
  if (auto v = options.Get("ssl-key")) params.ssl_key = *v;
  if (auto v = options.Get("ssl-cipher")) params.ssl_cipher = *v;
  using Mode = ConnectionParams::SslMode;
  if (auto v = options.Get("ssl")) {
    auto on = ParseOptionBool(*v);
    if (!on) return bad("ssl", "not a boolean");
    params.ssl_mode = *on ? Mode::kRequired : Mode::kDisabled;
  }
  if (options.Has("skip-ssl")) params.ssl_mode = Mode::kDisabled;
  if (auto v = options.Get("ssl-mode")) {
    std::string mode = Lower(exporter::Trim(*v));
    std::replace(mode.begin(), mode.end(), '-', '_');
    if (mode == "disabled") {
      params.ssl_mode = Mode::kDisabled;
    } else if (mode == "preferred") {
      params.ssl_mode = Mode::kDefault;
    } else if (mode == "required") {
      params.ssl_mode = Mode::kRequired;
    } else if (mode == "verify_ca") {
      params.ssl_mode = Mode::kVerifyCa;
    } else if (mode == "verify_identity") {
      params.ssl_mode = Mode::kVerifyIdentity;
    } else {
      return bad("ssl-mode", "expected DISABLED, PREFERRED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY");
    }
  }
  if (auto v = options.Get("ssl-verify-server-cert")) {
    auto on = ParseOptionBool(*v);
    if (!on) return bad("ssl-verify-server-cert", "not a boolean");
    params.ssl_verify_server_cert = *on;
  }
  if (options.Has("skip-ssl-verify-server-cert")) params.ssl_verify_server_cert = false;
  return params;
}

exporter::Status ApplyFallbacks(ConnectionParams& params, const ConfigFallbacks& fallbacks) {
  const bool file_has_host = !params.host.empty() || !params.socket.empty();
  const bool file_has_port = params.port != 0;
  if (params.user.empty() && !fallbacks.username.empty()) params.user = fallbacks.username;
  if (!params.password && fallbacks.password) params.password = fallbacks.password;
  if (!fallbacks.address.empty()) {
    auto address = ParseAddress(fallbacks.address);
    if (!address) return exporter::Status::Error("--mysqld.address: " + address.error());
    if (!address->socket.empty()) {
      if (!file_has_host) {
        params.host = address->host;
        params.socket = address->socket;
      }
    } else {
      if (!file_has_host) params.host = address->host;
      if (!file_has_port && address->port) params.port = *address->port;
    }
  }
  return {};
}

exporter::Status ApplyTarget(ConnectionParams& params, std::string_view target) {
  auto address = ParseAddress(target);
  if (!address) return address.status();
  params.host = address->host;
  params.socket = address->socket;
  if (address->socket.empty()) {
    params.port = address->port ? *address->port : 3306;
    // "localhost:3306" means TCP here, not the library's socket shortcut.
    if (params.protocol.empty()) params.protocol = "tcp";
  } else {
    params.port = 0;
    params.protocol = "socket";
  }
  return {};
}

}  // namespace mysqld
