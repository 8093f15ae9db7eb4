#include "exporter/http_server.h"

#include <civetweb.h>
#include <dlfcn.h>
#include <malloc.h>
#include <strings.h>
#include <openssl/ssl.h>  // types and constants; the functions come from LoadSslFunctions

#include <algorithm>
#include <cctype>
#include <ctime>
#include <mutex>

#include "exporter/log.h"
#include "exporter/strings.h"
#include "exporter/text_format.h"
#include "tls_compat.h"

namespace exporter {

struct HttpServer::Counts {
  mutable std::mutex mutex;
  std::map<int, uint64_t> by_status;
};

std::vector<std::string> HttpRequest::QueryValues(std::string_view key) const {
  std::vector<std::string> values;
  for (const auto& [k, v] : query) {
    if (k == key) values.push_back(v);
  }
  return values;
}

std::optional<std::string> HttpRequest::QueryValue(std::string_view key) const {
  for (const auto& [k, v] : query) {
    if (k == key) return v;
  }
  return std::nullopt;
}

const char* HttpRequest::Header(std::string_view lower_case_name) const {
  auto it = headers.find(std::string(lower_case_name));
  return it == headers.end() ? nullptr : it->second.c_str();
}

std::vector<std::pair<std::string, std::string>> ParseQueryString(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> pairs;
  if (query.empty()) return pairs;
  for (auto part : Split(query, '&')) {
    if (part.empty()) continue;
    auto equals = part.find('=');
    if (equals == std::string_view::npos) {
      pairs.emplace_back(UrlDecode(part), "");
    } else {
      pairs.emplace_back(UrlDecode(part.substr(0, equals)), UrlDecode(part.substr(equals + 1)));
    }
  }
  return pairs;
}

Expected<std::string> ToCivetwebPort(std::string_view address, bool ipv6_supported) {
  auto colon = address.rfind(':');
  if (colon == std::string_view::npos) return Status::Error("missing port in address " + std::string(address));
  std::string host(address.substr(0, colon));
  std::string port(address.substr(colon + 1));
  auto port_number = ParseUint(port);
  if (!port_number || *port_number > 65535) return Status::Error("invalid port in address " + std::string(address));
  if (host.empty()) return ipv6_supported ? "+" + port : port;
  if (host == "0.0.0.0") return "0.0.0.0:" + port;
  if (host == "localhost") return "127.0.0.1:" + port;
  if (host.front() == '[' || host.find(':') != std::string::npos) {
    if (!ipv6_supported) {
      return Status::Error("IPv6 listen address " + std::string(address) +
                           " is not supported: this build's civetweb has no IPv6");
    }
    return host.front() == '[' ? host + ":" + port : "[" + host + "]:" + port;
  }
  for (char c : host) {
    if (!std::isdigit(static_cast<unsigned char>(c)) && c != '.') {
      return Status::Error("listen address must be an IP address or localhost: " + std::string(address));
    }
  }
  return host + ":" + port;
}

bool KeepAlive(std::string_view http_version, const char* connection_header) {
  auto is = [](std::string_view token, std::string_view word) {
    return token.size() == word.size() && strncasecmp(token.data(), word.data(), word.size()) == 0;
  };
  bool close = false, keep_alive = false;
  if (connection_header) {
    for (std::string_view token : Split(connection_header, ',')) {
      token = Trim(token);
      close = close || is(token, "close");
      keep_alive = keep_alive || is(token, "keep-alive");
    }
  }
  if (close) return false;
  return http_version == "1.1" || keep_alive;
}

std::string ResponseHead(int status, std::string_view reason,
                         const std::vector<std::pair<std::string, std::string>>& headers, bool keep_alive,
                         time_t now) {
  std::string head = "HTTP/1.1 " + std::to_string(status) + " ";
  head += reason;
  head += "\r\n";
  for (const auto& [name, value] : headers) head += name + ": " + value + "\r\n";
  char date[64];
  tm utc{};
  gmtime_r(&now, &utc);
  size_t n = std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &utc);
  head += "Date: ";
  head.append(date, n);
  head += keep_alive ? "\r\nConnection: keep-alive\r\n\r\n" : "\r\nConnection: close\r\n\r\n";
  return head;
}

