// Every /proc and /sys parser of node_exporter in parse/procfs.h and parse/offdefault.h.
// The first input byte picks the parser (modulo their count), the rest is the
// file's content: seeds are named <letter>-<file>, 'a' being parser 0.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "parse/offdefault.h"
#include "parse/procfs.h"

namespace {

using namespace node::parse;

void Run(unsigned parser, std::string_view content) {
  switch (parser) {
    case 0: (void)ParseLoadavg(content); break;
    case 1: (void)ParseMeminfo(content); break;
    case 2: (void)ParseProcStat(content); break;
    case 3: (void)ParseDiskstats(content); break;
    case 4: (void)ParseUdevProperties(content); break;
    case 5: (void)ParseNetDev(content); break;
    case 6: (void)ParseNetstat(content); break;
    case 7: (void)ParseSnmp6(content); break;
    case 8: (void)ParseKeyValueLines(content); break;
    case 9: (void)ParseFileNr(content); break;
    case 10:
      (void)ParseSingleUint(content);
      (void)ParseSysfsInt(content);
      break;
    case 11: (void)ParseSockstat(content); break;
    case 12: (void)ParsePressure(content); break;
    case 13:
      (void)ParseMountinfo(content);
      (void)UnescapeMountField(content);
      break;
    case 14: (void)ParseSoftnet(content); break;
    case 15: (void)ParseUdpQueues(content); break;
    case 16: (void)ParseArp(content); break;
    case 17: (void)ParseConntrackStat(content); break;
    case 18:
      for (const auto& [key, value] : ParseOsRelease(content)) {
        if (key == "VERSION_ID") (void)ParseOsVersion(value);
      }
      (void)ParseOsVersion(content);
      break;
    case 19:
      (void)ParseWordList(content);
      for (std::string_view rest = content; !NextField(rest).empty();) {
      }
      break;
    case 20: (void)ParseInterrupts(content); break;
    case 21: {
      (void)ParseNodeMeminfo(content);
      (void)ParseNumastat(content);
      std::string number;
      (void)NumaNodeNumber(content, number);
      break;
    }
    case 22: (void)ParseSingleUint(content); break;  // ksmd and processes files
    case 23: {
      TcpStats stats;
      (void)AddInetDiagMessages(content, stats);
      break;
    }
    case 24:
      (void)ParseProcessState(content);
      (void)IsPidName(content);
      break;
    case 25:
      (void)ParseMountStats(content);
      (void)ParseMountInfoAddresses(content);
      break;
  }
}

constexpr unsigned kParsers = 26;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  unsigned selector = data[0];
  // Seeds use letters: 'a' is parser 0.
  unsigned parser = (selector >= 'a' ? selector - 'a' : selector) % kParsers;
  Run(parser, std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1));
  return 0;
}
