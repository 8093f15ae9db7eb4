#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "exporter/status.h"
#include "proc_net.h"
#include "settings.h"

namespace exporter::mattermost {

// A database endpoint with the addresses its host name stands for.
struct ResolvedEndpoint {
  std::string role;   // "master" or "replica"
  std::string label;  // "host:port" as configured
  uint16_t port = 0;
  std::vector<IpAddress> addresses;
};

struct EndpointSet {
  std::vector<ResolvedEndpoint> endpoints;
  EndpointMatcher matcher;  // endpoint index by remote address and port
};

// Every address a host stands for, IPv4 ones IPv4-mapped: a literal is itself;
// "localhost" is 127.0.0.1 and ::1 (whatever /etc/hosts says) plus what the
// resolver adds; other names go through getaddrinfo (all families).
Expected<std::vector<IpAddress>> ResolveHost(const std::string& host);

// The endpoints to count: read from the configured sources and resolved at
// start-up, then again when a scrape finds them older than the refresh
// interval (config.json may have been edited, DNS may have moved). A refresh
// that fails keeps the previous addresses. Thread-safe.
class Databases {
 public:
  explicit Databases(const Settings& settings) : settings_(settings) {}

  // The first load; its errors are fatal at start-up.
  Status Start();
  // Re-reads and resolves now (a reload); an error keeps the current set.
  Status Reload();
  // The current set; a new object whenever it was re-read, so a holder can
  // tell by the pointer that the endpoints may have changed.
  std::shared_ptr<const EndpointSet> Current();

 private:
  Expected<std::vector<DbEndpoint>> ReadSources() const;
  std::shared_ptr<const EndpointSet> Build(const std::vector<DbEndpoint>& configured, const EndpointSet* previous,
                                           bool log_all);

  const Settings& settings_;
  std::mutex mutex_;
  std::shared_ptr<const EndpointSet> current_;
  std::chrono::steady_clock::time_point loaded_at_;
  bool refreshing_ = false;
};

}  // namespace exporter::mattermost