namespace {
int BeginRequest(mg_connection* connection) {
  auto* server = static_cast<HttpServer*>(mg_get_user_data(mg_get_context(connection)));
  return server->HandleConnection(connection);
}

// libssl is opened only when TLS is configured, so a plain-HTTP exporter
// never maps OpenSSL (about 1.7 MB resident).
struct SslFunctions {
  decltype(&SSL_CTX_ctrl) ctx_ctrl;
  decltype(&SSL_CTX_set_verify) ctx_set_verify;
  decltype(&SSL_CTX_set_cert_cb) ctx_set_cert_cb;
  decltype(&SSL_CTX_load_verify_locations) ctx_load_verify_locations;
  decltype(&SSL_CTX_set_client_CA_list) ctx_set_client_ca_list;
  decltype(&SSL_load_client_CA_file) load_client_ca_file;
  decltype(&SSL_use_certificate_chain_file) use_certificate_chain_file;
  decltype(&SSL_use_PrivateKey_file) use_private_key_file;
  decltype(&SSL_check_private_key) check_private_key;
};

SslFunctions g_ssl{};

Status LoadSslFunctions() {
  static std::once_flag once;
  static Status result;
  std::call_once(once, [] {
    void* handle = ::dlopen("libssl.so.3", RTLD_NOW | RTLD_GLOBAL);
    if (!handle) {
      result = Status::Error(std::string("TLS needs OpenSSL 3: ") + ::dlerror());
      return;
    }
    auto bind = [&](auto& slot, const char* name) {
      slot = reinterpret_cast<std::remove_reference_t<decltype(slot)>>(::dlsym(handle, name));
      if (!slot && result) result = Status::Error(std::string("libssl.so.3 lacks ") + name);
    };
    bind(g_ssl.ctx_ctrl, "SSL_CTX_ctrl");
    bind(g_ssl.ctx_set_verify, "SSL_CTX_set_verify");
    bind(g_ssl.ctx_set_cert_cb, "SSL_CTX_set_cert_cb");
    bind(g_ssl.ctx_load_verify_locations, "SSL_CTX_load_verify_locations");
    bind(g_ssl.ctx_set_client_ca_list, "SSL_CTX_set_client_CA_list");
    bind(g_ssl.load_client_ca_file, "SSL_load_client_CA_file");
    bind(g_ssl.use_certificate_chain_file, "SSL_use_certificate_chain_file");
    bind(g_ssl.use_private_key_file, "SSL_use_PrivateKey_file");
    bind(g_ssl.check_private_key, "SSL_check_private_key");
  });
  return result;
}

int InitSsl(void* ssl_context, void* user_data) { return static_cast<HttpServer*>(user_data)->InitTls(ssl_context); }

// Loads the certificate on every handshake, as exporter-toolkit does, so a
// renewed certificate is served without a restart.
int LoadCertificate(SSL* ssl, void* arg) {
  auto web = static_cast<HttpServer*>(arg)->web_config();
  if (!web || !web->tls) return 0;
  if (g_ssl.use_certificate_chain_file(ssl, web->tls->cert_file.c_str()) != 1) return 0;
  if (g_ssl.use_private_key_file(ssl, web->tls->key_file.c_str(), SSL_FILETYPE_PEM) != 1) return 0;
  return g_ssl.check_private_key(ssl) == 1 ? 1 : 0;
}

void WriteResponse(mg_connection* connection, const HttpRequest& request, HttpResponse& response) {
  std::string body = std::move(response.body);
  bool gzip = response.compressible && AcceptsGzip(request.Header("accept-encoding"));
  if (gzip) body = GzipCompress(body);
  std::vector<std::pair<std::string, std::string>> headers;
  headers.reserve(response.headers.size() + 4);
  headers.emplace_back("Content-Type", response.content_type);
  headers.emplace_back("Content-Length", std::to_string(body.size()));
  if (gzip) headers.emplace_back("Content-Encoding", "gzip");
  if (response.compressible) headers.emplace_back("Vary", "Accept-Encoding");
  for (auto& header : response.headers) headers.push_back(std::move(header));
  const mg_request_info* info = mg_get_request_info(connection);
  bool keep_alive = KeepAlive(info && info->http_version ? info->http_version : "1.1", mg_get_header(connection, "Connection"));
  std::string out = ResponseHead(response.status, mg_get_response_code_text(connection, response.status), headers,
                                 keep_alive, std::time(nullptr));
  if (request.method != "HEAD") out += body;
  mg_write(connection, out.data(), out.size());
}

HttpRequest ReadRequest(mg_connection* connection) {
  const mg_request_info* info = mg_get_request_info(connection);
  HttpRequest request;
  request.method = info->request_method ? info->request_method : "GET";
  request.path = info->local_uri ? info->local_uri : "/";
  if (info->query_string) request.query = ParseQueryString(info->query_string);
  for (int i = 0; i < info->num_headers; ++i) {
    std::string name = info->http_headers[i].name;
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    request.headers[name] = info->http_headers[i].value ? info->http_headers[i].value : "";
  }
  if (request.method == "POST" || request.method == "PUT") {
    char buffer[4096];
    int n;
    while (request.body.size() < (1 << 20) && (n = mg_read(connection, buffer, sizeof buffer)) > 0) {
      request.body.append(buffer, static_cast<size_t>(n));
    }
  }
  return request;
}
}  // namespace

