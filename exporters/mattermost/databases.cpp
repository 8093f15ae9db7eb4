#include "databases.h"

#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>

#include "exporter/config_file.h"
#include "exporter/log.h"
#include "exporter/strings.h"

namespace exporter::mattermost {

namespace {
void AddUnique(std::vector<IpAddress>& addresses, const IpAddress& address) {
  if (std::find(addresses.begin(), addresses.end(), address) == addresses.end()) addresses.push_back(address);
}

std::string JoinAddresses(const std::vector<IpAddress>& addresses) {
  std::string joined;
  for (const auto& address : addresses) joined += (joined.empty() ? "" : ",") + address.ToString();
  return joined;
}
}  // namespace

Expected<std::vector<IpAddress>> ResolveHost(const std::string& host) {
  std::vector<IpAddress> addresses;
  if (auto literal = IpAddress::FromLiteral(host)) {
    addresses.push_back(*literal);
    return addresses;
  }
  bool is_localhost = host == "localhost" || host == "localhost.";
  if (is_localhost) {
    AddUnique(addresses, *IpAddress::FromLiteral("127.0.0.1"));
    AddUnique(addresses, *IpAddress::FromLiteral("::1"));
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* result = nullptr;
  int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &result);
  if (rc != 0) {
    if (is_localhost) return addresses;
    return Status::Error("cannot resolve " + host + ": " + ::gai_strerror(rc));
  }
  for (addrinfo* info = result; info; info = info->ai_next) {
    if (info->ai_family == AF_INET) {
      uint8_t v4[4];
      std::memcpy(v4, &reinterpret_cast<sockaddr_in*>(info->ai_addr)->sin_addr, 4);
      AddUnique(addresses, IpAddress::FromV4(v4));
    } else if (info->ai_family == AF_INET6) {
      IpAddress address;
      std::memcpy(address.bytes.data(), &reinterpret_cast<sockaddr_in6*>(info->ai_addr)->sin6_addr, 16);
      AddUnique(addresses, address);
    }
  }
  ::freeaddrinfo(result);
  if (addresses.empty()) return Status::Error("no addresses for " + host);
  return addresses;
}

Expected<std::vector<DbEndpoint>> Databases::ReadSources() const {
  std::optional<OptionFile> file;
  if (!settings_.config_file.empty()) {
    auto read = OptionFile::Read(settings_.config_file);
    if (!read) return Status::Error(read.error());
    file = std::move(*read);
  }
  std::optional<std::string> json;
  if (!settings_.mattermost_config.empty()) {
    json = ReadFile(settings_.mattermost_config);
    if (!json) return Status::Error("cannot read " + settings_.mattermost_config);
  }
  return CollectEndpoints(settings_, file ? &*file : nullptr,
                          json ? std::optional<std::string_view>(*json) : std::nullopt);
}

std::shared_ptr<const EndpointSet> Databases::Build(const std::vector<DbEndpoint>& configured,
                                                    const EndpointSet* previous, bool log_all) {
  auto set = std::make_shared<EndpointSet>();
  for (const auto& endpoint : configured) {
    if (endpoint.address.IsUnix()) {
      if (log_all) {
        log::Warn("Unix-socket database endpoint: its connections are not counted",
                  {{"role", endpoint.role}, {"endpoint", endpoint.address.Label()}});
      }
      continue;
    }
    ResolvedEndpoint resolved{endpoint.role, endpoint.address.Label(), endpoint.address.port, {}};
    auto addresses = ResolveHost(endpoint.address.host);
    const ResolvedEndpoint* old = nullptr;
    if (previous) {
      for (const auto& candidate : previous->endpoints) {
        if (candidate.role == resolved.role && candidate.label == resolved.label) old = &candidate;
      }
    }
    if (addresses) {
      resolved.addresses = std::move(*addresses);
    } else {
      log::Warn("cannot resolve database host", {{"role", endpoint.role},
                                                 {"endpoint", resolved.label},
                                                 {"err", addresses.error()},
                                                 {"kept", old ? JoinAddresses(old->addresses) : ""}});
      if (old) resolved.addresses = old->addresses;
    }
    if (log_all || !old || old->addresses != resolved.addresses) {
      log::Info(
          "counting connections to database",
          {{"role", resolved.role}, {"endpoint", resolved.label}, {"addresses", JoinAddresses(resolved.addresses)}});
    }
    set->endpoints.push_back(std::move(resolved));
  }
  for (size_t i = 0; i < set->endpoints.size(); ++i) {
    for (const auto& address : set->endpoints[i].addresses) set->matcher.Add(address, set->endpoints[i].port, i);
  }
  return set;
}

Status Databases::Start() {
  auto configured = ReadSources();
  if (!configured) return configured.status();
  auto set = Build(*configured, nullptr, true);
  std::lock_guard lock(mutex_);
  current_ = std::move(set);
  loaded_at_ = std::chrono::steady_clock::now();
  return {};
}

Status Databases::Reload() {
  auto configured = ReadSources();
  if (!configured) return configured.status();
  std::shared_ptr<const EndpointSet> previous;
  {
    std::lock_guard lock(mutex_);
    previous = current_;
  }
  auto set = Build(*configured, previous.get(), false);
  std::lock_guard lock(mutex_);
  current_ = std::move(set);
  loaded_at_ = std::chrono::steady_clock::now();
  return {};
}

std::shared_ptr<const EndpointSet> Databases::Current() {
  std::shared_ptr<const EndpointSet> previous;
  {
    std::lock_guard lock(mutex_);
    auto age = std::chrono::duration<double>(std::chrono::steady_clock::now() - loaded_at_).count();
    if (age < settings_.refresh_seconds || refreshing_) return current_;
    refreshing_ = true;  // this caller refreshes; the others go on with the current set
    previous = current_;
  }
  std::shared_ptr<const EndpointSet> next = previous;
  auto configured = ReadSources();
  if (configured) {
    next = Build(*configured, previous.get(), false);
  } else {
    log::Warn("cannot re-read the database settings; keeping the previous ones", {{"err", configured.error()}});
  }
  std::lock_guard lock(mutex_);
  current_ = next;
  loaded_at_ = std::chrono::steady_clock::now();
  refreshing_ = false;
  return current_;
}

}  // namespace exporter::mattermost
