// mattermost_exporter's readers of the target's network tables
// (exporters/mattermost/proc_net.h): /proc/PID/net/tcp{,6} rows, the
// ActiveOpens counter of /proc/PID/net/snmp, fd links and address literals.
// Checked property: an address literal printed back parses to the same address.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "proc_net.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace exporter::mattermost;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)ParseTcpActiveOpens(text);
  for (std::string_view rest = text;;) {
    size_t end = rest.find('\n');
    std::string_view line = rest.substr(0, end);
    if (auto socket = ParseTcpLine(line)) (void)socket->remote.ToString();
    (void)ParseHexEndpoint(line);
    (void)ParseSocketLink(line);
    if (auto address = IpAddress::FromLiteral(line)) {
      auto again = IpAddress::FromLiteral(address->ToString());
      if (!again || !(*again == *address)) {
        std::fprintf(stderr, "address does not round-trip: %s\n", address->ToString().c_str());
        std::abort();
      }
    }
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end + 1);
  }
  return 0;
}