HttpServer::HttpServer() : counts_(std::make_unique<Counts>()), web_(std::make_shared<WebConfig>()) {}

std::shared_ptr<const WebConfig> HttpServer::web_config() const {
  std::lock_guard lock(web_mutex_);
  return web_;
}

Status HttpServer::SetWebConfig(const WebConfig& web) {
  auto current = web_config();
  if (context_ && web.tls.has_value() != current->tls.has_value()) {
    return Status::Error("turning TLS on or off needs a restart");
  }
  std::lock_guard lock(web_mutex_);
  web_ = std::make_shared<const WebConfig>(web);
  return {};
}

int HttpServer::InitTls(void* ssl_context) {
  auto web = web_config();
  if (!web->tls) return -1;
  auto* context = static_cast<SSL_CTX*>(ssl_context);
  const auto& tls = *web->tls;
  g_ssl.ctx_ctrl(context, SSL_CTRL_SET_MIN_PROTO_VERSION, TlsVersionFromName(tls.min_version), nullptr);
  if (!tls.max_version.empty()) {
    g_ssl.ctx_ctrl(context, SSL_CTRL_SET_MAX_PROTO_VERSION, TlsVersionFromName(tls.max_version), nullptr);
  }
  int verify = SSL_VERIFY_NONE;
  if (tls.client_auth_type == "RequestClientCert" || tls.client_auth_type == "VerifyClientCertIfGiven") {
    verify = SSL_VERIFY_PEER;
  } else if (tls.client_auth_type == "RequireAnyClientCert" || tls.client_auth_type == "RequireAndVerifyClientCert") {
    verify = SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
  }
  bool checks_chain = tls.client_auth_type == "VerifyClientCertIfGiven" ||
                      tls.client_auth_type == "RequireAndVerifyClientCert";
  if (!tls.client_ca_file.empty()) {
    if (g_ssl.ctx_load_verify_locations(context, tls.client_ca_file.c_str(), nullptr) != 1) return -1;
    g_ssl.ctx_set_client_ca_list(context, g_ssl.load_client_ca_file(tls.client_ca_file.c_str()));
  }
  // Request/RequireAny ask for a certificate without checking who signed it.
  SSL_verify_cb accept_any = [](int, X509_STORE_CTX*) { return 1; };
  g_ssl.ctx_set_verify(context, verify, checks_chain ? nullptr : accept_any);
  g_ssl.ctx_set_cert_cb(context, LoadCertificate, this);
  return 1;  // certificates come from LoadCertificate; civetweb needs none of its own
}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Route(std::string path, HttpHandler handler) { routes_[std::move(path)] = std::move(handler); }

std::map<int, uint64_t> HttpServer::RequestCounts() const {
  std::lock_guard lock(counts_->mutex);
  return counts_->by_status;
}

void HttpServer::CountStatus(int status) {
  std::lock_guard lock(counts_->mutex);
  ++counts_->by_status[status];
}

