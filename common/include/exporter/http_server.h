#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <memory>
#include <optional>
#include <ctime>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "exporter/status.h"
#include "exporter/web_config.h"

struct mg_context;
struct mg_connection;

namespace exporter {

class HttpRequest {
 public:
  std::string method;
  std::string path;
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  std::map<std::string, std::string> headers;              // lower-case names
  std::string body;

  std::vector<std::string> QueryValues(std::string_view key) const;
  std::optional<std::string> QueryValue(std::string_view key) const;
  // nullptr when absent.
  const char* Header(std::string_view lower_case_name) const;
};

// Splits "a=1&b=2" into decoded pairs.
std::vector<std::pair<std::string, std::string>> ParseQueryString(std::string_view query);

// Whether the connection stays open after a response, as HTTP/1.x says: 1.1
// unless the request asks to close, 1.0 only when it asks to keep alive.
bool KeepAlive(std::string_view http_version, const char* connection_header);

// The status line and headers of a response, ending with the blank line.
// Written with the body in one send: civetweb writes each header line with
// its own send(), a TCP segment (and a wakeup of the scraper) each.
std::string ResponseHead(int status, std::string_view reason,
                         const std::vector<std::pair<std::string, std::string>>& headers, bool keep_alive,
                         time_t now);

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  bool compressible = false;  // gzip when the client accepts it

  static HttpResponse Text(int status, std::string body) {
    HttpResponse response;
    response.status = status;
    response.body = std::move(body);
    return response;
  }
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

// Go-style listen address (":9100", "127.0.0.1:9100", "[::1]:9100",
// "localhost:9100") to civetweb's listening_ports form. Without IPv6 support
// ":9100" means every IPv4 address and an IPv6 address is an error.
Expected<std::string> ToCivetwebPort(std::string_view address, bool ipv6_supported);

// civetweb underneath; routes are exact paths. Exceptions from a handler
// become 500s; requests beyond max_in_flight get 503.
class HttpServer {
 public:
  struct Options {
    std::vector<std::string> listen_addresses;
    int max_in_flight = 40;  // 0: no limit
    // TLS (decided at start), basic auth and headers (replaceable by SetWebConfig).
    WebConfig web;
  };

  HttpServer();
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  void Route(std::string path, HttpHandler handler);
  Status Start(const Options& options);
  void Stop();

  // Replaces basic auth users, headers and the TLS certificate files (read on
  // each handshake) without dropping the listener. Turning TLS on or off, and
  // client certificate settings, take a restart.
  Status SetWebConfig(const WebConfig& web);
  std::shared_ptr<const WebConfig> web_config() const;

  // Completed requests by status code, for promhttp_metric_handler_requests_total.
  std::map<int, uint64_t> RequestCounts() const;
  int InFlight() const { return in_flight_.load(); }

  // Used by the civetweb callbacks.
  int HandleConnection(mg_connection* connection);
  int InitTls(void* ssl_context);

 private:
  void CountStatus(int status);

  std::map<std::string, HttpHandler> routes_;
  mg_context* context_ = nullptr;
  int max_in_flight_ = 40;
  std::atomic<int> in_flight_{0};
  struct Counts;
  std::unique_ptr<Counts> counts_;
  mutable std::mutex web_mutex_;
  std::shared_ptr<const WebConfig> web_;
  BasicAuthenticator authenticator_;
};

}  // namespace exporter
