// node_exporter's parsers of the hardware, filesystem and service collectors
// (exporters/node/parse/*.h besides procfs.h and textfile.h): hwmon, sysfs
// numbers, rapl, schedstat, mdstat, bcache, btrfs, NFS, XFS, ZFS, Fibre
// Channel, InfiniBand and IPVS. The first input byte picks the parser ('a' is
// parser 0, modulo their count), the rest is the file's content.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "parse/bcache.h"
#include "parse/btrfs.h"
#include "parse/ipvs.h"
#include "parse/nfs.h"
#include "parse/part1_sysfs.h"
#include "parse/sysfs_class.h"
#include "parse/xfs.h"
#include "parse/zfs.h"

namespace {

using namespace node::parse;

// The content split at its first newline: a name and a value, for the parsers
// taking two strings.
std::pair<std::string_view, std::string_view> Halves(std::string_view content) {
  size_t newline = content.find('\n');
  if (newline == std::string_view::npos) return {content, {}};
  return {content.substr(0, newline), content.substr(newline + 1)};
}

void Run(unsigned parser, std::string_view content) {
  switch (parser) {
    case 0: {  // hwmon: a sensor file name, then its content
      auto [file, raw] = Halves(content);
      (void)CleanHwmonName(file);
      (void)IsHwmonSensorType(file);
      (void)HwmonChipFromDevicePath(file);
      if (auto sensor = ExplodeHwmonSensorFile(file)) {
        (void)HwmonElementSample(sensor->type, sensor->property, raw, true);
        (void)HwmonElementSample(sensor->type, sensor->property, raw, false);
        (void)HwmonSpecialSample(sensor->type, std::optional<std::string>(raw));
        (void)HwmonSpecialSample(sensor->type, std::nullopt);
      }
      break;
    }
    case 1:
      (void)ParseGoInt64(content);
      (void)ParseDecimalUint(content);
      (void)ParseDecimalInt(content);
      (void)ParseGoBase0Uint(content);
      (void)ParseBtrfsValue(content);
      (void)FindPowerSupplyAttribute(content);
      break;
    case 2: (void)ParseRaplName(content); break;
    case 3: (void)ParseSchedstat(content); break;
    case 4: (void)ParseMdstat(content); break;
    case 5:
      (void)ParseBcacheValue(content);
      (void)ParseBcacheSignedValue(content);
      break;
    case 6: (void)ParseBcacheWritebackRateDebug(content); break;
    case 7: (void)ParseBcachePriorityStats(content); break;
    case 8: {  // btrfs: a layout name, then a device count
      auto [mode, devices] = Halves(content);
      (void)BtrfsAllocationRatio(mode, devices.size());
      break;
    }
    case 9: (void)ParseNfsClientStats(content); break;
    case 10: (void)ParseNfsServerStats(content); break;
    case 11: (void)ParseXfsStats(content); break;
    case 12:
      if (auto values = ParseZfsKstat(content)) {
        for (const auto& [name, value] : *values) (void)ZfsMetricName(name);
      }
      break;
    case 13: (void)ParseZfsPoolIo(content); break;
    case 14:
      (void)ParseZfsObjset(content);
      (void)ParseZfsPoolState(content);
      (void)ZfsMetricName(content);
      break;
    case 15:
      (void)FcStripPrefix(content);
      (void)ParseInfinibandState(content);
      (void)ParseInfinibandRate(content);
      break;
    case 16: (void)ParseIpvsStats(content); break;
    case 17:
      (void)ParseIpvsBackends(content);
      for (size_t size : {4, 16}) {
        if (content.size() >= size) (void)FormatIpvsAddress(reinterpret_cast<const uint8_t*>(content.data()), size);
      }
      break;
  }
}

constexpr unsigned kParsers = 18;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  unsigned selector = data[0] >= 'a' ? data[0] - 'a' : data[0];
  Run(selector % kParsers, std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1));
  return 0;
}