int HttpServer::HandleConnection(mg_connection* connection) {
  HttpRequest request = ReadRequest(connection);
  HttpResponse response;
  bool busy = false;  // counted in in_flight_ until the response is written
  auto web = web_config();
  auto route = routes_.find(request.path);
  if (!authenticator_.Allows(web->basic_auth_users, request.Header("authorization"))) {
    response = HttpResponse::Text(401, "Unauthorized\n");
    response.headers.emplace_back("WWW-Authenticate", "Basic");
  } else if (route == routes_.end()) {
    response = HttpResponse::Text(404, "404 page not found\n");
  } else if (max_in_flight_ > 0 && in_flight_.fetch_add(1) >= max_in_flight_) {
    in_flight_.fetch_sub(1);
    response = HttpResponse::Text(503, "Limit of concurrent requests reached (" + std::to_string(max_in_flight_) +
                                           "), try again later.\n");
  } else {
    if (max_in_flight_ <= 0) in_flight_.fetch_add(1);
    try {
      response = route->second(request);
    } catch (const std::exception& e) {
      log::Error("request failed", {{"path", request.path}, {"err", e.what()}});
      response = HttpResponse::Text(500, "internal error\n");
    } catch (...) {
      response = HttpResponse::Text(500, "internal error\n");
    }
    busy = true;
  }
  CountStatus(response.status);
  for (const auto& header : web->headers) response.headers.push_back(header);
  try {
    WriteResponse(connection, request, response);
  } catch (const std::exception& e) {
    log::Error("writing response failed", {{"err", e.what()}});
  }
  const int status = response.status;
  if (busy && in_flight_.fetch_sub(1) == 1) {
    // The last request in flight is answered: hand the pages its scrape freed
    // back to the kernel. An exporter idles between scrapes; without this,
    // the peak of one scrape stays resident until the next.
    response = HttpResponse();
    request = HttpRequest();
    malloc_trim(0);
  }
  return status;
}

Status HttpServer::Start(const Options& options) {
  max_in_flight_ = options.max_in_flight;
  {
    std::lock_guard lock(web_mutex_);
    web_ = std::make_shared<const WebConfig>(options.web);
  }
  const bool tls = options.web.tls.has_value();
  if (tls) {
    if (Status ready = tls_compat::PrepareCivetwebTls(); !ready) return ready;
    if (Status ready = LoadSslFunctions(); !ready) return ready;
  }
  std::string ports;
  const bool ipv6 = mg_check_feature(MG_FEATURES_IPV6) != 0;
  for (const auto& address : options.listen_addresses) {
    auto port = ToCivetwebPort(address, ipv6);
    if (!port) return port.status();
    if (!ports.empty()) ports += ",";
    ports += *port;
    if (tls) ports += "s";  // TLS only: a plain HTTP request on this port fails its handshake
  }
  // civetweb queues connections beyond its thread count instead of answering
  // them, so a few spare threads answer requests over the limit with 503 at
  // once. Every worker thread costs resident memory (its stack and request
  // buffer) whether used or not, so there are at most kMaxWorkers of them:
  // with a larger limit, connections beyond that wait for a free worker.
  constexpr int kSpareThreads = 2;
  constexpr int kMaxWorkers = 8;
  int limit = options.max_in_flight > 0 ? std::min(options.max_in_flight, kMaxWorkers) : kMaxWorkers;
  std::string threads = std::to_string(limit + kSpareThreads);
  mg_init_library(0);
  auto try_start = [&](const std::string& listening) -> Status {
    const char* config[] = {"listening_ports",   listening.c_str(), "num_threads", threads.c_str(),
                            "request_timeout_ms", "30000",           "enable_keep_alive", "yes",
                            "max_request_size",  "8192",
                            nullptr};
    mg_callbacks callbacks{};
    callbacks.begin_request = BeginRequest;
    if (tls) callbacks.init_ssl = InitSsl;
    // civetweb would print to stderr; its start-up errors come back through mg_error_data.
    callbacks.log_message = [](const mg_connection*, const char*) { return 1; };
    char error_text[256] = "";
    unsigned error_code = 0;
    mg_error_data error{&error_code, error_text, sizeof error_text};
    mg_init_data init{&callbacks, this, config};
    context_ = mg_start2(&init, &error);
    if (!context_) {
      std::string detail = error_text[0] ? error_text : "cannot start the HTTP server";
      return Status::Error(detail + " (" + listening + ")");
    }
    return {};
  };
  return try_start(ports);
}

void HttpServer::Stop() {
  if (context_) {
    mg_stop(context_);
    context_ = nullptr;
  }
}

}  // namespace exporter
